"""The protocol as a Word document (python-docx), for the organiser to file and sign."""

import io
from collections.abc import Iterable

from docx import Document
from docx.shared import Pt

from hearings.protocol.layout import Block, Heading, Table


def protocol_docx(blocks: Iterable[Block]) -> bytes:
    """The DOCX's bytes. Comments are paragraphs, not table rows: python-docx finds a table
    cell by walking the table, which would make thousands of comments slow."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Arial"  # has the Kazakh letters on every office suite's system
    normal.font.size = Pt(10)
    for block in blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Table):
            table = document.add_table(rows=1 + len(block.rows), cols=len(block.header))
            table.style = "Table Grid"
            for row_cells, values in zip(table.rows, [block.header, *block.rows], strict=True):
                for cell, value in zip(row_cells.cells, values, strict=True):
                    cell.text = value
        elif block.kind == "label":
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{block.label}: ").bold = True
            paragraph.add_run(block.text)
        else:
            paragraph = document.add_paragraph()
            paragraph.add_run(block.text).italic = block.kind == "note"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
