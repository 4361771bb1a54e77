import io

import pytest

from chujing.errors import InputError
from chujing.report import drafts
from chujing.report.labels import TODO
from tests.report.conftest import RAW_PI, load_case


def md(route, case="standard_contract", lang="zh", inventory=None):
    d, s = load_case(case)
    return drafts.to_markdown(drafts.build(route, d, s, inventory), lang)


def docx_text(data: bytes) -> str:
    import docx

    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("alias,canonical", [
    ("sc", "standard_contract"), ("standard_contract", "standard_contract"),
    ("standard_contract_or_certification", "standard_contract"), ("SA", "security_assessment"),
    ("security_assessment", "security_assessment"), ("cert", "certification"),
    ("certification", "certification"), ("exempt", "inventory"),
])
def test_route_names_and_aliases(alias, canonical):
    assert drafts.canonical_route(alias) == canonical


def test_unknown_route_is_an_input_error():
    with pytest.raises(InputError, match="unknown route 'scc'"):
        drafts.canonical_route("scc")


def test_standard_contract_draft():
    out = md("sc")
    for head in ("个人信息保护影响评估报告", "一、评估工作概述", "三、拟出境活动的影响评估",
                 "境外接收方所在国家或者地区的个人信息保护政策和法规对标准合同履行的影响",
                 "标准合同附录一：个人信息出境说明", "出境后存储期限", "标准合同备案材料清单",
                 "承诺书", "附件：数据资产清单"):
        assert head in out, head
    # Prefilled from the facts.
    for fact in ("北京某软件科技有限公司", "Example Support Inc. / US", "姓名、电子邮件地址、电话号码",
                 "个人信息300,000人，其中敏感个人信息0人", "累计：个人信息340,000人", "截止日期：2026-07-15"):
        assert fact in out, fact
    assert out.count(TODO) >= 8
    assert "《个人信息出境认证办法》第八条" not in out  # certification duties belong to the cert draft


def test_security_assessment_draft():
    out = md("sa", "security_assessment")
    for head in ("数据出境风险自评估报告", "一、自评估工作简述", "二、出境活动整体情况",
                 "三、拟出境活动风险评估情况", "四、出境活动风险自评估结论",
                 "数据出境安全评估申报材料清单", "统一社会信用代码证件（营业执照）复印件",
                 "法定代表人身份证件复印件", "经办人身份证件复印件", "经办人授权委托书",
                 "数据出境安全评估申报书", "与境外接收方拟订立的法律文件", "相关证明材料",
                 "对境外接收方将出境数据再转移给其他组织、个人的约束性要求"):
        assert head in out, head
    assert "某商业银行股份有限公司" in out and "金融账户" in out


def test_certification_checklist():
    out = md("cert")
    for item in ("个人信息出境认证申请清单", "不得数量拆分", "GB/T 46068-2025", "《个人信息出境认证办法》第七条",
                 "有效期届满前6个月"):
        assert item in out, item
    assert "- [ ]" in out


def test_english_and_both():
    en = md("sc", lang="en")
    assert "Personal information protection impact assessment" in en and "评估工作概述" not in en
    assert TODO in en
    both = md("sc", lang="both")
    assert "评估工作概述" in both and "About this assessment" in both


def test_drafts_hold_no_raw_pi(scan_inventory):
    d, s = load_case("needs_information")
    for route in ("sc", "sa", "cert", "exempt"):
        doc = drafts.build(route, d, s, scan_inventory)
        text = drafts.to_markdown(doc, "both") + docx_text(drafts.to_docx(doc, "both"))
        for raw in RAW_PI + ["11010519491231002X"]:
            assert raw not in text, (route, raw)
        assert "138****5678" in text and "customers.csv" in text


def test_inventory_annex_from_scan(scan_inventory):
    out = md("exempt", "needs_information", "zh", scan_inventory)
    for text in ("customers.csv", "手机号", "电话号码", "医疗健康", "脱敏样例"):
        assert text in out


def test_docx_typography_and_structure(tmp_path):
    import docx
    from docx.oxml.ns import qn

    d, s = load_case("security_assessment")
    path = drafts.write(drafts.build("sa", d, s), tmp_path / "sa.docx", "zh")
    doc = docx.Document(str(path))
    sec = doc.sections[0]
    assert round(sec.top_margin.mm) == 37 and round(sec.left_margin.mm) == 28
    title = doc.paragraphs[0]
    assert title.text == "数据出境风险自评估报告"
    rfonts = title.runs[0]._element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "方正小标宋简体" and title.runs[0].font.size.pt == 22
    fonts = {r._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
             for p in doc.paragraphs for r in p.runs if r._element.rPr is not None}
    assert {"黑体", "楷体_GB2312", "仿宋_GB2312"} <= fonts
    table = doc.tables[0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:cantSplit")) is not None
    assert "PAGE" in sec.footer.paragraphs[0]._element.xml
    assert TODO in docx_text(path.read_bytes())


@pytest.mark.parametrize("suffix", [".md", ".docx"])
def test_draft_is_reproducible(tmp_path, suffix):
    d, s = load_case("standard_contract")
    a = drafts.write(drafts.build("sc", d, s), tmp_path / f"a{suffix}").read_bytes()
    b = drafts.write(drafts.build("sc", d, s), tmp_path / f"b{suffix}").read_bytes()
    assert a == b


def test_write_refuses_other_suffix(tmp_path):
    d, s = load_case("exempt")
    with pytest.raises(InputError):
        drafts.write(drafts.build("exempt", d, s), tmp_path / "x.pdf")
    assert not list(tmp_path.iterdir())


def test_an_unknown_sensitive_count_is_left_to_complete_not_written_as_zero():
    """A decision whose sensitive counts are unknown (a total given, an item's count not): the
    draft asks for the number instead of stating 0 people."""
    d, s = load_case("standard_contract")
    d["counts"]["this_transfer"]["sensitive_personal_information"] = None
    d["counts"]["sensitive_personal_information"] = None
    out = drafts.to_markdown(drafts.build("sc", d, s, None), "zh")
    assert f"个人信息300,000人，其中敏感个人信息{TODO}" in out
    assert f"累计：个人信息340,000人，其中敏感个人信息{TODO}" in out
    assert "300,000人，其中敏感个人信息0人" not in out and "累计：个人信息340,000人，其中敏感个人信息0人" not in out
    en = drafts.to_markdown(drafts.build("sc", d, s, None), "en")
    assert f"300,000 people's personal information, {TODO} of them sensitive" in en
