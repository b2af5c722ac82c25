"""The review store: reports, their results, flags and the append-only decision trail in SQLite.

One connection per request/thread. A decision runs in one `BEGIN IMMEDIATE` transaction that
checks the report's version (optimistic concurrency: a form carries the version it was drawn
from), appends the decision, rebuilds the report's result and re-syncs its flags, so a crash
leaves either all of it or none.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import pipeline, schema
from ..results import Flag, ReportResult
from .migrations import migrate
from .reverify import apply_corrections, flag_keys, reverify

ACTIONS = ("accept", "correct", "source_error")
STATUSES = ("open", "decided", "cleared")


class Conflict(Exception):
    """The form was drawn from an older version of the report, or its flag has gone."""

    def __init__(self, flag: FlagRow, report: ReportRow, others: list[DecisionRow]) -> None:
        super().__init__(f"report {report.id} is at version {report.version}")
        self.flag, self.report, self.others = flag, report, others


@dataclass(frozen=True)
class ReportRow:
    id: int
    sha256: str
    path: str
    source_abs: str | None
    agency: str | None
    year: int | None
    version: int
    fields: dict[str, Any]

    @property
    def title(self) -> str:
        name = Path(self.path).name
        return f"{self.agency or name} {self.year or ''}".strip() + f" ({name})"


@dataclass(frozen=True)
class FlagRow:
    id: int
    report_id: int
    key: str
    position: int
    status: str
    decision_id: int | None
    cleared_by: int | None
    flag: Flag
    report_path: str


@dataclass(frozen=True)
class DecisionRow:
    id: int
    report_id: int
    flag_id: int
    action: str
    field: str | None
    old_value: Any
    new_value: Any
    note: str
    reviewer: str
    at: str
    base_version: int
    flag: Flag  # the flag as the reviewer saw it


@dataclass(frozen=True)
class ImportSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _report_key(r: ReportResult) -> str:
    # An error result may have no hash (unreadable file): its path is all we have.
    return r.source.sha256 or f"path:{r.source.path}"


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA journal_mode = WAL")
        migrate(self._db)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- settings ------------------------------------------------------------------------

    def secret_key(self) -> str:
        """Kept in the store so sessions and open forms survive a restart."""
        with self._tx() as db:
            row = db.execute("SELECT value FROM settings WHERE key = 'secret_key'").fetchone()
            if row:
                return str(row["value"])
            key = secrets.token_hex(32)
            db.execute("INSERT INTO settings(key, value) VALUES ('secret_key', ?)", (key,))
            return key

    # --- import --------------------------------------------------------------------------

    def import_results(self, results: Iterable[ReportResult]) -> ImportSummary:
        """Add new reports; a report already here (same sha256) keeps its decisions: an
        identical result is left alone, a different one becomes the new original with the
        corrections replayed on it."""
        counts = {"new": 0, "updated": 0, "unchanged": 0}
        with self._tx() as db:
            pending: dict[int, ReportResult] = {}
            for r in results:
                key, raw = _report_key(r), r.model_dump_json()
                row = db.execute("SELECT id, original FROM reports WHERE sha256 = ?",
                                 (key,)).fetchone()
                if row is None:
                    cur = db.execute(
                        "INSERT INTO reports(sha256, path, source_abs, original, current, "
                        "fields, version, imported_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, '{}', 1, ?, ?)",
                        (key, r.source.path, _abs(r.source.path), raw, raw, _now(), _now()))
                    pending[int(cur.lastrowid or 0)] = r
                    counts["new"] += 1
                elif row["original"] == raw:
                    counts["unchanged"] += 1
                else:
                    db.execute("UPDATE reports SET original = ?, path = ?, version = version + 1"
                               " WHERE id = ?", (raw, r.source.path, row["id"]))
                    pending[row["id"]] = apply_corrections(r, self._corrections(row["id"]))
                    counts["updated"] += 1
            if pending:
                self._commit_results(pending, None)
        return ImportSummary(**counts)

    # --- reading -------------------------------------------------------------------------

    def reports(self) -> list[ReportRow]:
        rows = self._db.execute("SELECT * FROM reports ORDER BY path, id").fetchall()
        return [_report(r) for r in rows]

    def report(self, report_id: int) -> ReportRow:
        row = self._db.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
        if row is None:
            raise KeyError(report_id)
        return _report(row)

    def result(self, report_id: int) -> ReportResult:
        row = self._db.execute("SELECT current FROM reports WHERE id = ?",
                               (report_id,)).fetchone()
        if row is None:
            raise KeyError(report_id)
        return ReportResult.model_validate_json(row["current"])

    def flag(self, flag_id: int) -> FlagRow:
        row = self._db.execute(_FLAG_SELECT + " WHERE f.id = ?", (flag_id,)).fetchone()
        if row is None:
            raise KeyError(flag_id)
        return _flag(row)

    def queue(self, report_id: int | None = None, rule: str | None = None,
              kind: str | None = None, status: str | None = "open") -> list[FlagRow]:
        """Flags across all reports, errors first, then report and position in its result."""
        where, args = [], []
        for col, val in (("f.report_id", report_id), ("f.rule", rule), ("f.kind", kind),
                         ("f.status", status)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        sql = (_FLAG_SELECT + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY f.severity = 'error' DESC, r.path, r.id, f.position, f.id")
        return [_flag(r) for r in self._db.execute(sql, args).fetchall()]

    def rules(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT DISTINCT rule FROM flags ORDER BY rule")]

    def counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT status, count(*) FROM flags GROUP BY status").fetchall()
        return {s: 0 for s in STATUSES} | {r[0]: r[1] for r in rows}

    def decisions(self, report_id: int | None = None, flag_id: int | None = None,
                  since_version: int | None = None) -> list[DecisionRow]:
        where, args = [], []
        for cond, val in (("report_id = ?", report_id), ("flag_id = ?", flag_id),
                          ("base_version >= ?", since_version)):
            if val is not None:
                where.append(cond)
                args.append(val)
        sql = ("SELECT * FROM decisions" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY id")
        return [_decision(r) for r in self._db.execute(sql, args).fetchall()]

    def decision(self, decision_id: int) -> DecisionRow:
        row = self._db.execute("SELECT * FROM decisions WHERE id = ?",
                               (decision_id,)).fetchone()
        if row is None:
            raise KeyError(decision_id)
        return _decision(row)

    # --- deciding ------------------------------------------------------------------------

    def decide(self, flag_id: int, action: str, *, field: str | None, reviewer: str,
               base_version: int, value: str | None = None, note: str = "") -> DecisionRow:
        """Record one decision and re-run the rules. Raises ValueError (with a message for the
        reviewer) for a bad value, Conflict when the form is stale."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if not reviewer.strip():
            raise ValueError("enter your name as reviewer")
        with self._tx() as db:
            flag = self.flag(flag_id)
            report = self.report(flag.report_id)
            if report.version != base_version or flag.status == "cleared":
                raise Conflict(flag, report, self.decisions(report.id,
                                                            since_version=base_version))
            if action == "correct" and not field:
                raise ValueError("choose the field to correct")
            if field is not None and field not in flag.flag.fields:
                raise ValueError(f"{field} is not one of this flag's fields")
            result = self.result(report.id)
            old = result.fields.get(field) if field else None
            new = validate_value(field, value) if action == "correct" and field else old
            if action == "correct" and new == old:
                raise ValueError(f"{field} is already {old!r}; use accept to keep it")
            if action == "source_error" and not note.strip():
                raise ValueError("say in the note what the report got wrong")
            cur = db.execute(
                "INSERT INTO decisions(report_id, flag_id, action, field, old_value, new_value,"
                " note, reviewer, at, base_version, flag) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (report.id, flag.id, action, field, json.dumps(old, ensure_ascii=False),
                 json.dumps(new, ensure_ascii=False), note.strip(), reviewer.strip(), _now(),
                 base_version, flag.flag.model_dump_json()))
            decision_id = int(cur.lastrowid or 0)
            db.execute("UPDATE reports SET version = version + 1 WHERE id = ?", (report.id,))
            if action == "correct":
                original = ReportResult.model_validate_json(db.execute(
                    "SELECT original FROM reports WHERE id = ?", (report.id,)).fetchone()[0])
                result = apply_corrections(original, self._corrections(report.id))
            else:
                result = reverify(result)
            years = {int(y) for y in (report.year, result.fields.get("meta.year"))
                     if y is not None}
            self._commit_results({report.id: result}, {y + d for y in years for d in (0, 1)},
                                 decision_id, touched={field} if action == "correct" and field
                                 else set(), decided=None if action == "correct" else flag.key)
            return self.decision(decision_id)

    # --- internals -----------------------------------------------------------------------

    def _corrections(self, report_id: int) -> dict[str, Any]:
        """field → value of the latest correction (the trail is replayed in order)."""
        out: dict[str, Any] = {}
        for d in self.decisions(report_id):
            if d.action == "correct" and d.field:
                out[d.field] = d.new_value
        return out

    def _save_current(self, report_id: int, result: ReportResult) -> None:
        year = result.fields.get("meta.year")
        self._db.execute(
            "UPDATE reports SET current = ?, fields = ?, agency = ?, year = ?, updated_at = ?"
            " WHERE id = ?",
            (result.model_dump_json(), json.dumps(result.fields, ensure_ascii=False),
             result.fields.get("meta.agency"), int(year) if year is not None else None, _now(),
             report_id))

    def _sync_flags(self, report_id: int, flags: list[Flag], decision_id: int | None = None,
                    touched: set[str] | frozenset[str] = frozenset(),
                    decided: str | None = None) -> None:
        """Make the flag rows match the rules' latest output, keeping each flag's status by its
        key: a flag that is gone is `cleared` (its row and decisions stay), one that comes back
        is open again, a decided flag whose values were corrected is open again."""
        existing = {r["key"]: r for r in self._db.execute(
            "SELECT id, key, status, decision_id FROM flags WHERE report_id = ?", (report_id,))}
        keys = flag_keys(flags)
        for pos, (key, f) in enumerate(zip(keys, flags, strict=True)):
            row = existing.get(key)
            status = row["status"] if row else "open"
            if status == "cleared" or (status == "decided" and touched & set(f.fields)):
                status = "open"
            did = row["decision_id"] if row else None
            if key == decided:
                status, did = "decided", decision_id
            elif key in existing and touched & set(f.fields):
                did = decision_id
            values = (pos, f.rule, f.severity, f.kind, f.model_dump_json(), status, did)
            if row:
                self._db.execute(
                    "UPDATE flags SET position=?, rule=?, severity=?, kind=?, data=?, status=?,"
                    " decision_id=?, cleared_by=NULL WHERE id = ?", (*values, row["id"]))
            else:
                self._db.execute(
                    "INSERT INTO flags(position, rule, severity, kind, data, status, decision_id,"
                    " report_id, key) VALUES (?,?,?,?,?,?,?,?,?)", (*values, report_id, key))
        gone = [r["id"] for k, r in existing.items() if k not in keys and r["status"] != "cleared"]
        for fid in gone:
            self._db.execute("UPDATE flags SET status = 'cleared', cleared_by = ? WHERE id = ?",
                             (decision_id, fid))

    def _commit_results(self, pending: dict[int, ReportResult], years: set[int] | None,
                        decision_id: int | None = None, touched: set[str] | None = None,
                        decided: str | None = None) -> None:
        """Save `pending` results after rule 8 has run over them and the store's reports they
        can be compared with, and re-sync the flags of every report whose flags changed.
        `years`: only reports of these years can have changed (a decision touches its report's
        year and the next); they are compared with the year before, so that year is loaded
        too. None: every report. `touched`/`decided` apply to the pending reports."""
        if years is None:
            rows = self._db.execute("SELECT id, current FROM reports").fetchall()
        else:
            wanted = sorted(years | {y - 1 for y in years})
            rows = self._db.execute(
                f"SELECT id, current FROM reports WHERE year IN ({','.join('?' * len(wanted))})",
                wanted).fetchall()
        results = {r["id"]: ReportResult.model_validate_json(r["current"]) for r in rows}
        before = {rid: [f for f in r.flags if f.rule == "R8"] for rid, r in results.items()}
        results.update(pending)
        ids = list(results)
        batch = [results[i] for i in ids]
        pipeline.apply_batch_rules(batch)
        for rid, r in zip(ids, batch, strict=True):
            if rid in pending:
                self._save_current(rid, r)
                self._sync_flags(rid, r.flags, decision_id, touched or set(), decided)
                continue
            year = r.fields.get("meta.year")
            in_scope = years is None or (year is not None and int(year) in years)
            if in_scope and [f for f in r.flags if f.rule == "R8"] != before[rid]:
                self._save_current(rid, r)
                self._sync_flags(rid, r.flags, decision_id)


def validate_value(field: str, raw: str | None) -> Any:
    """A reviewer's typed value → its JSON form, checked by the schema; ValueError with the
    schema's message when it does not fit. `null` says the report has no such value."""
    text = (raw or "").strip()
    if not text:
        raise ValueError("enter the corrected value (or null if the report has none)")
    if text.lower() == "null":
        return None
    try:
        value = schema.to_json_value(schema.coerce(field, text))
    except (ValueError, KeyError) as exc:
        raise ValueError(str(exc)) from None
    errors = schema.field_errors({field: value})
    if errors:
        raise ValueError("; ".join(f"{k}: {v}" for k, v in errors.items()))
    return value


def _abs(path: str) -> str | None:
    p = Path(path)
    return str(p.resolve()) if p.exists() else None


_FLAG_SELECT = ("SELECT f.*, r.path AS report_path FROM flags f "
                "JOIN reports r ON r.id = f.report_id")


def _report(row: sqlite3.Row) -> ReportRow:
    return ReportRow(id=row["id"], sha256=row["sha256"], path=row["path"],
                     source_abs=row["source_abs"], agency=row["agency"], year=row["year"],
                     version=row["version"], fields=json.loads(row["fields"]))


def _flag(row: sqlite3.Row) -> FlagRow:
    return FlagRow(id=row["id"], report_id=row["report_id"], key=row["key"],
                   position=row["position"], status=row["status"],
                   decision_id=row["decision_id"], cleared_by=row["cleared_by"],
                   flag=Flag.model_validate_json(row["data"]), report_path=row["report_path"])


def _decision(row: sqlite3.Row) -> DecisionRow:
    return DecisionRow(id=row["id"], report_id=row["report_id"], flag_id=row["flag_id"],
                       action=row["action"], field=row["field"],
                       old_value=json.loads(row["old_value"]),
                       new_value=json.loads(row["new_value"]), note=row["note"],
                       reviewer=row["reviewer"], at=row["at"], base_version=row["base_version"],
                       flag=Flag.model_validate_json(row["flag"]))
