"""``custodiet inspect``: table sizes and headline shares of a run directory."""

from __future__ import annotations

import argparse
from typing import Any

from custodiet.store import open_run


def register(sub: Any) -> None:
    p = sub.add_parser("inspect", help="print table sizes and headline shares of a run",
                       description=__doc__)
    p.add_argument("run_dir", metavar="DIR", help="a run directory")
    p.set_defaults(handler=run)


_SHARES = """
SELECT count(*) AS people,
       avg(CASE WHEN ethnicity = 'minority' THEN 1 ELSE 0 END) AS minority,
       avg(migrant::INT) AS migrant, avg("foreign"::INT) AS foreign_nationals,
       avg(official::INT) AS officials, avg(student::INT) AS students,
       avg((work_place >= 0 AND NOT student)::INT) AS known_workplace
FROM persons
"""
_HISTORY = """
SELECT avg(t.{h}::INT) AS true_share, avg(p.{h}_recorded::INT) AS recorded_share
FROM persons p JOIN person_truth t USING (person_id)
"""


def run(args: argparse.Namespace) -> int:
    with open_run(args.run_dir) as run_:
        m = run_.manifest
        print(f"run {run_.path}  (seed {m.get('seed')}, {m.get('people'):,} people, "
              f"{m.get('days')} days)")
        print("\ntables")
        for name in run_.tables():
            rows = run_.con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            print(f"  {name:<14}{rows:>14,}")
        tables = set(run_.tables())
        if "persons" in tables:
            row = run_.con.execute(_SHARES).fetchone()
            cols = [d[0] for d in run_.con.description]
            print("\npopulation")
            for col, value in zip(cols[1:], row[1:], strict=True):
                print(f"  {col:<18}{value:>9.2%}")
        if {"persons", "person_truth"} <= tables:
            print("\nhistories          true  recorded")
            from custodiet.schema import HISTORY_FLAGS

            for h in HISTORY_FLAGS:
                true, rec = run_.con.execute(_HISTORY.format(h=h)).fetchone()
                print(f"  {h:<16}{true:>7.2%}  {rec:>7.2%}")
        if "incidents" in tables:
            rows = run_.con.execute(
                "SELECT kind, count(*), bool_and(lawful) FROM incidents GROUP BY kind ORDER BY 2 "
                "DESC").fetchall()
            print("\nincidents (ground truth)")
            for kind, count, lawful in rows:
                print(f"  {kind:<16}{count:>10,}{'  (lawful)' if lawful else ''}")
        seconds = m.get("seconds")
        if seconds:
            print("\nseconds  " + "  ".join(f"{k} {v:.2f}" for k, v in seconds.items()))
            print()
    return 0
