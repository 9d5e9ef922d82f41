"""Big PDFs in bounded memory: render in chunks with WeasyPrint, join them as they come.

WeasyPrint lays out a whole document in memory, so a PDF of 25,000 messages is rendered
as many small documents (a few hundred items each). `PdfJoiner` then copies each
chunk's pages into one output file and forgets the chunk: pypdf parses the chunk, and
every object its pages reach is written out at once under a new number. Only the
list of page numbers and the cross-reference offsets (a few bytes per object) grow
with the document; pypdf's own PdfWriter.append keeps every page in memory until the
end instead (about 250 MB for 4,200 pages).

What is not copied: each chunk's outline (bookmarks) and document-level name trees,
which the chunked templates do not produce (`bookmark-level: none`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_CATALOG, _PAGES, _INFO = 1, 2, 3


class PdfJoiner:
    """Write one PDF made of the pages of several, in order, chunk by chunk.

    with path.open("wb") as out:
        joiner = PdfJoiner(out)
        for part in parts:
            joiner.append(part)
        joiner.finish(title="...")
    """

    def __init__(self, out: IO[bytes]):
        self.out = out
        self.offsets: dict[int, int] = {}
        self.next_number = _INFO + 1
        self.kids: list[int] = []
        self.start = out.tell()
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    @property
    def page_count(self) -> int:
        return len(self.kids)

    def _allocate(self) -> int:
        number = self.next_number
        self.next_number += 1
        return number

    def _write(self, number: int, obj) -> None:
        self.offsets[number] = self.out.tell() - self.start
        self.out.write(b"%d 0 obj\n" % number)
        obj.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")

    def append(self, source: str | Path | IO[bytes]) -> int:
        """Copy every page of `source`; returns how many were added."""
        reader = PdfReader(source)
        root = reader.trailer.raw_get("/Root")
        catalog = root.get_object()
        special = {(root.idnum, root.generation): _CATALOG}
        pages_root = catalog.raw_get("/Pages")
        if isinstance(pages_root, IndirectObject):
            special[(pages_root.idnum, pages_root.generation)] = _PAGES
        numbers: dict[tuple[int, int], int] = {}
        pending: list[IndirectObject] = []

        def remap(value):
            if isinstance(value, IndirectObject):
                key = (value.idnum, value.generation)
                if key in special:
                    return IndirectObject(special[key], 0, None)
                if key not in numbers:
                    numbers[key] = self._allocate()
                    pending.append(value)
                return IndirectObject(numbers[key], 0, None)
            if isinstance(value, StreamObject):
                stream = StreamObject()
                stream.set_data(value._data)
                for key, item in value.items():
                    stream[key] = remap(item)
                return stream
            if isinstance(value, DictionaryObject):
                mapping = DictionaryObject()
                for key, item in value.items():
                    mapping[key] = remap(item)
                return mapping
            if isinstance(value, ArrayObject):
                return ArrayObject(remap(item) for item in value)
            return value

        # Pages are numbered first, so a link from one page to another finds it.
        page_numbers = []
        for page in reader.pages:
            page_numbers.append(self._allocate())
            reference = page.indirect_reference
            if reference is not None:
                numbers[(reference.idnum, reference.generation)] = page_numbers[-1]
        added = 0
        for page, page_number in zip(reader.pages, page_numbers, strict=True):
            copy = DictionaryObject()
            for key, item in page.items():
                if key != "/Parent":
                    copy[key] = remap(item)
            for key in INHERITED:
                if key not in copy:
                    inherited = page.get_inherited(key)
                    if inherited is not None:
                        copy[NameObject(key)] = remap(inherited)
            copy[NameObject("/Parent")] = IndirectObject(_PAGES, 0, None)
            self._write(page_number, copy)
            self.kids.append(page_number)
            added += 1
            while pending:
                reference = pending.pop()
                self._write(
                    numbers[(reference.idnum, reference.generation)],
                    remap(reference.get_object()),
                )
        return added

    def finish(self, title: str = "") -> None:
        """Write the page tree, the catalog and the cross-reference table."""
        pages = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): ArrayObject(
                    IndirectObject(number, 0, None) for number in self.kids
                ),
                NameObject("/Count"): NumberObject(len(self.kids)),
            }
        )
        self._write(_PAGES, pages)
        catalog = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Catalog"),
                NameObject("/Pages"): IndirectObject(_PAGES, 0, None),
            }
        )
        self._write(_CATALOG, catalog)
        info = DictionaryObject({NameObject("/Producer"): TextStringObject("WeasyPrint")})
        if title:
            info[NameObject("/Title")] = TextStringObject(title)
        self._write(_INFO, info)
        xref_at = self.out.tell() - self.start
        size = self.next_number
        lines = [b"xref\n", b"0 %d\n" % size, b"0000000000 65535 f \n"]
        for number in range(1, size):
            offset = self.offsets.get(number)
            if offset is None:  # allocated and never reached: a free entry
                lines.append(b"0000000000 65535 f \n")
            else:
                lines.append(b"%010d 00000 n \n" % offset)
        self.out.writelines(lines)
        self.out.write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, _CATALOG, _INFO, xref_at)
        )


def render_pdf_in_chunks[Chunk](
    chunks: Iterable[Chunk],
    render_html: Callable[[Chunk, int], str],
    out: IO[bytes],
    work_dir: Path,
    *,
    title: str = "",
    after_chunk: Callable[[Chunk], None] | None = None,
) -> int:
    """Render each chunk to its own PDF with WeasyPrint and join them into `out`.

    `render_html(chunk, first_page)` returns the chunk's HTML; `first_page` is the number
    its first page gets, so page numbers run on across chunks (the template sets
    `@page :first { counter-increment: page <first_page> }`). `after_chunk(chunk)` is
    called once a chunk is in the output (for progress). Returns the page count.
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from portal.exports import static_url_fetcher

    joiner = PdfJoiner(out)
    fetcher = static_url_fetcher()
    # One font configuration for all the chunks: a new one per document keeps a little
    # memory each time (about 0.3 MB per 100 messages), one shared does not.
    fonts = FontConfiguration()
    part = work_dir / "chunk.pdf"
    for chunk in chunks:
        html = render_html(chunk, joiner.page_count + 1)
        HTML(string=html, base_url="/", url_fetcher=fetcher).write_pdf(part, font_config=fonts)
        joiner.append(part)
        part.unlink()
        if after_chunk is not None:
            after_chunk(chunk)
    joiner.finish(title=title)
    return joiner.page_count
