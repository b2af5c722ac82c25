"""Render report text from values in the layouts real reports come in, for reader tests.
Labels come from the template module, never from a copy of the row list."""

from __future__ import annotations

from collections.abc import Mapping

from extractor import template as tpl

APPS = tpl.APPLICATIONS


def app_rows(values: Mapping[str, list[int]]) -> dict[str, list[int]]:
    """Every applications row, zeros where `values` says nothing; totals computed (rule 1)."""
    rows = {}
    for r in APPS.rows:
        six = list(values.get(r.id, [0] * 6))[:6]
        rows[r.id] = [*six, sum(six)]
    return rows


def consistent_rows(new: list[int], granted: list[int], not_held: list[int]
                    ) -> dict[str, list[int]]:
    """A table 三 that satisfies rules 1–3: new = granted + not_held, nothing carried."""
    total = [a + b for a, b in zip(granted, not_held, strict=True)]
    assert total == new
    return app_rows({"new": new, "granted": granted, "unavailable.not_held": not_held,
                     "total": total})


def _cells(vals: list[int], style: str) -> str:
    if style == "tab":
        return "\t".join(map(str, vals))
    if style == "space":
        return " ".join(map(str, vals))
    if style == "pipe_dropped":  # empty cells dropped: zeros in the middle vanish
        kept = [v for i, v in enumerate(vals) if v != 0 or i == len(vals) - 1]
        return " | ".join(map(str, kept)) + " |"
    if style == "digits":
        return "".join(map(str, vals))
    if style == "lines":  # PDF text: one cell per line
        return "\n".join(map(str, vals))
    raise ValueError(style)


def report(rows: Mapping[str, list[int]], style: str = "tab", review: list[int] | None = None,
           year: int = 2023, agency: str = "某某市某某局", fees: str = "0") -> str:
    sep = "\n" if style == "lines" else ("\t" if style != "space" else " ")
    lines = [f"{agency}{year}年政府信息公开工作年度报告", "一、总体情况", "本年度工作情况。",
             "二、主动公开政府信息情况", "第二十条第(一)项",
             "信息内容\t本年制发件数\t本年废止件数\t现行有效件数"]
    for r in tpl.ACTIVE.rows:
        n = len(tpl.ACTIVE.row_columns(r)) or 1
        vals = [fees] if r.id == "fees" else ["0"] * n
        lines.append(r.label + sep + sep.join(vals))
    lines.append("三、收到和处理政府信息公开申请情况")
    lines.append("申请人情况\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计")
    groups_done: set[str] = set()
    for r in APPS.rows:
        prefix = ""
        if r.group and r.group not in groups_done:
            groups_done.add(r.group)
            prefix = r.group + sep
        lines.append(prefix + r.label + sep + _cells(rows[r.id], style))
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    lines.append("行政复议\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计")
    lines.append(_cells(review or [0] * 15, style))
    lines += ["五、存在的主要问题及改进情况", "问题。", "六、其他需要报告的事项", "无。"]
    return "\n".join(lines) + "\n"
