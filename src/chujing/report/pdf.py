"""HTML to PDF with WeasyPrint (needs pango; fonts from Debian's fonts-noto-cjk)."""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    import logging

    from weasyprint import HTML

    # WeasyPrint logs every unsupported CSS property; the report's screen-only rules are expected.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=html).write_pdf()
