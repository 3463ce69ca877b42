"""The protocol as PDF (ReportLab), in a TrueType font with the Kazakh letters (ә ғ қ ң ө ұ ү
һ і): ReportLab's built-in fonts have no Cyrillic at all. The font's path is the setting
RGIS_HEARINGS_PROTOCOL_FONT (DejaVu Sans from Debian's fonts-dejavu-core by default)."""

import io
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, SimpleDocTemplate
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import Table as PdfTable

from hearings.protocol.layout import Block, Heading, Table

REGULAR, BOLD = "ProtocolSans", "ProtocolSans-Bold"


def fonts_register(font_path: Path) -> None:
    """Register the font (and its bold face beside it, "<name>-Bold.ttf", if there is one).
    Raises OSError when the file is missing or is not a TrueType font."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    try:
        regular = TTFont(REGULAR, str(font_path))
        bold_path = font_path.with_name(f"{font_path.stem}-Bold{font_path.suffix}")
        bold = TTFont(BOLD, str(bold_path)) if bold_path.exists() else TTFont(BOLD, str(font_path))
    except Exception as error:  # ReportLab raises TTFError, IOError or its own errors
        raise OSError(f"{font_path}: {error}") from error
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR)


def _style(
    name: str, font: str, size: float, before: float = 0, after: float = 2
) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=size * 1.3, spaceBefore=before, spaceAfter=after
    )


STYLES = {
    "body": _style("body", REGULAR, 9.5),
    "note": _style("note", REGULAR, 9, after=2),
    0: _style("title", BOLD, 16, after=8),
    1: _style("section", BOLD, 13, before=12, after=4),
    2: _style("topic", BOLD, 11.5, before=10, after=3),
    3: _style("comment", BOLD, 10, before=8, after=1),
}
STYLES["note"].textColor = colors.HexColor("#444444")


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br/>")


def _flowable(block: Block) -> Flowable:
    if isinstance(block, Heading):
        return PdfParagraph(_text(block.text), STYLES[block.level])
    if isinstance(block, Table):
        cells = [
            [PdfParagraph(_text(value), STYLES["body"]) for value in row]
            for row in [block.header, *block.rows]
        ]
        table = PdfTable(cells, colWidths=[70 * mm, 30 * mm, 30 * mm, 30 * mm], hAlign="LEFT")
        table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)])
        return table
    if block.kind == "label":
        return PdfParagraph(f"<b>{_text(block.label)}:</b> {_text(block.text)}", STYLES["body"])
    return PdfParagraph(_text(block.text), STYLES["note" if block.kind == "note" else "body"])


def protocol_pdf(blocks: Iterable[Block], *, title: str, font_path: Path) -> bytes:
    """The PDF's bytes, A4, pages numbered."""
    fonts_register(font_path)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        leftMargin=18 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )

    def page_number(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.setFont(REGULAR, 8)
        canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, str(doc.page))

    document.build(
        [_flowable(block) for block in blocks], onFirstPage=page_number, onLaterPages=page_number
    )
    return buffer.getvalue()
