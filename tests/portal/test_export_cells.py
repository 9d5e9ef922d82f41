"""Exports never fail on a stored string: one rule neutralises formulas (= + - @ TAB CR)
in CSV and XLSX cells, and one function (portal.xlsx.clean) makes any text fit a
workbook."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from portal import xlsx
from portal.exports import neutralise, stream_csv, write_xlsx
from tests.factories import make_message

EVERY_CONTROL = "".join(chr(c) for c in range(1, 32))
NASTY = [
    "a\x01b\x0bc",
    "lone \ud800 surrogate",
    "not a char \ufffe\uffff",
    "astral 🎉 𝄞",
    "x" * 40_000,
    EVERY_CONTROL,
    '=HYPERLINK("http://x")',
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\t5", "'\t5"),
        ("-5", "-5"),
        ("+1.5", "+1.5"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_one_rule_neutralises_formulas(text, expected):
    assert neutralise(text) == expected


def test_the_csv_neutralises_cells_starting_with_tab_or_cr():
    response = stream_csv(["A"], [["\tcmd"], ["\rcmd"], ["=cmd"]], "x.csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert [row[0] for row in rows[1:]] == ["'\tcmd", "'\rcmd", "'=cmd"]


def test_an_xlsx_never_fails_on_any_string():
    export = write_xlsx([("Sheet \x01 [x]", ["Header \x0b"], ([text] for text in NASTY))], "x.xlsx")
    workbook = load_workbook(io.BytesIO(export.read()), read_only=True)
    values = [row[0] for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    export.discard()
    assert values[0] == "Header "
    assert values[1] == "abc"
    assert values[3] == "not a char "
    assert values[4] == "astral 🎉 𝄞"
    assert len(values[5]) == xlsx.MAX_CELL_CHARS
    assert values[6] == "\t\n\r"  # only the characters XML can hold are kept
    assert values[8] == "'\t=1+1"


def test_clean_makes_any_text_fit_openpyxl_too():
    workbook = Workbook()
    for text in NASTY:
        workbook.active.append([xlsx.clean(text)])  # raw, openpyxl raises IllegalCharacterError
    workbook.save(io.BytesIO())


@pytest.mark.django_db
def test_a_stored_message_with_control_characters_exports(alice_client, account):
    make_message(account, subject="Fuite\x01 d'eau\x0b", caller_name="\tJean")
    response = alice_client.get(f"/a/{account.number}/messages/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    text = [c for row in workbook.active.iter_rows(values_only=True) for c in row if c]
    workbook.close()
    assert "Fuite d'eau" in " ".join(map(str, text))
    csv_response = alice_client.get(f"/a/{account.number}/messages/export.csv")
    content = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert "'\tJean" in content
