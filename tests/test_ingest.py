"""read_document on real and generated inputs of every supported format, and on bad input."""

from __future__ import annotations

import codecs
import hashlib
import io
import pickle
import random
import zipfile
from pathlib import Path

import pytest

from extractor.exceptions import InputError
from extractor.ingest import Document, read_document
from extractor.normalise import normalise

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
PDFS = sorted((SHARED / "reports").glob("*.pdf"))
TEMPLATE_DOCX = SHARED / "reports" / "template_2021.docx"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (sample reports) missing")


def reason_of(path: Path, **kwargs: int) -> str:
    with pytest.raises(InputError) as info:
        read_document(path, **kwargs)
    err = info.value
    assert str(path) in str(err), "the message names the file"
    return err.reason


# --- HTML ---------------------------------------------------------------------------------

GBK_PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>标题不算正文</title>
<style>td { color: red }</style>
<script>var junk = "<td>脚本里的字</td>"; document.write("12345");</script>
</head>
<body>
<noscript>请启用脚本</noscript>
<h1>某某县住房和城乡建设局2023年政府信息公开工作年度报告</h1>
<p>　　一、总体情况&nbsp;全年主动公开信息<b>355</b>条，<span style="display:none">雷速体育</span>
其中&lt;概括&gt;类4条。</p>
<!-- 注释里的 999 -->
<div>二、收到和处理政府信息公开申请情况</div>
<table border="1">
<tr><td colspan="3" rowspan="2">
    （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>
    <td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td></td><td></td><td></td><td>商业<br>企业</td><td>科研机构</td><td>社会公益组织</td>
    <td>法律服务机构</td><td>其他</td></tr>
<tr><td rowspan="3">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>
    <td>6</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>6</td></tr>
<tr><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td>
    <td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>2.其他法律行政法规禁止公开</td>
    <td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
</table>
<ul><li>第一项</li><li>第二项</li></ul>
<p>扫一扫在手机打开当前页</p>
</body></html>
"""


def test_gbk_html_tables_keep_structure(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_bytes(GBK_PAGE.encode("gbk"))
    doc = read_document(path)
    assert doc.format == "html"
    assert doc.encoding == "gb18030"  # GBK is decoded as its superset
    lines = doc.text.split("\n")

    # script, style, noscript, comments, <head> and display:none spam are gone
    for junk in ("脚本里的字", "12345", "td {", "请启用脚本", "999", "标题不算正文", "雷速体育"):
        assert junk not in doc.text
    # entities decoded, blocks on their own lines
    assert "　　一、总体情况\xa0全年主动公开信息355条， 其中<概括>类4条。" in lines
    assert lines[0] == "某某县住房和城乡建设局2023年政府信息公开工作年度报告"
    assert "二、收到和处理政府信息公开申请情况" in lines
    assert lines.index("第一项") + 1 == lines.index("第二项")

    rows = [line.split("\t") for line in lines if "\t" in line]
    assert len(rows) == 6  # one line per <tr>
    assert all(len(r) == 10 for r in rows)  # rowspan/colspan keep every row on the grid
    # colspan: text then empty cells; rowspan: empty at that column below, text never copied
    assert rows[0] == [rows[0][0], "", "", "申请人情况", "", "", "", "", "", ""]
    assert rows[1] == ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"]
    assert rows[2] == [
        "",
        "",
        "",
        "",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "",
    ]
    assert rows[3] == [
        "三、本年度办理结果",
        "（一）予以公开",
        "",
        "6",
        "0",
        "0",
        "0",
        "0",
        "0",
        "6",
    ]
    assert rows[4] == ["", "（三）不予公开", "1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"]
    assert rows[5] == ["", "", "2.其他法律行政法规禁止公开", "1", "0", "0", "0", "0", "0", "1"]
    assert doc.text.count("三、本年度办理结果") == 1
    assert doc.text.count("（三）不予公开") == 1


def test_html_meta_charset_is_honoured_only_when_it_decodes(tmp_path: Path) -> None:
    body = "<html><head><meta charset='{cs}'></head><body><p>行政許可 550 件</p></body></html>"
    stale = tmp_path / "stale.html"  # re-saved as UTF-8, still says gbk
    stale.write_bytes(body.format(cs="gbk").encode("utf-8"))
    doc = read_document(stale)
    assert (doc.encoding, doc.text) == ("utf-8", "行政許可 550 件")

    big5 = tmp_path / "big5.htm"  # too short for a reliable guess: the declaration decides
    big5.write_bytes(body.format(cs="big5").encode("big5"))
    assert read_document(big5).encoding == "big5"


def test_nested_layout_table_keeps_inner_rows(tmp_path: Path) -> None:
    page = """<html><body><table><tr><td>导航</td><td>
        <p>正文开始</p>
        <table><tr><td>规章</td><td>1</td><td>0</td><td>11</td></tr>
               <tr><td>行政规范性文件</td><td>8</td><td>26</td><td>66</td></tr></table>
        </td></tr></table></body></html>"""
    path = tmp_path / "layout.html"
    path.write_text(page, encoding="utf-8")
    lines = read_document(path).text.split("\n")
    assert lines == ["导航", "正文开始", "规章\t1\t0\t11", "行政规范性文件\t8\t26\t66"]


def test_html_fragment_in_txt_is_html_but_markdown_is_text(tmp_path: Path) -> None:
    frag = tmp_path / "scraped.txt"
    frag.write_text("<table><tr><td>行政许可</td><td>550</td></tr></table>", encoding="utf-8")
    assert read_document(frag).format == "html"
    assert read_document(frag).text == "行政许可\t550"

    md = tmp_path / "report.md"
    md_text = "# 标题\n\n| 规章 | 0 |<br>\n| 行政规范性文件 | 5 |\n"
    md.write_text(md_text, encoding="utf-8")
    doc = read_document(md)
    assert (doc.format, doc.text) == ("text", md_text)


# --- plain text ---------------------------------------------------------------------------

TEXT = "洪泽区人民政府\r\n2023年政府信息公开工作年度报告\n规章\t0\t0\t0\n（一）予以公开　１２件\n"


@pytest.mark.parametrize(
    ("codec", "prefix", "expected"),
    [
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
        ("utf-16-le", b"", "utf-16-le"),
        ("utf-8", b"", "utf-8"),
        ("gb18030", b"", "gb18030"),
    ],
)
def test_text_encodings(tmp_path: Path, codec: str, prefix: bytes, expected: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(prefix + TEXT.encode(codec))
    doc = read_document(path)
    assert (doc.format, doc.encoding) == ("text", expected)
    assert doc.text == TEXT  # no BOM, line ends untouched: that is normalise's job


def test_download_cut_mid_character_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes(TEXT.encode("utf-8")[:-5])  # ends inside '２'
    doc = read_document(path)
    assert doc.encoding == "utf-8"
    assert doc.text == TEXT[:-3] + "\ufffd"


def test_short_gbk_title_is_not_guessed_as_utf16(tmp_path: Path) -> None:
    # Unrestricted charset-normalizer calls these bytes UTF-16-BE.
    path = tmp_path / "title.txt"
    path.write_bytes("洪泽区人民政府2023年政府信息公开工作年度报告".encode("gbk"))
    doc = read_document(path)
    assert doc.text == "洪泽区人民政府2023年政府信息公开工作年度报告"


@needs_shared
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seeds(seed: Path) -> None:
    doc = read_document(seed)
    assert doc == Document(
        path=str(seed),
        format="text",
        text=seed.read_bytes().decode("utf-8"),
        encoding="utf-8",
        sha256=hashlib.sha256(seed.read_bytes()).hexdigest(),
    )


# --- PDF ----------------------------------------------------------------------------------


@needs_shared
@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.name)
def test_real_pdfs(pdf: Path) -> None:
    doc = read_document(pdf)
    assert (doc.format, doc.encoding) == ("pdf", None)
    assert doc.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    text = doc.text
    # pages in order: the page markers pdfium reads at the top of each page come in sequence
    markers = [text.index(f"- {n} -") for n in range(1, 5)]
    assert markers == sorted(markers)
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "六、其他需要报告的事项"):
        assert heading in text
    norm = normalise(text).text
    assert "- 1 -" not in norm and "\r" not in norm
    assert "二、上年结转政府信息公开申请数量" in norm


@needs_shared
def test_pdf_table_rows_come_out_one_per_line() -> None:
    norm = normalise(read_document(SHARED / "reports" / "hongze_2023.pdf").text).text
    lines = norm.split("\n")
    assert "行政许可 550" in lines
    assert "一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21" in lines
    assert "(七)总计 21 0 0 0 0 0 21" in lines  # full-width brackets normalised


def _blank_pdf(pages: int) -> bytes:
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(_blank_pdf(3))
    with pytest.raises(InputError) as info:
        read_document(path)
    assert info.value.reason == "no_text_layer"
    assert "OCR" in str(info.value) and "ocrmypdf" in str(info.value)


def test_corrupt_pdf_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog >>\n" * 10)
    assert reason_of(path) == "unreadable"
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(_blank_pdf(1)[:300])
    assert reason_of(truncated) == "unreadable"


# --- DOCX ---------------------------------------------------------------------------------


@pytest.fixture
def filled_docx(tmp_path: Path) -> Path:
    if not TEMPLATE_DOCX.exists():
        pytest.skip("../shared/reports/template_2021.docx missing")
    import docx

    document = docx.Document(str(TEMPLATE_DOCX))
    document.paragraphs[1].text = "某某县人民政府2024年政府信息公开工作年度报告"
    active, applications, review = document.tables
    for cell, value in zip(active.rows[2].cells[1:], ("0", "1", "11"), strict=True):
        cell.text = value
    for cell, value in zip(applications.rows[3].cells[3:], "19 0 0 0 0 0 19".split(), strict=True):
        cell.text = value
    for cell, value in zip(applications.rows[7].cells[3:], "1 0 0 0 0 0 1".split(), strict=True):
        cell.text = value
    for cell, value in zip(
        review.rows[3].cells, "1 0 0 0 1 0 0 0 0 0 0 0 0 0 0".split(), strict=True
    ):
        cell.text = value
    path = tmp_path / "filled.docx"
    document.save(str(path))
    return path


def test_docx_document_order_and_merged_cells(filled_docx: Path) -> None:
    doc = read_document(filled_docx)
    assert (doc.format, doc.encoding) == ("docx", None)
    lines = doc.text.split("\n")
    assert lines[0] == "某某县人民政府2024年政府信息公开工作年度报告"

    # paragraphs and tables interleaved in document order
    order = [
        "二、主动公开政府信息情况",
        "规章\t0\t1\t11",
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量\t\t\t19\t0\t0\t0\t0\t0\t19",
        "\t（三）不予公开\t1.属于国家秘密\t1\t0\t0\t0\t0\t0\t1",
        "四、政府信息公开行政复议、行政诉讼情况",
        "1\t0\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0",
        "五、存在的主要问题及改进情况",
    ]
    positions = [lines.index(line) for line in order]
    assert positions == sorted(positions)

    # merged cells: text once at the first slot, empty slots after, for both directions
    assert "第二十条第（一）项\t\t\t" in lines  # horizontal (gridSpan 4)
    assert doc.text.count("三、本年度办理结果") == 1  # vertical (vMerge over 23 rows)
    assert doc.text.count("（三）不予公开") == 1
    assert "\t\t2.其他法律行政法规禁止公开\t\t\t\t\t\t\t" in lines
    assert doc.text.count("行政复议") == 1 + doc.text.count("行政复议、")
    assert (
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉"
        in doc.text
    )


def test_corrupt_docx_and_other_zips(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    assert reason_of(broken) == "unreadable"

    xlsx = tmp_path / "table.xlsx"
    with zipfile.ZipFile(xlsx, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert reason_of(xlsx) == "unsupported_format"

    bad_xml = tmp_path / "badxml.docx"
    with zipfile.ZipFile(bad_xml, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types")
        zf.writestr("word/document.xml", "<w:document")
    assert reason_of(bad_xml) == "unreadable"


def test_old_word_doc_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(InputError) as info:
        read_document(path)
    assert info.value.reason == "unsupported_format"
    assert ".docx" in str(info.value)


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content", [b"", b"   \n\t\r\n  ", codecs.BOM_UTF8, b"<html><body> </body></html>"]
)
def test_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert reason_of(path) == "empty"


def test_binary_junk(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"  # the name lies; content decides
    path.write_bytes(random.Random(7).randbytes(4096))
    assert reason_of(path) == "binary"
    controls = tmp_path / "controls.txt"
    controls.write_bytes(bytes(range(1, 32)) * 50)
    assert reason_of(controls) == "binary"


def test_missing_and_directory(tmp_path: Path) -> None:
    assert reason_of(tmp_path / "nope.pdf") == "unreadable"
    assert reason_of(tmp_path) == "unreadable"


def test_too_large_is_checked_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, no disk

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("read_document opened a file that is over max_bytes")

    monkeypatch.setattr("extractor.ingest._api.open", no_open, raising=False)
    with pytest.raises(InputError) as info:
        read_document(path, max_bytes=10 * 1024 * 1024)
    assert info.value.reason == "too_large"
    assert "52,428,800" in str(info.value)


def test_real_50mb_text_file_within_default_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    row = "一、本年新收政府信息公开申请数量\t19\t0\t0\t0\t0\t0\t19\n".encode()
    path.write_bytes(row * (50 * 1024 * 1024 // len(row)))
    doc = read_document(path)
    assert doc.format == "text" and doc.encoding == "utf-8"
    assert len(doc.text.encode()) == path.stat().st_size
    with pytest.raises(InputError) as info:
        read_document(path, max_bytes=1024)
    assert info.value.reason == "too_large"


def test_input_error_pickles() -> None:
    err = InputError("a.pdf", "no_text_layer", "a.pdf: run OCR")
    copy = pickle.loads(pickle.dumps(err))
    assert (type(copy), copy.path, copy.reason, str(copy)) == (
        InputError,
        "a.pdf",
        "no_text_layer",
        str(err),
    )
