"""The protocol as one self-contained printable HTML page: its style inside it (print CSS
included), no script, no outside resource, so the stored bytes and their hash are the page."""

import base64
import hashlib
from collections.abc import Iterable

from django.utils.html import escape, linebreaks

from hearings.protocol.layout import Block, Heading, Table

PROTOCOL_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.4;
  max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
h1 { font-size: 1.5rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #999; }
h3 { font-size: 1.1rem; margin-top: 1.5rem; } h4 { font-size: 1rem; margin: 1.25rem 0 .25rem; }
p { margin: .25rem 0; } .label { font-weight: bold; } .note { font-style: italic; color: #444; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #777; padding: .2rem .5rem; }
td.count { text-align: right; }
@page { size: A4; margin: 18mm 15mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2, h3, h4 { break-after: avoid; } table, tr { break-inside: avoid; }
}
"""


def style_source_hash() -> str:
    """The CSP source that allows the page's own style and nothing else."""
    digest = hashlib.sha256(PROTOCOL_CSS.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _block_html(block: Block) -> str:
    if isinstance(block, Heading):
        level = block.level + 1
        return f"<h{level}>{escape(block.text)}</h{level}>"
    if isinstance(block, Table):
        head = "".join(f"<th>{escape(cell)}</th>" for cell in block.header)
        rows = "".join(
            "<tr><th scope=row>"
            + escape(row[0])
            + "</th>"
            + "".join(f'<td class="count">{escape(cell)}</td>' for cell in row[1:])
            + "</tr>"
            for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if block.kind == "label":
        body = linebreaks(block.text, autoescape=True)
        return f'<div class="field"><p class="label">{escape(block.label)}:</p>{body}</div>'
    css = ' class="note"' if block.kind == "note" else ""
    return f"<p{css}>{escape(block.text)}</p>"


def protocol_html(blocks: Iterable[Block], *, title: str) -> bytes:
    """The page's bytes (UTF-8)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="kk">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
        f"<title>{escape(title)}</title><style>{PROTOCOL_CSS}</style></head><body>",
    ]
    parts.extend(_block_html(block) for block in blocks)
    parts.append("</body></html>")
    return "\n".join(parts).encode()
