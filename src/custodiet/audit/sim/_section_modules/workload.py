"""The officers' workload ("officers are evaluated for their responsiveness", NYT-17) as one
section: per seed, the (alert, person) pairs calling for an action and those the police
answered, how late, and the days the capacity was used up; pooled by adding the seeds (delays
weighted by the pairs answered); shown under "Can anyone know?" as a table by category."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from custodiet.audit.sim._pooled_rows import CategoryWorkload, PooledWorkload
from custodiet.audit.sim._section_module import KNOWABLE, SectionModule
from custodiet.audit.sim._sections import Workload
from custodiet.audit.sim._workload import workload_section


def _compute(runs: Any, scenario: Any, seed: int) -> Workload:
    return workload_section(runs.watch, scenario)


def _totals(rows: Sequence[Any]) -> dict[str, Any]:
    cand = sum(r.candidates for r in rows)
    ans = sum(r.answered for r in rows)
    delay = sum((r.mean_delay_hours or 0.0) * r.answered for r in rows)
    return {"candidates": cand, "answered": ans, "answered_share": ans / cand if cand else None,
            "unanswered": cand - ans, "mean_delay_hours": delay / ans if ans else None}


def pool(rows: Sequence[Workload | None]) -> PooledWorkload | None:
    """The officers' workload added over the seeds that computed it (None when none did)."""
    ws = [w for w in rows if w is not None]
    if not ws:
        return None
    cats = sorted({c.category for w in ws for c in w.by_category})
    return PooledWorkload(**_totals(ws), capacity_per_day=ws[0].capacity_per_day,
                          days_at_capacity=sum(w.days_at_capacity for w in ws),
                          days=sum(w.days for w in ws),
                          by_category=[CategoryWorkload(category=c, **_totals(
                              [x for w in ws for x in w.by_category if x.category == c]))
                              for c in cats])


def _delay(hours: float | None) -> float | str:
    """A mean delay, or why there is none (no alert of the category was answered)."""
    return "none answered" if hours is None else hours


def _render(sec: Any, w: PooledWorkload | None) -> None:
    if not w or not w.candidates:
        return
    kinds = ["text", "count", "count", "share", "count", "number"]
    rows = [[c.category, c.candidates, c.answered, c.answered_share, c.unanswered,
             _delay(c.mean_delay_hours)] for c in w.by_category]
    rows.append(["all", w.candidates, w.answered, w.answered_share, w.unanswered,
                 _delay(w.mean_delay_hours)])
    sec.rows(["Category", "Alerts × persons calling for action", "Answered", "Share answered",
              "Left unanswered", "Mean delay (hours)"], rows, kinds=kinds,
             caption=f"Officers' workload (added over seeds): capacity "
                     f"{w.capacity_per_day:,} persons a day, used up on "
                     f"{w.days_at_capacity} of {w.days} city-days; categories "
                     "are answered in the order of response.priority")


SECTION = SectionModule("workload", KNOWABLE, "the officers' workload", _compute, pool,
                        PooledWorkload, _render)
