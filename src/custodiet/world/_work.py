"""The ordinary day's frame: everyone's slots drawn (wake and sleep at home), then who goes to
work or school (and is home after it), and when an outing starts by default."""

from __future__ import annotations

import numpy as np

from custodiet.world._context import Day
from custodiet.world._day import AFTER_WORK, ERRAND, ERRAND_AFTER_WORK, ERRAND_FREE, WORK, Schedule
from custodiet.world._incidents import illegal_work
from custodiet.world._population import ROLE


def schedule(day: Day) -> None:
    """The behaviour: every person's ordinary slots for the day (``day.plan``)."""
    day.plan = Schedule.ordinary(day.city, day.draws)


def work(day: Day) -> None:
    """The behaviour: who works today (``day.works``: free on a weekday with a workplace, and
    employed, at school or working without a permit), at work then home after it; and each
    person's default outing start (after work, or any time of a free day)."""
    city, plan, draws, status = day.city, day.plan, day.draws, day.status
    people = city.people
    illegal = people.role == ROLE["illegal_worker"]
    works = (status.free & ~status.weekend & (people.work_place >= 0)
             & (people.employed | people.student | illegal))
    works = illegal_work(day, works)
    at_work = np.flatnonzero(works)
    plan.place[at_work, WORK] = people.work_place[at_work]
    plan.place[at_work, AFTER_WORK] = city.home[at_work]
    plan.start[:, ERRAND] = np.where(works, draws.integers("errand_after_work",
                                                           *ERRAND_AFTER_WORK),
                                     draws.integers("errand_free", *ERRAND_FREE))
    day.works = works
