"""PDF read back with pdftotext (poppler-utils): Chinese text, figures, header, page numbers.
Few on purpose: WeasyPrint is slow on a loaded machine."""

import shutil
import subprocess

import pytest

from chujing.report import render
from tests.report.conftest import RAW_PI, load_case

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="needs pdftotext (Debian poppler-utils)")


def pdf_text(pdf: bytes, tmp_path, layout: bool = False) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")


@pytest.fixture(scope="module")
def sc_zh_pdf(scan_inventory):
    d, s = load_case("standard_contract")
    return render(d, s, "pdf", "zh", inventory=scan_inventory)


def test_pdf_chinese_text_and_figures(sc_zh_pdf, tmp_path):
    assert sc_zh_pdf.startswith(b"%PDF-")
    text = pdf_text(sc_zh_pdf, tmp_path)
    flat = "".join(text.split())
    for phrase in ("数据出境合规评估报告", "订立个人信息出境标准合同并备案", "判定过程", "义务与期限",
                   "距各门槛的余量", "数据资产清单", "本工具不作判断的事项", "《促进和规范数据跨境流动规定》第八条"):
        assert phrase in flat, phrase
    for figure in ("340,000", "1,000,000", "659,999", "2026-07-15"):
        assert figure in flat, figure
    for raw in RAW_PI:
        assert raw not in flat


def test_pdf_header_and_page_numbers(sc_zh_pdf, tmp_path):
    text = pdf_text(sc_zh_pdf, tmp_path)
    pages = text.split("\f")[:-1]
    assert len(pages) >= 3
    for i, page in enumerate(pages, 1):
        flat = "".join(page.split())
        assert "北京某软件科技有限公司" in flat and "评估日期2026-06-30" in flat
        assert f"第{i}页，共{len(pages)}页" in flat


def test_pdf_bilingual(tmp_path):
    d, s = load_case("security_assessment")
    text = " ".join(pdf_text(render(d, s, "pdf", "both"), tmp_path).split())
    assert "申报数据出境安全评估" in text.replace(" ", "")
    assert "CAC security assessment" in text
