"""The template reader: reads every field of a report from normalised text without an LLM.

Sections are found by their headings, rows by their labels (in template order, whitespace-
tolerant), cells by their separators where visible and otherwise by the table's own identities
(see `placement`). Every value comes with the span it was read from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from .. import template as tpl
from ..extraction import Extraction
from ..results import Evidence, Flag
from . import placement as pl
from .layout import Span, find_anchors, find_sections, header_masks, section_region
from .meta import detect_format, find_published, find_title
from .tokens import CellSlot, explicit_cells, tokenize

NAME = "template"
Segment = tuple[int, int, int]  # (label start, cells start, cells end) in the text
MAX_READINGS_SHOWN = 6


def read(text: str, prefer: Mapping[str, pl.Value] | None = None) -> Extraction:
    """Read a report. `prefer` (field id → value, e.g. from a narrative claim) settles a table
    whose reading is ambiguous, when exactly one of the readings agrees with it."""
    ex = Extraction()
    sections = find_sections(text)
    agency, year = find_title(text)
    published = find_published(text)
    active = section_region(text, sections, "active")
    fmt = detect_format(text, active.start, active.end, year and year.value) if active else (
        "2019" if year and year.value <= 2020 else "2021")  # type: ignore[operator]
    ex.template = fmt

    for fid, found in (("meta.agency", agency), ("meta.year", year),
                       ("meta.published", published)):
        if found is not None:
            ev = Evidence(start=found.start, end=found.end, text=text[found.start:found.end],
                          cell="text")
            ex.set(fid, found.value, ev, NAME)
    ex.set("meta.template", fmt, None, NAME)
    if year is not None:
        ex.rows["meta"] = (max(0, year.start - 200), year.end + 50)

    missing_sections = []
    for table in tpl.tables_for(fmt):
        region = section_region(text, sections, table.section)
        if region is None:
            missing_sections.append(table)
            continue
        if table is tpl.REVIEW:
            read_review(text, region, ex, NAME)
        else:
            _read_rows(text, region, table, ex, prefer)
    for table in missing_sections:
        ex.flags.append(Flag(
            rule="missing", severity="error", kind="source", fields=table.field_ids(),
            message=f"section {table.title} was not found in the report; its fields are null"))
    # A report has a title with its year or prints numbers in its tables; an empty form (the
    # official template) or some other document has neither.
    ex.is_report = year is not None or any(
        ev.cell == "number" for fid, ev in ex.evidence.items() if not fid.startswith("meta."))
    if not ex.is_report:
        ex.not_report_why = (
            "it has the template's headings but no title with a year and no numbers in its "
            "tables: an empty report form?" if sections else
            "no title, section heading or table of a 政府信息公开工作年度报告 was found")
    if agency is None or year is None:
        ex.flags.append(Flag(
            rule="missing", severity="warning", kind="extraction",
            fields=[f for f, v in (("meta.agency", agency), ("meta.year", year)) if v is None],
            message="the title (<agency> <year>年政府信息公开工作年度报告) was not recognised "
                    "near the top of the report"))
    ex.complete()
    return ex


def _swap(i: int, j: int) -> pl.Swap:
    def swap(v: tuple[pl.Value, ...]) -> tuple[pl.Value, ...]:
        w = list(v)
        w[i], w[j] = w[j], w[i]
        return tuple(w)
    return swap


# Two applicant columns exchanged throughout table 三: the symmetry dropped cells leave open.
_COLUMN_SWAPS = [_swap(i, j) for i in range(6) for j in range(i + 1, 6)]


def _row_rule(values: tuple[pl.Value, ...]) -> int:
    """Rule 1 on one row: the six applicant columns add up to the total."""
    return int(sum(values[:6]) != values[6])


def _group_rule(values: tuple[pl.Value, ...]) -> int:
    """Rule 4 on the 15 cells of table 四: each group of five adds up to its total."""
    return sum(int(sum(values[i:i + 4]) != values[i + 4]) for i in (0, 5, 10))


def _column_rules(rows: dict[str, tuple[pl.Value, ...]]) -> int:
    """Rules 1–3 across the applications table, counted over the rows read so far."""
    bad = sum(_row_rule(v) for v in rows.values())
    need2 = ("new", "carried_over", "total", "carried_forward")
    parts = [r for r in tpl.OUTCOME_ROWS if r in rows]
    for c in range(7):
        if all(k in rows for k in need2):
            bad += int(rows["new"][c] + rows["carried_over"][c]
                       != rows["total"][c] + rows["carried_forward"][c])
        if "total" in rows and parts:
            bad += int(sum(rows[r][c] for r in parts) != rows["total"][c])
    return bad


def _evidence(text: str, cell: pl.Cell, row: tuple[int, int]) -> Evidence:
    if cell.token is None:
        kind = "blank"
    elif cell.token.kind == "placeholder":
        kind = "placeholder"
    else:
        kind = "number"
    return Evidence(start=cell.start, end=cell.end, text=text[cell.start:cell.end], cell=kind,
                    row_start=row[0], row_end=row[1], inferred=cell.inferred)


def _value(cell: pl.Cell, kind: tpl.Kind) -> pl.Value:
    v = 0 if cell.value is None else cell.value
    if kind == "amount":
        return Decimal(v)
    return v


def _visible_reading(slots: list[CellSlot]) -> pl.Reading:
    """The reading of a row whose cells are visible: each slot's token, or a blank."""
    return pl.Reading(tuple(
        pl.Cell(s.token.value, s.token, s.token.start, s.token.end, False) if s.token
        else pl.Cell(None, None, s.start, s.start, False) for s in slots), False)


def _row_readings(text: str, seg: Segment, n: int, masks: list[tuple[int, int]],
                  check: Callable[[tuple[pl.Value, ...]], int] | None,
                  ) -> tuple[list[pl.Reading], int]:
    """Candidate readings of one row whose label spans seg[0]:seg[1] and whose cells run to
    seg[2]; also the number of tokens found (more than n: values we could not place)."""
    _, label_end, end = seg
    tokens = tokenize(text, label_end, end, masks)
    slots = explicit_cells(text, label_end, end, tokens, n, after_label=True)
    if slots is not None:
        return [_visible_reading(slots)], len(tokens)
    return pl.distinct(pl.candidates(tokens, n, label_end, check)), len(tokens)


def _read_rows(text: str, region: Span, table: tpl.Table, ex: Extraction,
               prefer: Mapping[str, pl.Value] | None = None) -> None:
    segs, absent_by_form = find_segments(text, region, table)
    assign_rows(text, table, segs, ex, NAME, header_masks(text, region, table), prefer)
    _flag_missing(text, region, table, ex, segs, absent_by_form)


def find_segments(text: str, region: Span, table: tpl.Table
                  ) -> tuple[dict[str, Segment], set[str]]:
    """Row id → its segment, from the labels found in `region`; and the rows absent by form
    (sub-rows of a group printed as a single row)."""
    anchors = find_anchors(text, region, table)
    found_ids = {a.id for a in anchors}
    groups = {f"group:{g.id}": g for g in table.groups}
    segs: dict[str, Segment] = {}
    absent_by_form: set[str] = set()
    for i, a in enumerate(anchors):
        end = anchors[i + 1].start if i + 1 < len(anchors) else region.end
        row_id = a.id
        if row_id in groups:
            g = groups[row_id]
            members = [r.id for r in table.rows if r.group == g.label]
            if g.collapsed_into and not found_ids & set(members):
                row_id = g.collapsed_into  # the group printed as one row (2019 form's （六）)
                absent_by_form |= set(members) - {row_id}
            else:
                continue
        segs[row_id] = (a.start, a.end, end)
    return segs, absent_by_form


def assign_rows(text: str, table: tpl.Table, segs: dict[str, Segment], ex: Extraction,
                by: str, masks: list[tuple[int, int]] | None = None,
                prefer: Mapping[str, pl.Value] | None = None) -> None:
    """Read the cells of each row segment, choose among the readings by the table's rules, and
    set the fields with their evidence. Shared by the reader (segments from labels) and the LLM
    extractor (segments where the model's copied row text was found)."""
    masks = masks or []
    is_apps = table is tpl.APPLICATIONS
    options: dict[str, list[pl.Reading]] = {}
    extra: list[str] = []
    for row_id, seg in segs.items():
        n = len(table.row_columns(table.row(row_id))) or 1
        readings, n_tokens = _row_readings(text, seg, n, masks, _row_rule if is_apps else None)
        options[row_id] = readings
        if n_tokens > n:
            extra.append(row_id)

    if is_apps:
        chosen, ties, unproven = pl.resolve(options, _column_rules, swaps=_COLUMN_SWAPS)
        guessed = [k for k, v in options.items() if len(v) > 1]
        if guessed and _column_rules({k: r.values() for k, r in chosen.items()}) > 0:
            # no placement satisfies every rule (the report may not add up), so where the
            # dropped cells went is a best guess: say so on those rows
            ex.flags.append(Flag(
                rule="ambiguous", severity="warning", kind="extraction",
                fields=[f for r in guessed for f in table.row_field_ids(table.row(r))],
                message=(f"{len(guessed)} rows of {table.title} print fewer numbers than cells "
                         "and no placement satisfies every rule; the placement used breaks the "
                         "fewest, but where their values belong is a guess")))
        elif unproven and len(ties) == 1:
            fields = [f for r in unproven for f in table.row_field_ids(table.row(r))]
            ex.flags.append(Flag(
                rule="ambiguous", severity="warning", kind="extraction", fields=fields,
                message=(f"{len(unproven)} rows of {table.title} print fewer numbers than cells "
                         "and too many placements combine to check them all; the placement "
                         "used satisfies every rule but is not proven to be the only one")))
    else:  # rows are independent: no identity ties them together
        chosen = {k: v[0] for k, v in options.items()}
        ties = [chosen]
        for row_id, readings in options.items():
            if len(readings) > 1:
                _flag_ambiguous(ex, table.title, [_choice_values(table, {row_id: r})
                                                  for r in readings])
    if len(ties) > 1 and prefer:
        agree = [t for t in ties if all(v == prefer[f] for f, v in _choice_values(table, t).items()
                                        if f in prefer)]
        if len({tuple(_choice_values(table, t).items()) for t in agree}) == 1:
            chosen = agree[0]
            fields = sorted(f for f in prefer if f in _choice_values(table, chosen))
            ex.flags.append(Flag(
                rule="settled", severity="warning", kind="extraction", fields=fields,
                message=(f"{len(ties)} readings of {table.title} satisfy every rule; the "
                         "narrative settles it: " + ", ".join(f"{f} = {prefer[f]}"
                                                             for f in fields)),
                readings=[{f: _json(v) for f, v in _choice_values(table, chosen).items() if v}]))
            ties = [chosen]
    if len(ties) > 1:
        _flag_ambiguous(ex, table.title, [_choice_values(table, t) for t in ties])

    for row_id, reading in chosen.items():
        row = table.row(row_id)
        seg = segs[row_id]
        row_span = (seg[0], seg[2])
        ex.rows[f"{table.id}.{row_id}"] = row_span
        for fid, cell in zip(table.row_field_ids(row), reading.cells, strict=True):
            kind = tpl.spec(fid).kind
            value = _value(cell, kind)
            ev = _evidence(text, cell, row_span)
            if kind == "amount" and cell.token is not None and _in_yuan(text, table, cell, seg):
                printed = value
                value = (Decimal(printed) / Decimal(10000)).normalize()
                ex.flags.append(Flag(
                    rule="unit", severity="warning", kind="extraction", fields=[fid],
                    message=f"printed {printed} 元 where the template asks for 万元; "
                            f"converted to {value} 万元", expected="万元",
                    found=f"{printed} 元"))
            ex.set(fid, value, ev, by)

    for row_id in extra:
        ex.flags.append(Flag(
            rule="extra_values", severity="warning", kind="extraction",
            fields=table.row_field_ids(table.row(row_id)),
            message=f"row {table.row(row_id).label} holds more numbers than cells; "
                    "the first ones were kept"))


def _in_yuan(text: str, table: tpl.Table, cell: pl.Cell, seg: Segment) -> bool:
    """The amount was printed in 元: the cell says so, or the row's heading says 单位：元."""
    if cell.token is not None and cell.token.unit == "元":
        return True
    heading = text[max(0, seg[0] - 60):seg[0]]
    return "单位:元" in heading.replace(" ", "") or "单位：元" in heading.replace(" ", "")


def _choice_values(table: tpl.Table, choice: dict[str, pl.Reading]) -> dict[str, pl.Value]:
    vals: dict[str, pl.Value] = {}
    for row_id, reading in choice.items():
        vals.update(zip(table.row_field_ids(table.row(row_id)), reading.values(), strict=True))
    return vals


def _flag_ambiguous(ex: Extraction, title: str, ties: list[dict[str, pl.Value]]) -> None:
    differing = sorted({f for v in ties for f in v if v[f] != ties[0].get(f)},
                       key=tpl.field_ids().index)
    if not differing:
        return
    # Each reading lists its non-zero values among the fields that differ (the rest are 0).
    readings = [{f: _json(v[f]) for f in differing if v[f]} for v in ties[:MAX_READINGS_SHOWN]]
    ex.flags.append(Flag(
        rule="ambiguous", severity="warning", kind="extraction", fields=differing,
        message=(f"{len(ties)} readings of {title} satisfy every rule; the first is used "
                 "(each reading lists its non-zero values; fields not listed are 0). "
                 "A narrative claim or a reviewer must settle it."),
        readings=readings))


def _json(v: pl.Value) -> int | str:
    return str(v) if isinstance(v, Decimal) else v


def _flag_missing(text: str, region: Span, table: tpl.Table, ex: Extraction,
                  segs: dict[str, Segment], absent_by_form: set[str]) -> None:
    missing = [r for r in table.rows if r.id not in segs and r.id not in absent_by_form]
    if not missing:
        return
    last_found = max((table.rows.index(table.row(k)) for k in segs), default=-1)
    last_end = max((s[2] for s in segs.values()), default=region.start)
    # Cut off: the table runs to the end of the text and only its tail is missing.
    cut_off = region.end >= len(text.rstrip()) and all(
        table.rows.index(r) > last_found for r in missing)
    fields = [f for r in missing for f in table.row_field_ids(r)]
    where = "the report ends inside the table" if cut_off else "its label was not recognised"
    more = " …" if len(missing) > 4 else ""
    ex.flags.append(Flag(
        rule="missing", severity="error", kind="source" if cut_off else "extraction",
        fields=fields,
        message=(f"{table.title}: rows {', '.join(r.label for r in missing[:4])}{more} "
                 f"not found ({where}); their fields are null"),
        found=text[max(region.start, last_end - 40):last_end] or None))


def read_review(text: str, region: Span, ex: Extraction, by: str) -> None:
    table = tpl.REVIEW
    masks = header_masks(text, region, table)
    tokens = tokenize(text, region.start, region.end, masks)
    n = sum(len(table.row_columns(r)) for r in table.rows)
    # One visible data row (tabs or pipes) is read by position; else by placement and rule 4.
    first = tokens[0].start if tokens else region.start
    line_start = text.rfind("\n", region.start, first) + 1
    slots = explicit_cells(text, line_start, region.end, tokens, n)
    if slots is not None:
        readings = [_visible_reading(slots)]
    else:
        readings = pl.distinct(pl.candidates(tokens, n, first, _group_rule))
    if len(tokens) > n:
        ex.flags.append(Flag(rule="extra_values", severity="warning", kind="extraction",
                             fields=table.field_ids(),
                             message="table 四 holds more numbers than its 15 cells; "
                                     "the first 15 were kept"))
    if not tokens and masks:  # the table is there with every cell empty: 0, as in table 三
        for r in table.rows:
            ex.rows[f"review.{r.id}"] = (region.start, region.end)
        for fid in table.field_ids():
            ex.set(fid, 0, Evidence(start=region.end, end=region.end, text="", cell="blank",
                                    row_start=region.start, row_end=region.end), by)
        return
    if not tokens:
        ex.flags.append(Flag(rule="missing", severity="error", kind="source",
                             fields=table.field_ids(),
                             message="table 四 prints no numbers; its fields are null"))
        return
    if len(readings) > 1:
        _flag_ambiguous(ex, table.title, [dict(zip(table.field_ids(), r.values(), strict=True))
                                          for r in readings])
    row_span = (region.start, region.end)
    for r in table.rows:
        ex.rows[f"review.{r.id}"] = row_span
    for fid, cell in zip(table.field_ids(), readings[0].cells, strict=True):
        ex.set(fid, _value(cell, "count"), _evidence(text, cell, row_span), by)

