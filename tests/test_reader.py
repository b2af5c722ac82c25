"""The template reader on the layouts of real reports, built from known values."""

from __future__ import annotations

import pytest

from extractor import template as tpl
from extractor.reader import read
from tests.layouts import app_rows, consistent_rows, report

NEW = [80, 1, 0, 0, 0, 0]


def _row(ex, row_id: str) -> list[int]:
    return [ex.fields[f] for f in tpl.APPLICATIONS.row_field_ids(tpl.APPLICATIONS.row(row_id))]


@pytest.mark.parametrize("style", ["tab", "space", "lines", "pipe_dropped", "digits"])
def test_every_layout_reads_the_same_values(style: str) -> None:
    rows = consistent_rows(new=NEW, granted=[70, 1, 0, 0, 0, 0], not_held=[10, 0, 0, 0, 0, 0])
    review = [9, 0, 0, 0, 9, 2, 1, 0, 0, 3, 1, 0, 0, 0, 1]
    ex = read(report(rows, style, review=review))
    for r in tpl.APPLICATIONS.rows:
        assert _row(ex, r.id) == rows[r.id], (style, r.id)
    assert [ex.fields[f] for f in tpl.REVIEW.field_ids()] == review
    assert ex.fields["meta.year"] == 2023 and ex.fields["meta.agency"] == "某某市某某局"


def test_digit_run_split_by_the_rules() -> None:
    rows = consistent_rows(new=NEW, granted=[70, 1, 0, 0, 0, 0], not_held=[10, 0, 0, 0, 0, 0])
    text = report(rows, "digits")
    assert "801000081" in text
    ex = read(text)
    assert _row(ex, "new") == [80, 1, 0, 0, 0, 0, 81]
    ev = ex.evidence["applications.new.total"]
    assert ev.text == "81" and ev.inferred and text[ev.start:ev.end] == "81"


def test_ambiguous_run_is_flagged_with_its_readings() -> None:
    # [1, 11, 0, 0, 0, 0] prints "1110000012", and so do [11, 1, ...] and [1, 1, 10, ...]:
    # every rule holds for each, so the reader must list the readings instead of picking silently.
    rows = consistent_rows(new=[1, 11, 0, 0, 0, 0], granted=[1, 11, 0, 0, 0, 0],
                           not_held=[0] * 6)
    ex = read(report(rows, "digits"))
    amb = [f for f in ex.flags if f.rule == "ambiguous"]
    assert len(amb) == 1 and amb[0].severity == "warning"
    firsts = {(r.get("applications.new.natural_person"), r.get("applications.new.commercial"))
              for r in amb[0].readings}
    assert {(1, 11), (11, 1)} <= firsts


def test_dropped_cells_placed_by_the_rules_and_flagged_when_ambiguous() -> None:
    rows = consistent_rows(new=[6, 0, 0, 0, 0, 0], granted=[2, 0, 0, 0, 0, 0],
                           not_held=[4, 0, 0, 0, 0, 0])
    ex = read(report(rows, "pipe_dropped"))
    assert _row(ex, "new") == [6, 0, 0, 0, 0, 0, 6]
    ev = ex.evidence["applications.new.commercial"]
    assert ev.cell == "blank" and ev.inferred
    assert any(f.rule == "ambiguous" for f in ex.flags)


def test_dropped_cells_resolved_by_column_rules_without_ambiguity() -> None:
    # Every row is printed in full except 本年新收, whose empty cells were dropped: the column
    # identities (新收 + 上年结转 = 总计 + 结转) decide where its 5 and 3 go.
    rows = consistent_rows(new=[0, 5, 0, 3, 0, 0], granted=[0, 5, 0, 0, 0, 0],
                           not_held=[0, 0, 0, 3, 0, 0])
    text = report(rows, "tab").replace("数量\t0\t5\t0\t3\t0\t0\t8", "数量 | 5 | 3 | 8 |", 1)
    assert "| 5 | 3 | 8 |" in text
    ex = read(text)
    assert _row(ex, "new") == [0, 5, 0, 3, 0, 0, 8]
    assert ex.evidence["applications.new.commercial"].inferred
    assert not [f for f in ex.flags if f.rule == "ambiguous"]


def test_blank_and_placeholder_cells_are_kept_apart_from_printed_zero() -> None:
    text = report(app_rows({}), "tab").replace(
        "本年新收政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0",
        "本年新收政府信息公开申请数量\t0\t\t/\t0\t0\t0\t0")
    ex = read(text)
    cells = [ex.evidence[f].cell for f in tpl.APPLICATIONS.row_field_ids(
        tpl.APPLICATIONS.row("new"))]
    assert cells == ["number", "blank", "placeholder", "number", "number", "number", "number"]
    assert _row(ex, "new") == [0] * 7


def test_amount_in_yuan_is_converted_with_a_warning() -> None:
    ex = read(report(app_rows({}), "tab", fees="3940元"))
    assert str(ex.fields["active.fees"]) == "0.394"
    unit = [f for f in ex.flags if f.rule == "unit"]
    assert unit and "3940" in unit[0].message and unit[0].severity == "warning"


def test_report_cut_off_in_table_3_is_partial_with_missing_rows() -> None:
    text = report(app_rows({"new": [3, 0, 0, 0, 0, 0]}), "tab")
    cut = text[: text.index("(五)不予处理")]
    ex = read(cut)
    assert ex.fields["applications.new.total"] == 3
    assert ex.fields["applications.total.total"] is None
    missing = [f for f in ex.flags if f.rule == "missing"]
    assert any("applications.total.total" in f.fields and f.kind == "source" for f in missing)
    assert any(set(tpl.REVIEW.field_ids()) <= set(f.fields) for f in missing)


def test_single_row_other_processing_goes_to_other_other() -> None:
    rows = app_rows({"other.other": [2, 0, 0, 0, 0, 0], "new": [2, 0, 0, 0, 0, 0],
                     "total": [2, 0, 0, 0, 0, 0]})
    text = report(rows, "tab")
    start = text.index("(六)其他处理")
    end = text.index("(七)总计")
    text = text[:start] + "(六)其他处理\t2\t0\t0\t0\t0\t0\t2\n" + text[end:]
    ex = read(text)
    assert _row(ex, "other.other") == [2, 0, 0, 0, 0, 0, 2]
    assert ex.fields["applications.other.no_correction.total"] is None
    assert not [f for f in ex.flags if f.rule == "missing"]


def test_2019_form_of_table_2() -> None:
    text = report(app_rows({}), "tab")
    start, end = text.index("第二十条第(一)项"), text.index("三、收到和处理")
    old = ("第二十条第(一)项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n"
           "规章\t0\t0\t0\n"
           "规范性文件\t2\t2\t40\n第二十条第(五)项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
           "行政许可\t120\t-3\t5000\n其他对外管理服务事项\t10\t+2\t300\n第二十条第(六)项\n"
           "行政处罚\t80\t0\t1200\n行政强制\t5\t0\t20\n第二十条第(八)项\n行政事业性收费\t3\t-1\n"
           "第二十条第(九)项\n信息内容\t采购项目数量\t采购总金额\n政府集中采购\t12\t350.5\n")
    ex = read(text[:start] + old + text[end:])
    assert ex.template == "2019"
    assert ex.fields["active2019.licensing.change"] == -3
    assert ex.fields["active2019.other_services.change"] == 2
    assert ex.fields["active2019.normative_docs.total_public"] == 40
    assert str(ex.fields["active2019.procurement.amount"]) == "350.5"
    assert ex.fields["active2019.fees.change"] == -1
    assert "active.licensing" not in ex.fields or ex.fields["active.licensing"] is None


def test_not_a_report() -> None:
    ex = read("今天天气很好。\n我们去公园散步，看到 3 只鸭子。\n")
    assert not ex.is_report


@pytest.mark.parametrize(("line", "n", "after_label", "want"), [
    # HTML saved as text: every empty <td> is a visible empty cell, the leading ones included
    ("1.信访举报投诉类申请\t\t\t\t\t\t\t5", 7, True, [None] * 6 + [5]),
    # a label spanning two columns leaves one filler cell before the values
    ("(七)总计\t\t6\t\t\t\t\t\t6", 7, True, [6, None, None, None, None, None, 6]),
    # table 四's data row: 15 cells, the trailing empty ones real
    ("\t\t\t\t\t\t\t\t1\t1\t\t\t\t\t", 15, False, [None] * 8 + [1, 1] + [None] * 5),
    # trailing padding of a mangled row is not a cell
    ("(七) 总计\t21\t0\t0\t0\t0\t0\t21\t\t", 7, True, [21, 0, 0, 0, 0, 0, 21]),
    # dropped cells padded at the end (seed 004): positions unknown, left to the rules
    ("(七)总计 | 6 | 6 | |||||||", 7, True, None),
    ("1.属于国家秘密 | 5 | 5 |||", 7, True, None),
])
def test_explicit_cells_reads_visible_cells_and_refuses_dropped_ones(
        line: str, n: int, after_label: bool, want: list[int | None] | None) -> None:
    from extractor.reader.tokens import explicit_cells, tokenize

    start = 0
    if after_label:
        start = max(line.find("申请"), line.find("总计"), line.find("秘密")) + 2
    slots = explicit_cells(line, start, len(line), tokenize(line, start, len(line)), n,
                           after_label=after_label)
    got = None if slots is None else [s.token.value if s.token else None for s in slots]
    assert got == want
