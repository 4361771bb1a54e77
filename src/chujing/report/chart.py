"""The headroom chart: this year's cumulative people against each threshold, as inline SVG.

No script and no external file, so it prints the same in a browser and in WeasyPrint's PDF.
Thresholds differ by orders of magnitude (10,000 sensitive vs 1,000,000 ordinary), so each row is
scaled to its own threshold; the caption says so.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

WIDTH = 640
BAR_W = 430
BAR_H = 14
LINE_H = 15
FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif"


def reached(op: str, current: int, threshold: int) -> bool:
    return current > threshold if op in ("more_than", "at_most") else current >= threshold


def _fmt(n: int | None) -> str:
    return "?" if n is None else f"{n:,}"


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def headroom_svg(rows: list[dict[str, Any]], langs: list[str]) -> str:
    """One bar per threshold row (see context.chart_rows); labels in the given languages."""
    if not rows:
        return ""
    row_h = LINE_H * len(langs) + BAR_H + 12
    height = row_h * len(rows) + 4
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{WIDTH}" '
           f'height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
           f'font-family="{FONT}" font-size="11">']
    for i, r in enumerate(rows):
        y = i * row_h + 2
        for j, lg in enumerate(langs):
            label = f"{r['label'][lg]} · {r['wording'] or _fmt(r['threshold'])}"
            fill = "#222" if j == 0 else "#555"
            out.append(f'<text x="0" y="{y + LINE_H * (j + 1) - 3}" fill="{fill}">'
                       f'{escape(label)}</text>')
        by = y + LINE_H * len(langs)
        thr, cur = r["threshold"], r["current"]
        top = max(thr * 1.25, (cur or 0) * 1.05) or 1
        tx = thr / top * BAR_W
        out.append(f'<rect x="0" y="{by}" width="{BAR_W}" height="{BAR_H}" fill="#edf2f7"/>')
        if cur is not None:
            w = cur / top * BAR_W
            colour = "#c53030" if r["reached"] else "#2b6cb0"
            out.append(f'<rect x="0" y="{by}" width="{_num(w)}" height="{BAR_H}" fill="{colour}"/>')
        out.append(f'<line x1="{_num(tx)}" y1="{by - 3}" x2="{_num(tx)}" y2="{by + BAR_H + 3}" '
                   f'stroke="#1a202c" stroke-width="2"/>')
        value = f"{_fmt(cur)} / {_fmt(thr)}"
        out.append(f'<text x="{BAR_W + 10}" y="{by + BAR_H - 3}" fill="#1a202c">'
                   f'{escape(value)}</text>')
    out.append("</svg>")
    return "".join(out)
