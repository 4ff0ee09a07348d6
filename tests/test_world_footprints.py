"""Every ground-truth incident leaves the behavioural footprint the watch could see."""

from __future__ import annotations

from custodiet.store import Run


def _count(run: Run, sql: str) -> int:
    return int(run.con.execute(sql).fetchone()[0])


def _missing(run: Run, kind: str, condition: str) -> tuple[int, int]:
    """(incidents of ``kind``, those of them for which ``condition`` fails)."""
    total = _count(run, f"SELECT count(*) FROM incidents WHERE kind = '{kind}'")
    missing = _count(run, f"SELECT count(*) FROM incidents i WHERE kind = '{kind}' "
                          f"AND NOT ({condition})")
    return total, missing


def _at(place: str = "i.place", person: str = "i.persons[1]") -> str:
    return (f"EXISTS (SELECT 1 FROM stays s WHERE s.person = {person} AND s.place = {place} "
            f"AND s.start <= i.t AND i.t < s.\"end\")")


def test_petition_trip_has_a_ticket_to_the_capital_or_goes_by_road_and_a_stay_there(
        busy_run: Run) -> None:
    total, missing = _missing(busy_run, "petition_trip", f"""
        (EXISTS (SELECT 1 FROM tickets k JOIN places p ON p.place_id = k.destination
                 WHERE k.person = i.persons[1] AND p.kind = 'capital' AND k.depart = i.t
                   AND k.t < i.t)
         OR EXISTS (SELECT 1 FROM trips tr WHERE tr.person = i.persons[1] AND tr.depart = i.t
                    AND tr.mode = 'road' AND tr.petition))
        AND {_at()} AND i.lawful""")
    assert total > 0 and missing == 0


def test_protesters_are_all_at_a_park_or_government_building_together(busy_run: Run) -> None:
    total, missing = _missing(busy_run, "protest", """
        len(i.persons) >= 2 AND i.lawful AND
        (SELECT count(*) FROM stays s JOIN places p ON p.place_id = s.place
         WHERE list_contains(i.persons, s.person) AND s.place = i.place
           AND p.kind IN ('park', 'government')
           AND s.start <= i.t AND i.t < s."end") = len(i.persons)""")
    assert total > 0 and missing == 0


def test_school_violence_is_a_stay_at_a_school_not_ones_own(busy_run: Run) -> None:
    total, missing = _missing(busy_run, "school_violence", f"""
        {_at()} AND NOT i.lawful AND len(i.persons) = 1
        AND (SELECT kind FROM places WHERE place_id = i.place) = 'school'
        AND (SELECT work_place FROM persons WHERE person_id = i.persons[1]) <> i.place""")
    assert total > 0 and missing == 0


def test_drug_deal_puts_buyer_and_dealer_in_one_hotel_at_once(busy_run: Run) -> None:
    total, missing = _missing(busy_run, "drug_deal", f"""
        {_at(person='i.persons[1]')} AND {_at(person='i.persons[2]')} AND NOT i.lawful
        AND (SELECT kind FROM places WHERE place_id = i.place) = 'hotel'
        AND (SELECT role FROM person_truth WHERE person_id = i.persons[2]) = 'dealer'
        AND (SELECT drug_use FROM person_truth WHERE person_id = i.persons[1])""")
    assert total > 0 and missing == 0


def test_pickpocketing_happens_during_a_long_station_stay(busy_run: Run) -> None:
    total, missing = _missing(busy_run, "pickpocket", f"""
        {_at()} AND (SELECT kind FROM places WHERE place_id = i.place) = 'station'
        AND (SELECT role FROM person_truth WHERE person_id = i.persons[1]) = 'pickpocket'
        AND (SELECT "end" - start FROM stays s WHERE s.person = i.persons[1]
             AND s.place = i.place AND s.start <= i.t AND i.t < s."end") >= 60""")
    assert total > 0 and missing == 0


def test_illegal_work_is_a_permitless_foreigner_at_a_language_school_or_bar(busy_run: Run) -> None:
    total, missing = _missing(busy_run, "illegal_work", f"""
        {_at()} AND (SELECT kind FROM places WHERE place_id = i.place)
                    IN ('language_school', 'bar')
        AND (SELECT "foreign" AND NOT work_permit FROM persons WHERE person_id = i.persons[1])""")
    assert total > 0 and missing == 0


def test_recruiting_brings_a_companion_into_a_compound(busy_run: Run) -> None:
    total, missing = _missing(busy_run, "pyramid_recruit", f"""
        len(i.persons) = 2 AND {_at(person='i.persons[1]')} AND {_at(person='i.persons[2]')}
        AND (SELECT kind FROM places WHERE place_id = i.place) = 'compound'
        AND (SELECT role FROM person_truth WHERE person_id = i.persons[1]) = 'recruiter'""")
    assert total > 0 and missing == 0


def test_burglar_is_in_someone_elses_home(busy_run: Run) -> None:
    total, missing = _missing(busy_run, "burglary", f"""
        {_at()} AND (SELECT home_place FROM persons WHERE person_id = i.persons[1]) <> i.place
        AND (SELECT kind FROM places WHERE place_id = i.place) = 'home'""")
    assert total > 0 and missing == 0


def test_sham_spouses_live_apart_and_rarely_spend_a_night_together(busy_run: Run) -> None:
    total, missing = _missing(busy_run, "sham_marriage", """
        EXISTS (SELECT 1 FROM ties t WHERE t.kind = 'spouse'
                AND t.a = least(i.persons[1], i.persons[2])
                AND t.b = greatest(i.persons[1], i.persons[2]))
        AND (SELECT household_id FROM persons WHERE person_id = i.persons[1])
            <> (SELECT household_id FROM persons WHERE person_id = i.persons[2])""")
    assert total > 0 and missing == 0


def test_crowded_rental_is_a_household_of_migrants_at_the_crowded_size(busy_run: Run) -> None:
    size = busy_run.manifest["scenario"]["world"]["households"]["crowded_size"]
    total, missing = _missing(busy_run, "crowded_rental", f"""
        len(i.persons) = {size}
        AND (SELECT count(*) FROM persons p WHERE p.household_id = i.place AND p.migrant
             AND list_contains(i.persons, p.person_id)) = {size}""")
    assert total > 0 and missing == 0


def test_lawful_flag_marks_exactly_petitions_and_protests(busy_run: Run) -> None:
    rows = busy_run.con.execute(
        "SELECT kind, bool_and(lawful), bool_or(lawful) FROM incidents GROUP BY kind").fetchall()
    for kind, all_lawful, any_lawful in rows:
        assert all_lawful == any_lawful == (kind in {"petition_trip", "protest"}), kind
