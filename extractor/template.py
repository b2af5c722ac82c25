"""The national report template: the one source of truth for sections, tables, rows, columns,
their Chinese labels (with the variants real reports print), their order and their field ids.

Schema, reader, rules, prompts, export and eval all read this module; nothing else restates the
row list. Field ids follow ../shared/TEMPLATE.md exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

Kind = Literal["count", "signed", "amount", "text", "year", "date", "template"]
Format = Literal["2021", "2019"]
FORMATS: tuple[Format, ...] = ("2021", "2019")


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    kind: Kind = "count"


@dataclass(frozen=True)
class Row:
    """A table row. `keys` are regexes for how the label *starts* as printed (after any numbering
    like `1.` or `(三)`); the reader anchors rows on them. `numbering` is required numbering, for
    labels too short to be distinctive alone (`3.其他`)."""

    id: str
    label: str
    keys: tuple[str, ...]
    group: str | None = None
    columns: tuple[Column, ...] | None = None  # None: the table's columns
    numbering: str | None = None
    kind: Kind = "count"  # for single-value rows


@dataclass(frozen=True)
class Group:
    """A label that heads several rows and carries no values itself (`(三)不予公开`).
    `collapsed_into` names the row that takes the group's values when a report prints the group as
    a single row (the 2019 form's `(六)其他处理`)."""

    id: str
    label: str
    keys: tuple[str, ...]
    collapsed_into: str | None = None


@dataclass(frozen=True)
class Table:
    id: str
    prefix: str  # field-id prefix ('' for the review table, whose ids start at the group)
    section: str  # the section heading that precedes the table
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    groups: tuple[Group, ...] = ()
    formats: tuple[Format, ...] = FORMATS
    # Hints that a table text belongs to this table's format (used to tell 2019 from 2021).
    markers: tuple[str, ...] = ()

    def row(self, row_id: str) -> Row:
        for r in self.rows:
            if r.id == row_id:
                return r
        raise KeyError(f"{self.id} has no row {row_id!r}")

    def row_columns(self, row: Row) -> tuple[Column, ...]:
        return row.columns if row.columns is not None else self.columns

    def field_id(self, row: Row, column: Column | None) -> str:
        parts = [p for p in (self.prefix, row.id, column.id if column else None) if p]
        return ".".join(parts)

    def row_field_ids(self, row: Row) -> list[str]:
        cols = self.row_columns(row)
        if not cols:
            return [self.field_id(row, None)]
        return [self.field_id(row, c) for c in cols]

    def field_ids(self) -> list[str]:
        return [fid for r in self.rows for fid in self.row_field_ids(r)]


# --- section headings ----------------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    id: str
    number: str
    label: str
    keys: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section("overview", "一", "总体情况", ("总体情况",)),
    Section("active", "二", "主动公开政府信息情况", ("主动公开政府信息情况", "主动公开政府信息")),
    Section("applications", "三", "收到和处理政府信息公开申请情况",
            ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请")),
    Section("review", "四", "政府信息公开行政复议、行政诉讼情况",
            ("政府信息公开行政复议", "行政复议、行政诉讼情况")),
    Section("problems", "五", "存在的主要问题及改进情况", ("存在的主要问题", "主要问题及改进")),
    Section("other", "六", "其他需要报告的事项", ("其他需要报告的事项",)),
)

# --- header (meta) -------------------------------------------------------------------------

META_FIELDS: tuple[tuple[str, Kind, str], ...] = (
    ("meta.agency", "text", "机关名称"),
    ("meta.year", "year", "报告年度"),
    ("meta.published", "date", "发布日期"),
    ("meta.template", "template", "格式"),
)

# --- 二、主动公开 (2021 format) -------------------------------------------------------------

_THREE_2021 = (
    Column("issued", "本年制发件数"),
    Column("repealed", "本年废止件数"),
    Column("in_force", "现行有效件数"),
)

ACTIVE = Table(
    id="active",
    prefix="active",
    section="active",
    title="二、主动公开政府信息情况",
    columns=(),
    rows=(
        Row("rules", "规章", (r"规章",), group="第二十条第(一)项", columns=_THREE_2021),
        Row("normative_docs", "行政规范性文件", (r"行政规范性文件", r"规范性文件"),
            group="第二十条第(一)项", columns=_THREE_2021),
        Row("licensing", "行政许可", (r"行政许可",), group="第二十条第(五)项", columns=()),
        Row("punishment", "行政处罚", (r"行政处罚",), group="第二十条第(六)项", columns=()),
        Row("coercion", "行政强制", (r"行政强制",), group="第二十条第(六)项", columns=()),
        Row("fees", "行政事业性收费", (r"行政事业性收费",), group="第二十条第(八)项",
            columns=(), kind="amount"),
    ),
    formats=("2021",),
    markers=("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量"),
)

# --- 二、主动公开 (2019 format) -------------------------------------------------------------

_MADE_2019 = (
    Column("made", "本年新制作数量"),
    Column("published", "本年新公开数量"),
    Column("total_public", "对外公开总数量"),
)
_ITEMS_2019 = (
    Column("prev_items", "上一年项目数量"),
    Column("change", "本年增/减", kind="signed"),
    Column("decisions", "处理决定数量"),
)

ACTIVE_2019 = Table(
    id="active2019",
    prefix="active2019",
    section="active",
    title="二、主动公开政府信息情况（2019年格式）",
    columns=(),
    rows=(
        Row("rules", "规章", (r"规章",), group="第二十条第(一)项", columns=_MADE_2019),
        Row("normative_docs", "规范性文件", (r"行政规范性文件", r"规范性文件"),
            group="第二十条第(一)项", columns=_MADE_2019),
        Row("licensing", "行政许可", (r"行政许可",), group="第二十条第(五)项",
            columns=_ITEMS_2019),
        Row("other_services", "其他对外管理服务事项", (r"其他对外管理服务事项", r"其他对外管理"),
            group="第二十条第(五)项", columns=_ITEMS_2019),
        Row("punishment", "行政处罚", (r"行政处罚",), group="第二十条第(六)项",
            columns=_ITEMS_2019),
        Row("coercion", "行政强制", (r"行政强制",), group="第二十条第(六)项",
            columns=_ITEMS_2019),
        Row("fees", "行政事业性收费", (r"行政事业性收费",), group="第二十条第(八)项",
            columns=_ITEMS_2019[:2]),
        Row("procurement", "政府集中采购", (r"政府集中采购",), group="第二十条第(九)项",
            columns=(Column("items", "采购项目数量"),
                     Column("amount", "采购总金额(万元)", kind="amount"))),
    ),
    formats=("2019",),
    markers=("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
             "政府集中采购"),
)

# --- 三、收到和处理政府信息公开申请 --------------------------------------------------------

APPLICANT_COLUMNS = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social_welfare", "社会公益组织"),
    Column("legal_service", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)

_D, _U, _N, _O = "(三)不予公开", "(四)无法提供", "(五)不予处理", "(六)其他处理"

APPLICATIONS = Table(
    id="applications",
    prefix="applications",
    section="applications",
    title="三、收到和处理政府信息公开申请情况",
    columns=APPLICANT_COLUMNS,
    rows=(
        Row("new", "一、本年新收政府信息公开申请数量", (r"本年新收",)),
        Row("carried_over", "二、上年结转政府信息公开申请数量", (r"上年结转",)),
        Row("granted", "(一)予以公开", (r"予以公开",), group="三、本年度办理结果"),
        Row("partially_granted", "(二)部分公开(区分处理的，只计这一情形，不计其他情形)",
            (r"部分公开",), group="三、本年度办理结果"),
        Row("denied.state_secret", "1.属于国家秘密", (r"属于国家秘密", r"国家秘密"), group=_D),
        Row("denied.prohibited_by_law", "2.其他法律行政法规禁止公开",
            (r"其他法律行政", r"法律行政法规禁止"), group=_D),
        Row("denied.security_stability", "3.危及“三安全一稳定”", (r"危及", r"三安全一稳定"),
            group=_D),
        Row("denied.third_party_rights", "4.保护第三方合法权益", (r"保护第三方", r"第三方合法权益"),
            group=_D),
        Row("denied.internal_affairs", "5.属于三类内部事务信息", (r"属于三类内部", r"三类内部事务"),
            group=_D),
        Row("denied.process_info", "6.属于四类过程性信息", (r"属于四类过程", r"四类过程性"),
            group=_D),
        Row("denied.enforcement_file", "7.属于行政执法案卷", (r"属于行政执法", r"行政执法案卷"),
            group=_D),
        Row("denied.query_service", "8.属于行政查询事项", (r"属于行政查询", r"行政查询事项"),
            group=_D),
        Row("unavailable.not_held", "1.本机关不掌握相关政府信息", (r"本机关不掌握", r"不掌握相关"),
            group=_U),
        Row("unavailable.needs_creation", "2.没有现成信息需要另行制作",
            (r"没有现成信息", r"需要另行制作"), group=_U),
        Row("unavailable.unclear", "3.补正后申请内容仍不明确", (r"补正后申请", r"仍不明确"),
            group=_U),
        Row("not_processed.complaint", "1.信访举报投诉类申请", (r"信访举报",), group=_N),
        Row("not_processed.duplicate", "2.重复申请", (r"重复申请",), group=_N),
        Row("not_processed.publication", "3.要求提供公开出版物",
            (r"要求提供公开出版物", r"公开出版物"), group=_N),
        Row("not_processed.excessive", "4.无正当理由大量反复申请", (r"无正当理由大量", r"大量反复"),
            group=_N),
        Row("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息",
            (r"要求行政机关确认", r"确认或重新出具"), group=_N),
        Row("other.no_correction",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            (r"申请人无正当理由逾期", r"逾期不补正"), group=_O),
        Row("other.unpaid_fee",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            (r"申请人逾期未按收费", r"缴纳费用"), group=_O),
        Row("other.other", "3.其他", (r"其他(?!处理|法律|对外)",), group=_O, numbering="3"),
        Row("total", "(七)总计", (r"总计",)),
        Row("carried_forward", "四、结转下年度继续办理", (r"结转下年度",)),
    ),
    groups=(
        Group("results", "三、本年度办理结果", (r"本年度办理结果",)),
        Group("denied", _D, (r"不予公开",)),
        Group("unavailable", _U, (r"无法提供",)),
        Group("not_processed", _N, (r"不予处理",)),
        Group("other", _O, (r"其他处理",), collapsed_into="other.other"),
    ),
    markers=("本年新收", "上年结转", "结转下年度"),
)

# Rows whose parts add up to `total` in every column (rule 3), in template order.
_ids = [r.id for r in APPLICATIONS.rows]
OUTCOME_ROWS: tuple[str, ...] = tuple(_ids[_ids.index("granted") : _ids.index("total")])
del _ids

# --- 四、行政复议、行政诉讼 ----------------------------------------------------------------

REVIEW_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)

REVIEW = Table(
    id="review",
    prefix="",
    section="review",
    title="四、政府信息公开行政复议、行政诉讼情况",
    columns=REVIEW_COLUMNS,
    rows=(
        Row("review", "行政复议", (r"行政复议",)),
        Row("litigation_direct", "行政诉讼·未经复议直接起诉", (r"未经复议直接起诉",)),
        Row("litigation_after_review", "行政诉讼·复议后起诉", (r"复议后起诉",)),
    ),
    markers=("结果维持", "尚未审结"),
)

TABLES: tuple[Table, ...] = (ACTIVE, ACTIVE_2019, APPLICATIONS, REVIEW)


def tables_for(fmt: Format) -> tuple[Table, ...]:
    return tuple(t for t in TABLES if fmt in t.formats)


@cache
def field_ids(fmt: Format | None = None) -> tuple[str, ...]:
    """Every field id, in template order. With a format: the ids a report of that format has
    (table 二 of the other format is omitted); without: the union, as the flat export uses."""
    ids = [m[0] for m in META_FIELDS]
    for t in TABLES:
        if fmt is None or fmt in t.formats:
            ids.extend(t.field_ids())
    return tuple(ids)


@dataclass(frozen=True)
class FieldSpec:
    id: str
    kind: Kind
    table: str | None
    row: str | None
    column: str | None
    label: str  # Chinese label path, for people: "三 · 不予公开 · 1.属于国家秘密 · 自然人"


@cache
def field_specs() -> dict[str, FieldSpec]:
    specs: dict[str, FieldSpec] = {}
    for fid, kind, label in META_FIELDS:
        specs[fid] = FieldSpec(fid, kind, None, None, None, label)
    for t in TABLES:
        for r in t.rows:
            cols = t.row_columns(r)
            for c in cols or (None,):
                fid = t.field_id(r, c)
                kind = c.kind if c else r.kind
                parts = [t.title.split("、")[0], r.group, r.label, c.label if c else None]
                if t is REVIEW:
                    parts = ["四", r.label, c.label if c else None]
                specs[fid] = FieldSpec(fid, kind, t.id, r.id, c.id if c else None,
                                       " · ".join(p for p in parts if p))
    return specs


def spec(fid: str) -> FieldSpec:
    try:
        return field_specs()[fid]
    except KeyError:
        raise KeyError(f"unknown field id {fid!r}; see ../shared/TEMPLATE.md") from None


def table_of(table_id: str) -> Table:
    for t in TABLES:
        if t.id == table_id:
            return t
    raise KeyError(table_id)


# --- label matching ------------------------------------------------------------------------

# Numbering before a label: `1.`, `1、`, `(三)`, `（3）`, `三、`. It must be bracketed or
# followed by a dot, so a cell value just before the label is never taken for numbering.
_NUM = r"[一二三四五六七八九十\d]{1,2}"
NUMBERING = rf"(?:[(（]\s*{_NUM}\s*[)）]|{_NUM}\s*[.、．])"


def spaced(text: str) -> str:
    """A regex matching `text` with any whitespace between its characters: PDF text wraps labels
    and sometimes prints one character per line. A trailing lookahead `(?!...)` is kept as is."""
    look = ""
    if "(?!" in text:
        text, look = text[: text.index("(?!")], text[text.index("(?!") :]
    return r"\s*".join(re.escape(ch) for ch in text) + look


@cache
def anchor_regex(keys: tuple[str, ...], numbering: str | None = None) -> re.Pattern[str]:
    """Regex for a row or group label: optional numbering, then one of the keys. Group 'label'
    spans the whole match; a required `numbering` must precede the key."""
    alts = "|".join(spaced(k) for k in keys)
    if numbering:
        num = rf"(?:[(（]\s*{numbering}\s*[)）]|{numbering}\s*[.、．,，]?)\s*"
    else:
        num = rf"(?:{NUMBERING}\s*)?"
    return re.compile(rf"(?P<label>{num}(?:{alts}))")


@cache
def section_regex(section_id: str, numbered: bool = False) -> re.Pattern[str]:
    """Regex for a section heading at the start of a line: the Chinese numeral and 、 (required
    when `numbered`), then the heading words. Markdown hashes and whitespace are allowed."""
    sec = next(s for s in SECTIONS if s.id == section_id)
    alts = "|".join(spaced(k) for k in sec.keys)
    num = rf"{sec.number}\s*[、.．]\s*"
    return re.compile(rf"(?m)^[ \t#*]*{num if numbered else f'(?:{num})?'}(?:{alts})")
