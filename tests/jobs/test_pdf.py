"""jobs/pdf.py: chunks rendered by WeasyPrint, joined into one valid PDF as they come."""

import io

from pypdf import PdfReader
from weasyprint import HTML

from jobs.pdf import PdfJoiner, render_pdf_in_chunks


def chunk_pdf(words: list[str], first_page: int = 1) -> bytes:
    pages = "".join(f'<p class="page">{word} é</p>' for word in words)
    html = (
        "<style>@page { size: A6; @bottom-right { content: counter(page); } }"
        f"@page :first {{ counter-increment: page {first_page}; }}"
        ".page { break-after: page; } h1 { bookmark-level: none; }</style>"
        f'<a href="https://example.com/{words[0]}">link</a>{pages}'
    )
    return HTML(string=html).write_pdf()


def test_joined_pages_keep_their_order_text_links_and_fonts():
    out = io.BytesIO()
    joiner = PdfJoiner(out)
    assert joiner.append(io.BytesIO(chunk_pdf(["alpha", "beta"]))) == 2
    assert joiner.append(io.BytesIO(chunk_pdf(["gamma"], first_page=3))) == 1
    joiner.finish(title="Messages · Plomberie")
    reader = PdfReader(io.BytesIO(out.getvalue()), strict=True)
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == 3
    assert ["alpha é" in texts[0], "beta é" in texts[1], "gamma é" in texts[2]] == [True] * 3
    assert [text.strip().splitlines()[-1] for text in texts] == ["1", "2", "3"]
    assert reader.metadata.title == "Messages · Plomberie"
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
    ]
    assert links == ["https://example.com/alpha", "https://example.com/gamma"]
    # Each page's parent is the one page tree; every object is where the table says.
    assert all(
        page["/Parent"].get_object() == reader.trailer["/Root"]["/Pages"] for page in reader.pages
    )


def test_render_in_chunks_numbers_pages_on_and_reports_each_chunk(tmp_path):
    seen = []

    def render(chunk, first_page):
        pages = "".join(f'<p class="page">{word}</p>' for word in chunk)
        return (
            "<style>@page { @bottom-right { content: counter(page); } }"
            f"@page :first {{ counter-increment: page {first_page}; }}"
            ".page { break-after: page; }</style>" + pages
        )

    out = io.BytesIO()
    pages = render_pdf_in_chunks(
        [["one", "two"], ["three"], ["four", "five"]],
        render,
        out,
        tmp_path,
        title="T",
        after_chunk=seen.append,
    )
    assert pages == 5
    assert seen == [["one", "two"], ["three"], ["four", "five"]]
    reader = PdfReader(io.BytesIO(out.getvalue()), strict=True)
    assert [p.extract_text().split()[0] for p in reader.pages] == [
        "one",
        "two",
        "three",
        "four",
        "five",
    ]
    assert [p.extract_text().split()[-1] for p in reader.pages] == ["1", "2", "3", "4", "5"]
    assert list(tmp_path.iterdir()) == []  # the chunk files are gone


def test_an_empty_join_is_still_a_pdf():
    out = io.BytesIO()
    PdfJoiner(out).finish()
    assert len(PdfReader(io.BytesIO(out.getvalue()), strict=True).pages) == 0
