"""Reports (Markdown, HTML, PDF; Chinese, English or both) and filing drafts.

    from chujing.report import render
    html = render(decision_dict, scenario_dict_or_None, "html", "both")      # str
    pdf = render(decision_dict, None, "pdf", "zh", inventory=inv)            # bytes

`decision` is `Decision.to_dict()` output; a report never needs the engine. `scenario` (a Scenario
or its dict) adds the facts as given; `inventory` (`report.inventory.load_inventory(path)`) adds the
data inventory annex. Same inputs, same bytes (Markdown and HTML).
Heavy imports (Jinja2, WeasyPrint) happen inside the functions that need them.
"""

from __future__ import annotations

from typing import Any

FORMATS = ("markdown", "html", "pdf")
LANGS = ("zh", "en", "both")


def build_context(decision: dict, scenario: Any = None, inventory: dict | None = None,
                  company: str | None = None) -> dict[str, Any]:
    from chujing.report.context import build

    return build(decision, scenario, inventory, company)


def render(decision: dict, scenario: Any = None, fmt: str = "html", lang: str = "both", *,
           inventory: dict | None = None, company: str | None = None) -> str | bytes:
    """The report: `str` for markdown and html, `bytes` for pdf."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}")
    ctx = build_context(decision, scenario, inventory, company)
    if fmt == "markdown":
        from chujing.report.markdown import render_markdown

        return render_markdown(ctx, lang)
    from chujing.report.html import render_html

    if fmt == "html":
        return render_html(ctx, lang)
    from chujing.report.pdf import html_to_pdf

    return html_to_pdf(render_html(ctx, lang, for_print=True))


__all__ = ["FORMATS", "LANGS", "build_context", "render"]
