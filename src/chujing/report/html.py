"""The report as one self-contained HTML page (inline CSS and SVG, no script), via Jinja2."""

from __future__ import annotations

from importlib import resources
from typing import Any

from chujing.report import labels as L
from chujing.report.chart import headroom_svg
from chujing.report.markdown import inventory_summary, langs_of


def _env():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("chujing.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def css(for_print: bool) -> str:
    base = resources.files("chujing.report").joinpath("templates/report.css").read_text("utf-8")
    if for_print:
        base += resources.files("chujing.report").joinpath("templates/print.css").read_text("utf-8")
    return base


def render_html(ctx: dict[str, Any], lang: str = "both", for_print: bool = False) -> str:
    langs = langs_of(lang)
    tmpl = _env().get_template("report.html.j2")
    return tmpl.render(
        c=ctx, L=L, T=L.T, langs=langs, lang=lang, css=css(for_print), for_print=for_print,
        chart=headroom_svg(ctx["chart"], langs), inv_summary=(
            inventory_summary(ctx["inventory"]) if ctx["inventory"] else []),
        html_lang="zh-CN" if langs[0] == "zh" else "en",
        header_text=_header(ctx, langs),
    )


def _header(ctx: dict[str, Any], langs: list[str]) -> str:
    """The running header of the printed page: company and the date of assessment."""
    date_label = " / ".join(L.T["as_of"][lg] for lg in langs)
    dated = f"{date_label} {ctx['as_of']}"
    return f"{ctx['company']} · {dated}" if ctx["company"] else dated
