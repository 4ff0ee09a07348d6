"""In the null world (nobody does anything wrong) a simple rule's alerts are coincidences; their
count matches what independence predicts, within its standard error."""

from __future__ import annotations

import numpy as np

from custodiet.scenario import scenario_from_mapping
from custodiet.store import open_run
from custodiet.study._simulate import simulate
from custodiet.study._variants import null_world

PLACES = {"work": 25.0, "school": 0.4, "hotel": 2.0, "park": 0.1, "station": 0.01, "bar": 0.3,
          "language_school": 0.05, "government": 0.02, "police": 0.02}


def test_null_world_gathering_alerts_match_independence(tmp_path) -> None:
    r"""Rule: two listed persons at one hotel at once (``gathering``, k = 2, r = 0, W = 0), with
    everyone listed, no red list and no response, in the null world (no drug deals, the only
    other reason to share a hotel).

    Hotel guests are drawn independently, each choosing one of the H hotels uniformly for the
    night. Given G guests on a night, let E be the number of empty hotels. By the rule's
    semantics (an anchor raises an alert when at least one other listed person is already
    there; docs/rules.md) a hotel with j ≥ 1 guests gives j − 1 alerts, so the night gives
    A = G − (H − E) alerts. With q = 1 − 1/H, P(a given hotel is empty) = q^G, so

        E[A | G] = G − H (1 − q^G),
        Var[A | G] = Var[E] = H (H − 1) (1 − 2/H)^G + H q^G − H² q^{2G}

    (the classical occupancy variance). Nights are independent given their guest counts, so
    the expectation and variance of the total add up over nights; the observed total must lie
    within 3 standard errors (a two-sided 99.7% band under the normal approximation).
    """
    sc = scenario_from_mapping({
        "seed": 3,
        "world": {"people": 20_000, "days": 7, "geography": {"places_per_1000": PLACES}},
        "lists": [{"name": "everyone", "attributes": ["everyone"]}],
        "redlist": {"enabled": False}, "response": {"enabled": False},
        "rules": [{"name": "pair_in_hotel", "template": "gathering", "k": 2,
                   "place_kind": "hotel", "lists": ["everyone"], "detects": ["drug_deal"]}],
    })
    with open_run(simulate(null_world(sc), tmp_path / "null")) as run:
        assert run.con.execute("SELECT count(*) FROM incidents WHERE kind = 'drug_deal'"
                               ).fetchone()[0] == 0
        alerts = run.con.execute("SELECT count(*) FROM alerts").fetchone()[0]
        hotels = run.con.execute("SELECT count(*) FROM places WHERE kind = 'hotel'"
                                 ).fetchone()[0]
        guests = np.array([n for (n,) in run.con.execute("""
            SELECT count(*) FROM stays s JOIN places p ON p.place_id = s.place
            WHERE p.kind = 'hotel' GROUP BY s.start // 1440 ORDER BY s.start // 1440
            """).fetchall()], dtype=float)
    h, q = float(hotels), 1.0 - 1.0 / hotels
    expected = float((guests - h * (1 - q ** guests)).sum())
    variance = float((h * (h - 1) * (1 - 2 / h) ** guests + h * q ** guests
                      - h * h * q ** (2 * guests)).sum())
    se = np.sqrt(variance)
    assert hotels >= 20 and guests.sum() > 100  # a regime where coincidences are uncertain
    assert se > 2.0
    assert abs(alerts - expected) <= 3 * se, (alerts, expected, se)
