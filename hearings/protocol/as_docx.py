"""The protocol as a Word document (python-docx), for the organiser to file and sign."""

import io
from collections.abc import Iterable

from docx import Document
from docx.oxml import OxmlElement
from docx.shared import Pt
from docx.text.paragraph import Paragraph as DocxParagraph

from hearings.protocol.layout import Block, Heading, Table

HEADING_STYLES = {0: "Title", 1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}


def protocol_docx(blocks: Iterable[Block]) -> bytes:
    """The DOCX's bytes.

    Paragraphs are put before the body's closing section properties directly:
    Document.add_paragraph looks for that element among all the body's children on every
    call, which makes 5,000 comments (25,000 paragraphs) take minutes instead of seconds.
    Comments are paragraphs, not table rows, for the same reason (python-docx walks a table
    to find a cell)."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Arial"  # has the Kazakh letters on every office suite's system
    normal.font.size = Pt(10)
    # Set by id: the style setter looks the default style up among all styles every time.
    style_ids = {level: document.styles[name].style_id for level, name in HEADING_STYLES.items()}
    body = document.element.body
    section = body.sectPr

    def paragraph_new(style_id: str = "") -> DocxParagraph:
        element = OxmlElement("w:p")
        if style_id:
            element.get_or_add_pPr().style = style_id
        if section is None:
            body.append(element)
        else:
            section.addprevious(element)
        return DocxParagraph(element, document)

    for block in blocks:
        if isinstance(block, Heading):
            paragraph_new(style_ids[block.level]).add_run(block.text)
        elif isinstance(block, Table):
            table = document.add_table(rows=1 + len(block.rows), cols=len(block.header))
            table.style = "Table Grid"
            for row_cells, values in zip(table.rows, [block.header, *block.rows], strict=True):
                for cell, value in zip(row_cells.cells, values, strict=True):
                    cell.text = value
        elif block.kind == "label":
            paragraph = paragraph_new()
            paragraph.add_run(f"{block.label}: ").bold = True
            paragraph.add_run(block.text)
        else:
            paragraph = paragraph_new()
            paragraph.add_run(block.text).italic = block.kind == "note"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
