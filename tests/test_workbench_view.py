"""The workbench's before/after table and lift sentence: the figure a rule moves is in the
table (for the digital whistle, the share of alerts finding a crowded rental), and a figure
with nothing behind it says why instead of "undefined"."""

from __future__ import annotations

from custodiet.workbench._view import before_after, lift_text


def _answer(alerts: int, true: int, status: float | None = None, status_alerts: int = 0,
            lift: float | None = None, chance: float | None = 0.0) -> dict:
    return {"metrics": {"alerts": alerts, "alerts_per_day": alerts / 7, "true_alerts": true,
                        "precision": true / alerts if alerts else None,
                        "innocents_per_true_alert": 3.0 if true else None,
                        "persons_flagged": alerts, "innocents_flagged": alerts - true,
                        "status_precision": status, "status_alerts": status_alerts},
            "lift": lift, "lift_low": None, "lift_high": None, "chance_precision": chance}


def test_a_status_rule_compares_the_share_finding_a_status() -> None:
    rows = before_after(_answer(100, 0, 0.04, 4), _answer(900, 0, 0.05, 45))
    labels = [r[0] for r in rows]
    assert "Alerts finding an administrative status" in labels
    status = rows[labels.index("Alerts finding an administrative status")]
    assert status[1:] == ("4.0% (4 alerts)", "5.0% (45 alerts)")
    innocents = rows[labels.index("Innocents per true alert")]
    assert innocents[1:] == ("none: no true alert", "none: no true alert")
    assert rows[labels.index("Lift over chance")][1:] == ("not known", "not known")


def test_a_rule_claiming_no_status_gets_no_status_row() -> None:
    rows = before_after(_answer(100, 10, lift=2.0, chance=0.05),
                        _answer(50, 10, lift=4.0, chance=0.05))
    assert "Alerts finding an administrative status" not in [r[0] for r in rows]
    assert ("Lift over chance", "2.00×", "4.00×") in rows


def test_lift_with_nothing_found_on_either_side_says_so() -> None:
    text = lift_text(_answer(100, 0))
    assert text.startswith("not known: neither its alerts nor")
    assert "undefined" not in text


def test_the_map_says_why_no_alert_is_drawn() -> None:
    from custodiet.workbench._answer import CityMap
    from custodiet.workbench._view import map_note

    def answer(alerts: int, suppressed: int, drawn: list[tuple]) -> dict:
        return {"metrics": {"alerts": alerts}, "days": 7, "redlist": {"suppressed": suppressed},
                "map": CityMap({"alerts": drawn})}

    assert map_note(answer(0, 0, [])).startswith("No alert of this rule fell in the city in "
                                                 "7 days: the map shows")
    assert "(the red list suppressed its 3)" in map_note(answer(0, 3, []))
    assert map_note(answer(5, 0, [("r", 1.0, 2.0, 3), ("r", 4.0, 5.0, 2)])) == \
        "Where its 5 alerts fall, and who they name, by group."
    assert "(2 at places outside the city's districts, not drawn)" in \
        map_note(answer(5, 0, [("r", 1.0, 2.0, 3)]))
