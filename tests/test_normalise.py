"""normalise(): what it changes, what it keeps, and that every span maps back exactly."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from extractor.normalise import BOILERPLATE_PATTERNS, NormalisedText, normalise

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))

MESSY = (
    "\ufeff平顶山市房产事务中心　2023 年政府信息公开工作年度报告\r\n"
    "扫一扫在手机打开当前页\r\n"
    "【字体：大 中 小】 【打印本页】 【关闭窗口】\r\n"
    "发布时间：2024-01-20　来源：本站\r\n"
    "\r\n\r\n\r\n\r\n"
    "（一）主动公开情况。全年发布信息３５５条，其中：概括类\u200b信息４条。  \r\n"
    "- 3 -\r\n"
    "第二十条第（一）项\t\t\t\r\n"
    "规章\t０\t\xa0\t１１   \r\n"
    "3\r\n"
    "第 4 页 共 5 页\r\n"
    "一、本年新收政府信息公开申请数量\t\t19\t0\t0\t0\t0\t0\t19\t\r\n"
    "— 5 —\r\n"
    "①属于国家秘密\u3000\u3000１\n"
    "分享到：\n"
    "打印本页 | 关闭窗口\n"
    "(2024年1月12日)"
)


def test_full_width_and_spaces() -> None:
    assert normalise("（一）予以公开：１２，ＡＢｃ！～").text == "(一)予以公开:12,ABc!~"
    assert normalise("总\u3000\u3000计\xa0\u2002件").text == "总 计 件"
    # no general NFKC: circled digits stay, they are labels not numbers
    assert normalise("①属于国家秘密 ²").text == "①属于国家秘密 ²"
    # Kangxi radicals from broken PDF fonts become the ideographs they stand for
    assert normalise("⼀、本年新收").text == "一、本年新收"


def test_whitespace_rules() -> None:
    text = "a\r\nb\rc\n\u200bd\u200c\u200d\ufeffe   f  g \t  h   \n\n\n\n\n\ni"
    assert normalise(text).text == "a\nb\nc\nde f g\th\n\n\ni"
    assert normalise("规章\t0\t\t0\t").text == "规章\t0\t\t0\t"  # TABs kept, even trailing


def test_full_width_digits_map_back_to_originals() -> None:
    original = "行政许可\t１２３４\t件"
    norm = normalise(original)
    start = norm.text.index("1234")
    a, b = norm.to_original(start, start + 4)
    assert original[a:b] == "１２３４"
    assert [original[slice(*norm.to_original(i, i + 1))] for i in range(start, start + 4)] == list(
        "１２３４"
    )


def test_boilerplate_lines_removed_but_dates_and_sources_kept() -> None:
    norm = normalise(MESSY).text
    lines = norm.split("\n")
    for junk in ("扫一扫", "字体", "打印本页", "关闭窗口", "分享到"):
        assert junk not in norm
    assert "发布时间:2024-01-20 来源:本站" in lines
    assert "(2024年1月12日)" in lines
    # inside a sentence, boilerplate words are content
    assert "请打印本页后签字" in normalise("请打印本页后签字\n").text


@pytest.mark.parametrize(
    "line",
    ["扫一扫在手机打开当前页", "【字体：大 中 小】", "字号：大 中 小", "分享到：", "打印本页",
     "关闭窗口", "【打印】【关闭】", "  [ 打印本页 ]  ", "浏览次数：128",
     "当前位置：首页 > 信息公开"],
)  # fmt: skip
def test_each_boilerplate_line(line: str) -> None:
    assert normalise(f"前\n{line}\n后").text == "前\n后"


@pytest.mark.parametrize(
    "marker",
    [
        "- 3 -",
        "— 3 —",
        "-3-",
        "－ 12 －",
        "第 3 页",
        "第3页 共5页",
        "第３页/共５页",
        "3/5",
        "Page 3 of 5",
    ],
)
def test_page_markers_removed(marker: str) -> None:
    assert normalise(f"规章 0 0 0\n{marker}\n行政许可 550").text == "规章 0 0 0\n行政许可 550"


@pytest.mark.parametrize("line", ["3", "550", "0", "-1", "+2", "5/3", "3 / 5 件", "2024", "—", "-"])
def test_cells_that_look_like_markers_are_kept(line: str) -> None:
    # a bare number is a table cell in PDF text; a signed change or a '—' placeholder too
    assert normalise(f"行政许可\n{line}\n行政处罚").text == f"行政许可\n{line}\n行政处罚"


def test_blank_line_runs_capped_at_two() -> None:
    assert normalise("a\n\n\n\n\nb\n\nc").text == "a\n\n\nb\n\nc"
    # removing boilerplate does not leave a longer run either
    assert normalise("a\n\n打印本页\n\n\nb").text == "a\n\n\nb"


# --- the offset map -----------------------------------------------------------------------


INVISIBLE_OR_SPACE = re.compile("[ \xa0\u2000-\u200f\u3000\ufeff\x00-\x08\x0e-\x1f]")


def check_char_map(original: str, norm: NormalisedText) -> None:
    """Each normalised character comes from a span of the original that normalises to it."""
    n = len(norm.text)
    assert len(norm.starts) == n + 1 and len(norm.ends) == n
    assert norm.to_original(0, 0)[0] == norm.starts[0]
    assert norm.to_original(n, n) == (len(original), len(original))
    previous_end = 0
    for i, ch in enumerate(norm.text):
        a, b = norm.to_original(i, i + 1)
        assert previous_end <= a < b <= len(original)
        previous_end = b
        source = original[a:b]
        if ch == "\n":
            assert source in ("\n", "\r\n", "\r", "\v", "\f", "\u2028", "\u2029", "\x85")
        elif ch == " ":
            assert source[0] != "\u200b" and not INVISIBLE_OR_SPACE.sub("", source), source
        else:
            assert normalise(source).text == ch, (i, ch, source)


def token_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^\s]+", text)]


def check_token_round_trip(norm: NormalisedText, rng: random.Random, samples: int) -> None:
    """For spans over whole tokens, the original span normalises back to the same text."""
    tokens = token_spans(norm.text)
    pairs = [(t, t) for t in tokens]  # every single token
    pairs += [tuple(sorted(rng.sample(tokens, 2))) for _ in range(min(samples, len(tokens)))]
    for (s, _), (_, e) in pairs:
        a, b = norm.to_original(s, e)
        assert normalise(norm.original[a:b]).text == norm.text[s:e]


def test_map_on_messy_text() -> None:
    norm = normalise(MESSY)
    check_char_map(MESSY, norm)
    check_token_round_trip(norm, random.Random(1), 300)
    line = "规章\t0\t\t11"  # the NBSP-only cell is empty: padding next to a TAB goes
    assert line in norm.text.split("\n")
    a, b = norm.to_original(norm.text.index(line), norm.text.index(line) + len(line))
    assert MESSY[a:b] == "规章\t０\t\xa0\t１１"  # trailing spaces and CRLF not included


def test_zero_length_and_whole_spans() -> None:
    original = "\u200b扫一扫在手机打开当前页\n（一）１２"
    norm = normalise(original)
    assert norm.text == "(一)12"
    assert norm.to_original(0, 0) == (13, 13)  # after the removed line: where '（' starts
    assert norm.to_original(0, len(norm.text)) == (13, len(original))
    assert norm.to_original(3, 3) == (16, 16)  # before '１'
    assert norm.to_original(3, 5) == (16, 18)
    with pytest.raises(IndexError):
        norm.to_original(2, 99)
    with pytest.raises(IndexError):
        norm.to_original(3, 2)


def test_empty_text() -> None:
    norm = normalise("")
    assert norm.text == "" and norm.to_original(0, 0) == (0, 0)


@pytest.mark.skipif(not SEEDS, reason="../shared/seeds missing")
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_map_on_seeds(seed: Path) -> None:
    original = seed.read_text(encoding="utf-8")
    norm = normalise(original)
    check_char_map(original, norm)
    check_token_round_trip(norm, random.Random(seed.name), 500)
    # normalising twice changes nothing
    assert normalise(norm.text).text == norm.text


def test_random_strings_keep_the_map_exact() -> None:
    rng = random.Random(0)
    alphabet = [
        "a", "3", "１", "（", "）", "：", "，", "\u3000", " ", " ", "\t", "\n", "\r\n", "\r",
        "\u200b", "\ufeff", "\xa0", "-", "—", "第", "页", "/", "①", "打印本页", "\n- 2 -\n",
        "\n第 1 页\n", "\n扫一扫在手机打开当前页\n", "政", "\x01", "\u2028",
    ]  # fmt: skip
    for _ in range(1500):
        original = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        norm = normalise(original)
        check_char_map(original, norm)
        # idempotent, and never longer than the input
        assert normalise(norm.text).text == norm.text
        assert len(norm.text) <= len(original)


def test_boilerplate_patterns_are_one_extendable_tuple() -> None:
    assert isinstance(BOILERPLATE_PATTERNS, tuple)
    assert all(re.compile(p) for p in BOILERPLATE_PATTERNS)
