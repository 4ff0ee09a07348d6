"""Benchmark of the tripwire workbench: the time from a submitted edit of one blank to its
answer (validation of the whole scenario, the rule recompiled and run over every cached day,
the audit's figures), median of 20 edits over the default scenario's rules.

    python bench/workbench.py                                  # 100k persons × 14 days
    python bench/workbench.py --people 20000 --days 7 --json

The city is simulated (and replayed) once and cached under --cache; that time is reported
apart. Target: median ≤ 1 s at 100k × 14 on 2 cores. CPU time (all threads of the process)
is printed beside the wall time: on a shared machine it says what an edit costs when the
wall time says mostly how busy the machine was.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from custodiet.cli._workbench import default_cache
from custodiet.workbench import open_bench

#: (rule, blank, new value): each is applied, then set back, so 10 pairs give 20 edits.
EDITS: list[tuple[str, str, str]] = [
    ("drug_users_same_hotel", "k", "3"),
    ("protesters_same_park", "k", "3"),
    ("mental_illness_near_school", "radius_m", "300"),
    ("petitioner_ticket_to_capital", "min_tickets", "2"),
    ("water_above_normal", "factor", "3"),
    ("station_loitering", "min_minutes", "180"),
    ("key_persons_nearby_hotels", "radius_m", "1000"),
    ("foreigner_at_bar", "min_minutes", "60"),
    ("drug_user_new_out_of_town_calls", "n", "4"),
    ("petitioner_high_risk", "min_level", "3"),
]


def form_pairs(card, field: str, value: str) -> list[tuple[str, str]]:
    """The card's current values as a browser would submit them, with one blank changed."""
    pairs = []
    for key, current in card.values.items():
        if key == field:
            pairs.append((key, value))
        elif isinstance(current, list):
            pairs += [(key, str(v)) for v in current]
        elif isinstance(current, bool):
            if current:
                pairs.append((key, "on"))
        elif key != "template":
            pairs.append((key, str(current)))
    return pairs


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--people", type=int, default=100_000)
    p.add_argument("--days", type=int, default=14)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cache", type=Path, default=None,
                   help="where the city is kept (default: the workbench's own cache)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_args()

    cache = args.cache or default_cache()
    started = time.perf_counter()
    bench = open_bench("default", people=args.people, days=args.days, seed=args.seed,
                       cache=cache, threads=args.threads, answer=False)
    prepared = time.perf_counter() - started
    index = {c.rule.name: i for i, c in enumerate(bench.cards)}
    # warm-up (not counted): the day relations are registered on the first edit
    first, field, value = EDITS[0]
    bench.edit(index[first], form_pairs(bench.cards[index[first]], field, value))
    bench.edit(index[first], form_pairs(bench.cards[index[first]], field,
                                        str(bench.base.rules[index[first]].model_dump()[field])))
    times: dict[str, list[float]] = {}
    cpu: list[float] = []
    for name, field, value in EDITS:
        i = index[name]
        original = str(bench.base.rules[i].model_dump()[field])
        for v in (value, original):
            t, c = time.perf_counter(), time.process_time()
            card = bench.edit(i, form_pairs(bench.cards[i], field, v))
            times.setdefault(name, []).append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            assert not card.errors, card.errors
    flat = [t for ts in times.values() for t in ts]
    out = {
        "people": args.people, "days": args.days, "edits": len(flat),
        "median_s": round(statistics.median(flat), 3),
        "p90_s": round(sorted(flat)[int(0.9 * (len(flat) - 1))], 3),
        "max_s": round(max(flat), 3),
        "median_cpu_s": round(statistics.median(cpu), 3),
        "per_rule_median_s": {k: round(statistics.median(v), 3) for k, v in times.items()},
        "prepare_s": round(prepared, 1), "threads": args.threads, "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"workbench edit → answer, {args.people:,} people × {args.days} days, "
          f"{len(flat)} edits: median {out['median_s']:.3f} s, p90 {out['p90_s']:.3f} s, "
          f"max {out['max_s']:.3f} s; median CPU time {out['median_cpu_s']:.3f} s (all threads)")
    for name, t in out["per_rule_median_s"].items():
        print(f"  {name:34s} {t:.3f} s")
    print(f"city prepared (simulated or cached, then replayed) in {prepared:.1f} s; "
          f"load average {out['load_average']} on {out['cpus']} CPUs")


if __name__ == "__main__":
    main()
