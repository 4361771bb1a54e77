"""Inline SVG bar charts: people counted so far against each threshold (no JavaScript, no library)."""

from __future__ import annotations

from markupsafe import Markup, escape

ROUTE_COLOURS = {
    "exempt": "#2e7d32",
    "standard_contract_or_certification": "#b26a00",
    "security_assessment": "#c62828",
    "other_path": "#6a1b9a",
}


def _fmt(n: int) -> str:
    return f"{n:,}"


def headroom_svg(headroom: list[dict], lang: str, title: str) -> Markup:
    """One bar per threshold: the filled part is the people counted now, the frame the threshold."""
    if not headroom:
        return Markup("")
    width, label_w, bar_w, row_h = 780, 250, 330, 46
    height = 24 + row_h * len(headroom)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'preserveAspectRatio="xMinYMin meet" aria-labelledby="chart-title chart-desc" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="chart-title">{escape(title)}</title>']
    desc = []
    for i, h in enumerate(headroom):
        y = 16 + i * row_h
        threshold = max(int(h["threshold"]), 1)
        current = max(int(h["current"]), 0)
        frac = min(current / threshold, 1.0)
        colour = ROUTE_COLOURS.get(h.get("route", ""), "#455a64")
        counter = {"count.pi": {"zh": "个人信息", "en": "personal information"},
                   "count.spi": {"zh": "敏感个人信息", "en": "sensitive PI"}}.get(
            h["counter"], {"zh": h["counter"], "en": h["counter"]})[lang]
        wording = h.get("wording") or ""
        left = f"{counter} · {wording}"
        right = f"{_fmt(current)} / {_fmt(threshold)}"
        over = current >= threshold
        parts.append(f'<text x="0" y="{y + 14}" class="chart-label">{escape(left)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="20" rx="3" '
                     f'fill="#eceff1" stroke="{colour}" stroke-width="1.5"/>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{bar_w * frac:.1f}" height="20" rx="3" '
                     f'fill="{colour}" fill-opacity="{0.9 if over else 0.55}"/>')
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 14}" class="chart-figure">'
                     f'{escape(right)}</text>')
        parts.append(f'<text x="{label_w}" y="{y + 34}" class="chart-note">'
                     f'{escape(_remaining(h, lang))}</text>')
        desc.append(f"{left}: {right}")
    parts.insert(2, f'<desc id="chart-desc">{escape("; ".join(desc))}</desc>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _remaining(h: dict, lang: str) -> str:
    from chujing.decision import PATHWAY_LABELS

    route = PATHWAY_LABELS.get(h.get("route", ""), {}).get(lang, h.get("route", ""))
    remaining = int(h.get("remaining", 0))
    if lang == "zh":
        return f"再 {_fmt(remaining)} 人内不触发：{route}" if remaining > 0 else f"已达到：{route}"
    return f"{_fmt(remaining)} more before: {route}" if remaining > 0 else f"reached: {route}"
