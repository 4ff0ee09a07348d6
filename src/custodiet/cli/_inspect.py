"""``custodiet inspect``: table sizes and headline shares of a run directory."""

from __future__ import annotations

import argparse
from typing import Any

import duckdb

from custodiet.cli import printable
from custodiet.engine import quote_ident
from custodiet.errors import UserError
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
SELECT avg(t.{t}::INT) AS true_share, avg(p.{r}::INT) AS recorded_share
FROM persons p JOIN person_truth t USING (person_id)
"""


def _number(value: Any) -> str:
    """A manifest number for the terminal (anything else, made printable)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return printable(str(value))
    return f"{value:,}"


def _pct(value: Any) -> str:
    return "—" if value is None else f"{value:.2%}"


def run(args: argparse.Namespace) -> int:
    with open_run(args.run_dir, verify=True) as run_:
        try:
            return _show(run_)
        except duckdb.Error as err:  # a corrupt or old-schema store
            msg = str(err).splitlines()[0][:160]
            raise UserError(f"is not a run store of this version of custodiet ({msg})",
                            where=str(run_.path)) from None


def _show(run_: Any) -> int:
    m = run_.manifest
    print(f"run {printable(str(run_.path))}  (seed {_number(m.get('seed'))}, "
          f"{_number(m.get('people'))} people, {_number(m.get('days'))} days)")
    print("\ntables")
    for name in run_.tables():
        print(f"  {printable(name):<14}{run_.rows(name):>14,}")
    tables = set(run_.tables())
    if "persons" in tables:
        row = run_.con.execute(_SHARES).fetchone()
        cols = [d[0] for d in run_.con.description]
        print("\npopulation")
        for col, value in zip(cols[1:], row[1:], strict=True):
            print(f"  {col:<18}{_pct(value):>9}")
    if {"persons", "person_truth"} <= tables:
        print("\nhistories          true  recorded")
        from custodiet.schema import HISTORY_FLAGS

        for h in HISTORY_FLAGS:
            sql = _HISTORY.format(t=quote_ident(h), r=quote_ident(f"{h}_recorded"))
            true, rec = run_.con.execute(sql).fetchone()
            print(f"  {h:<16}{_pct(true):>7}  {_pct(rec):>7}")
    if "incidents" in tables:
        rows = run_.con.execute(
            "SELECT kind, count(*), bool_and(lawful) FROM incidents GROUP BY kind ORDER BY 2 "
            "DESC").fetchall()
        print("\nincidents (ground truth)")
        for kind, count, lawful in rows:
            print(f"  {printable(str(kind)):<16}{count:>10,}"
                  f"{'  (lawful)' if lawful else ''}")
    seconds = m.get("seconds")
    if isinstance(seconds, dict) and seconds:
        print("\nseconds  " + "  ".join(f"{printable(str(k))} {_number(v)}"
                                      for k, v in seconds.items()))
        print()
    return 0
