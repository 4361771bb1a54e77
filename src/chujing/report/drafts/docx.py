"""A draft as Word (.docx), set like an official Chinese document.

Typography follows GB/T 9704-2012 (党政机关公文格式), which the CAC templates use as far as we know:
A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title 方正小标宋简体 二号 (22 pt)
centred; first-level headings 黑体 三号 (16 pt); second-level headings 楷体_GB2312 三号; body
仿宋_GB2312 三号, fixed line spacing 28 pt, first line indented two characters; page numbers
宋体 四号 at the foot, "— 1 —". Tables use 仿宋 五号 (10.5 pt) to fit. Fonts are named, not
embedded: Word substitutes where they are missing.
"""

from __future__ import annotations

import io

from chujing.report.labels import TODO
from chujing.report.markdown import langs_of

TITLE_FONT = "方正小标宋简体"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
PAGE_FONT = "宋体"
LATIN_FONT = "Times New Roman"


def _t(text, langs, sep=" / "):
    if text is None:
        return ""
    return sep.join(dict.fromkeys(text[lg] for lg in langs))


def _font(run, east_asian: str, size_pt: float, bold: bool = False, colour=None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = LATIN_FONT
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asian)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)


def _para(doc, text: str, font=BODY_FONT, size=16, bold=False, indent=True, align=None,
          colour=None, spacing=28):
    from docx.shared import Pt

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(spacing)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold, colour)
    return p


def _lines(doc, text, langs, **kw):
    """One paragraph per language; English in grey when both are shown."""
    for i, lg in enumerate(dict.fromkeys(lg for lg in langs if text.get(lg) is not None)):
        value = text[lg]
        if i and value == text[langs[0]]:
            continue
        _para(doc, value, colour="595959" if i else None, **kw)


def _page_number_footer(section) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), PAGE_FONT, 14)
    run = p.add_run()
    _font(run, PAGE_FONT, 14)
    for tag, attr in (("w:fldChar", {"w:fldCharType": "begin"}),
                      ("w:instrText", None),
                      ("w:fldChar", {"w:fldCharType": "end"})):
        el = run._element.makeelement(qn(tag), {})
        if attr:
            for k, v in attr.items():
                el.set(qn(k), v)
        else:
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        run._element.append(el)
    _font(p.add_run(" —"), PAGE_FONT, 14)


def _table(doc, head, rows, langs) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    hdr = table.rows[0]
    # Repeat the header row on every page; never split a row across pages.
    trpr = hdr._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))
    for cell, h in zip(hdr.cells, head, strict=True):
        cell.paragraphs[0].paragraph_format.line_spacing = Pt(16)
        _font(cell.paragraphs[0].add_run(_t(h, langs)), H1_FONT, 10.5, bold=True)
    for row in rows:
        r = table.add_row()
        trpr = r._tr.get_or_add_trPr()
        trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))
        for cell, value in zip(r.cells, row, strict=True):
            text = _t(value, langs, "\n")
            p = cell.paragraphs[0]
            p.paragraph_format.line_spacing = Pt(16)
            _font(p.add_run(text), BODY_FONT, 10.5, bold=TODO in text, colour="C00000" if TODO in text else None)
    _widths(table, head)
    doc.add_paragraph()


TEXT_WIDTH_MM = 210 - 28 - 26


def _widths(table, head) -> None:
    """Narrow "#" columns, a narrower label column in two-column tables, the rest shared."""
    from docx.shared import Mm

    weights = [1 if h.get("zh") == "#" else 4 for h in head]
    if len(head) == 2:
        weights = [2, 5]
    total = sum(weights)
    table.autofit = False
    for i, col in enumerate(table.columns):
        width = Mm(TEXT_WIDTH_MM * weights[i] / total)
        col.width = width
        for cell in col.cells:
            cell.width = width


def render(draft, lang: str = "zh") -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Mm

    langs = langs_of(lang)
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    _page_number_footer(sec)
    # Deterministic metadata: no "created" timestamp from the clock.
    props = doc.core_properties
    props.title = _t(draft.title, langs)
    props.author = "chujing"
    props.last_modified_by = "chujing"
    import datetime as dt

    props.created = props.modified = dt.datetime(2000, 1, 1)
    props.revision = 1

    for b in draft.blocks:
        kind = b["type"]
        if kind == "title":
            _lines(doc, b["text"], langs, font=TITLE_FONT, size=22, indent=False,
                   align=WD_ALIGN_PARAGRAPH.CENTER, spacing=36)
            _para(doc, "", indent=False)
        elif kind == "meta":
            for k, v in b["rows"]:
                _para(doc, f"{_t(k, langs)}：{_t(v, langs)}", size=14, indent=False)
            _para(doc, "", indent=False)
        elif kind == "notice":
            _lines(doc, b["text"], langs, size=12, spacing=20)
        elif kind == "heading":
            font = H1_FONT if b["level"] == 1 else H2_FONT
            _lines(doc, b["text"], langs, font=font, size=16, indent=True)
        elif kind == "para":
            _lines(doc, b["text"], langs)
        elif kind == "todo":
            hint = f" {_t(b['text'], langs, ' ')}" if b.get("text") else ""
            p = _para(doc, TODO, bold=True, colour="C00000")
            if hint:
                _font(p.add_run(hint), BODY_FONT, 16, colour="7F7F7F")
        elif kind == "bullets":
            for x in b["items"]:
                _para(doc, "· " + _t(x, langs))
        elif kind == "checklist":
            for x in b["items"]:
                mark = "☑" if x.get("done") else "☐"
                src = f"（{x['source']}）" if x.get("source") else ""
                _para(doc, f"{mark} {_t(x['text'], langs, ' / ')}{src}")
        elif kind == "table":
            _table(doc, b["head"], b["rows"], langs)
        elif kind == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed member timestamps, so the same draft gives the same bytes."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
