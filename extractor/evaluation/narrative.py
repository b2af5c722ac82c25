"""The prose of a generated report: sections 一, 五 and 六, with numeric claims that agree with the
tables (or, when a narrative error is injected, one claim that does not).

Claims are phrased the way real reports phrase them (seed 000: “共受理…其中：予以公开 6 件”), so
that an extractor that reads prose has real sentences to read.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import template as tpl
from .values import app

FILLER_OVERVIEW = (
    "（三）政府信息管理。严格落实政府信息公开审查机制，做到先审查、后公开，一事一审、全面审查。",
    "（四）平台建设。持续优化门户网站政务公开专栏，及时更新栏目内容，提升网站服务能力。",
    "（五）监督保障。将政务公开工作纳入年度目标考核，定期开展业务培训，加强工作督查。",
)
FILLER_PROBLEMS = (
    "存在的主要问题：一是政策解读形式较为单一；二是公开内容的全面性还需进一步提升。",
    "改进措施：加强业务培训，丰富解读形式，进一步提高政府信息公开工作质量。",
)
FILLER_OTHER = ("本年度未收取信息处理费。", "无其他需要报告的事项。")


@dataclass
class Narrative:
    overview: list[str]
    problems: list[str]
    other: list[str]
    mismatch: dict[str, Any] | None = None  # the injected disagreement: quote, note, fields


def _outcome_groups(v: Mapping[str, Any]) -> list[tuple[str, int]]:
    """(words, count) for the outcome groups of the 总计 column, as prose lists them."""
    groups = [("予以公开", "granted"), ("部分公开", "partially_granted"), ("不予公开", "denied."),
              ("无法提供", "unavailable."), ("不予处理", "not_processed."), ("其他处理", "other.")]
    return [(words, sum(v.get(app(r, "total")) or 0 for r in tpl.OUTCOME_ROWS
                        if r == prefix or (r.startswith(prefix) and prefix.endswith("."))))
            for words, prefix in groups]


def build(v: Mapping[str, Any], rng: random.Random, wrong: str | None = None) -> Narrative:
    """The prose for values `v`. `wrong` names a claim to print wrongly: 'cell' (a number that
    restates a table cell) or 'parts' (a total that disagrees with the parts after 其中)."""
    year = v["meta.year"]
    mismatch = None

    parts = [rng.randint(1, 40), rng.randint(5, 300), rng.randint(0, 30)]
    total = sum(parts)
    if wrong == "parts":
        delta = rng.randint(1, 20)
        total = total + delta if rng.random() < 0.5 or total <= delta else total - delta
    quote = (f"全年通过门户网站主动公开政府信息{total}条，其中：工作动态{parts[0]}条，"
             f"通知公告{parts[1]}条，政策解读{parts[2]}条")
    if wrong == "parts":
        mismatch = {"quote": quote, "fields": [],
                    "note": f"prose total {total} but the parts listed after 其中 sum to "
                            f"{'+'.join(map(str, parts))} = {sum(parts)} (injected)"}
    p1 = f"（一）主动公开情况。{quote}。"

    received = (v[app("new", "total")] or 0) + (v[app("carried_over", "total")] or 0)
    outcomes = [(w, n) for w, n in _outcome_groups(v) if n]
    cell_targets = [("予以公开", app("granted", "total"))]
    target = rng.choice(cell_targets) if wrong == "cell" else None
    pieces = []
    for words, n in outcomes:
        shown = n
        if target and words == target[0]:
            shown = n + rng.choice([1, 2, 3, 5, 10])
            mismatch = {"quote": f"{words}{shown}件", "fields": [target[1]],
                        "note": f"prose says {words} {shown} but the table says {n} (injected)"}
        pieces.append(f"{words}{shown}件")
    if target and mismatch is None:  # no one was granted: the prose claims some were
        shown = rng.choice([1, 2, 3])
        pieces.insert(0, f"{target[0]}{shown}件")
        mismatch = {"quote": f"{target[0]}{shown}件", "fields": [target[1]],
                    "note": f"prose says {target[0]} {shown} but the table says 0 (injected)"}
    forward = v[app("carried_forward", "total")] or 0
    if forward:  # so that the parts after 其中 add up to what was received
        pieces.append(f"结转下年度继续办理{forward}件")
    listing = "，其中：" + "，".join(pieces) if pieces else ""
    p2 = (f"（二）依申请公开情况。{year}年，共受理政府信息公开申请{received}件（含上年结转"
          f"{v[app('carried_over', 'total')] or 0}件）{listing}，均在法定期限内予以答复。")
    reviews = v.get("review.total") or 0
    suits = (v.get("litigation_direct.total") or 0) + (v.get("litigation_after_review.total") or 0)
    p3 = (f"全年因政府信息公开被申请行政复议{reviews}件，被提起行政诉讼{suits}件。"
          if reviews or suits else "全年未发生因政府信息公开被申请行政复议、提起行政诉讼的情况。")
    overview = [p1, p2 + p3, *rng.sample(FILLER_OVERVIEW, 2)]
    return Narrative(overview, list(FILLER_PROBLEMS), [rng.choice(FILLER_OTHER)], mismatch)
