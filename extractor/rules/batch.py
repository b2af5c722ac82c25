"""Rule 8, across the reports of one batch: for one agency in consecutive years, this year's
上年结转 equals last year's 结转下年度, column by column."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .. import template as tpl
from ..results import Flag, ReportResult

_COLS = [c.id for c in tpl.APPLICATIONS.columns]


def _same_agency(a: str, b: str) -> bool:
    """Titles vary in how much of the hierarchy they print (洪泽区人民政府 / 淮安市洪泽区人民政府):
    the same agency when one name ends with the other."""
    a, b = re.sub(r"\s+", "", a), re.sub(r"\s+", "", b)
    short, long = sorted((a, b), key=len)
    return len(short) >= 4 and long.endswith(short)


def check_batch(results: Sequence[ReportResult]) -> dict[int, list[Flag]]:
    """Flags to add, by index into `results` (the later year's report)."""
    out: dict[int, list[Flag]] = {}
    ok = [(i, r) for i, r in enumerate(results)
          if r.status != "error" and r.fields.get("meta.agency") and r.fields.get("meta.year")]
    for i, later in ok:
        for _j, earlier in ok:
            if not (_same_agency(later.fields["meta.agency"], earlier.fields["meta.agency"])
                    and int(earlier.fields["meta.year"]) + 1 == int(later.fields["meta.year"])):
                continue
            for c in _COLS:
                now, before = (later.fields.get(f"applications.carried_over.{c}"),
                               earlier.fields.get(f"applications.carried_forward.{c}"))
                if now is None or before is None or now == before:
                    continue
                out.setdefault(i, []).append(Flag(
                    rule="R8", severity="warning", kind="source",
                    fields=[f"applications.carried_over.{c}"],
                    message=(f"上年结转 ({c}) is {now}, but {earlier.source.path} "
                             f"({earlier.fields['meta.year']}) carried {before} forward"),
                    expected=before, found=now))
    return out
