"""The printed rows of a report's tables, as layouts need them: labels (from the template module,
never a copy of the row list), the field ids and the printed value strings.

Layouts decide separators, label cells, wrapping and encodings; this module decides only what
is printed where.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import schema
from .. import template as tpl
from .values import COLLAPSIBLE, single_row_other

APPS = tpl.APPLICATIONS
RESULTS_GROUP = APPS.groups[0].label  # 三、本年度办理结果: heads every outcome row and 总计
_RESULT_ROWS = (*tpl.OUTCOME_ROWS, "total")
# Header words of table 二 that the template module does not hold as column labels.
DECISIONS_HEADER = "本年处理决定数量"
FEES_HEADER = "本年收费金额(单位:万元)"
ORGS_HEADER = "法人或其他组织"
APPLICANT_HEADER = "申请人情况"
IDENTITY_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
INFO_HEADER = "信息内容"


@dataclass(frozen=True)
class Label:
    """How a report prints labels: brackets, numbering punctuation, a space after `(一)`."""

    full_width: bool = False
    dot: str = "."
    space: bool = False

    def __call__(self, text: str) -> str:
        text = re.sub(r"^(\d)\.", lambda m: m.group(1) + self.dot, text)
        if self.space:
            text = re.sub(r"^(\([一二三四五六七八九十]\))", r"\1 ", text)
        if self.full_width:
            text = text.translate(str.maketrans("(),:", "（），："))
        return text


def printed(fid: str, value: Any) -> str:
    """A value as the report prints it (signed 本年增/减 with its sign)."""
    if value is None:
        return ""
    if tpl.spec(fid).kind == "signed" and value > 0:
        return f"+{value}"
    return str(schema.to_json_value(value))


@dataclass(frozen=True)
class Row:
    label: str
    fids: tuple[str, ...]
    values: tuple[Any, ...]

    @property
    def row_id(self) -> str:
        """The template row id, from the field ids (`applications.denied.state_secret.x`)."""
        return self.fids[0].split(".", 1)[1].rsplit(".", 1)[0]

    def texts(self) -> list[str]:
        return [printed(f, v) for f, v in zip(self.fids, self.values, strict=True)]


@dataclass(frozen=True)
class Block:
    """A block of table 二: its 第二十条第(X)项 heading, its header cells, its rows."""

    title: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]


def _row(table: tpl.Table, r: tpl.Row, values: Mapping[str, Any], label: str | None = None
         ) -> Row:
    fids = tuple(table.row_field_ids(r))
    return Row(label or r.label, fids, tuple(values.get(f) for f in fids))


def active_blocks(values: Mapping[str, Any], fmt: tpl.Format) -> list[Block]:
    table = tpl.ACTIVE if fmt == "2021" else tpl.ACTIVE_2019
    blocks: list[Block] = []
    for r in table.rows:
        cols = table.row_columns(r)
        if cols:
            header = tuple(c.label for c in cols)
        else:
            header = (FEES_HEADER if r.kind == "amount" else DECISIONS_HEADER,)
        row = _row(table, r, values)
        if blocks and blocks[-1].title == r.group and blocks[-1].header == (INFO_HEADER, *header):
            last = blocks[-1]
            blocks[-1] = Block(last.title, last.header, (*last.rows, row))
        else:
            blocks.append(Block(r.group or "", (INFO_HEADER, *header), (row,)))
    return blocks


@dataclass(frozen=True)
class AppRow(Row):
    """A row of table 三 with the group labels it prints when it opens its group: `top` is
    三、本年度办理结果 (on the first outcome row), `group` a sub-group like (三)不予公开."""

    top: str | None = None
    group: str | None = None
    under_results: bool = False  # the row sits under 三、本年度办理结果 (a label column deeper)
    in_group: bool = False  # the row sits under a sub-group (two label columns deeper)


def application_rows(values: Mapping[str, Any]) -> list[AppRow]:
    """The rows of table 三 as printed: （六） as one row when its sub-rows are null."""
    collapsed = single_row_other(values)
    out: list[AppRow] = []
    seen_groups: set[str] = set()
    top_done = False
    for r in APPS.rows:
        sub_of = next((k for k, subs in COLLAPSIBLE.items() if r.id in subs), None)
        if collapsed and sub_of is not None:
            if r.id != sub_of:
                continue
            group = next(g for g in APPS.groups if g.collapsed_into == sub_of)
            base = _row(APPS, r, values, label=group.label)
            under, in_group, grp = True, False, None
        else:
            base = _row(APPS, r, values)
            under = r.id in _RESULT_ROWS
            in_group = bool(r.group and r.group != RESULTS_GROUP)
            grp = r.group if in_group and r.group not in seen_groups else None
            if grp:
                seen_groups.add(grp)
        top = RESULTS_GROUP if under and not top_done else None
        top_done = top_done or under
        out.append(AppRow(base.label, base.fids, base.values, top=top, group=grp,
                          under_results=under, in_group=in_group))
    return out


def review_fids() -> list[str]:
    return tpl.REVIEW.field_ids()


def review_texts(values: Mapping[str, Any]) -> list[str]:
    return [printed(f, values.get(f)) for f in review_fids()]


def review_header() -> tuple[list[str], list[str], list[str]]:
    """The three header rows of table 四 over its 15 cells (empty strings where a spanning
    heading leaves a cell blank)."""
    rows = tpl.REVIEW.rows
    cols = [c.label for c in tpl.REVIEW.columns]
    review_label = rows[0].label
    litig = rows[1].label.split("·")[0]
    first = [review_label, "", "", "", "", litig, *[""] * 9]
    second = [*cols, rows[1].label.split("·")[-1], "", "", "", "", rows[2].label.split("·")[-1],
              "", "", "", ""]
    third = ["", "", "", "", "", *cols, *cols]
    return first, second, third
