"""Everything a simulated day does, declared once, in the order it runs.

:data:`BEHAVIOURS` are the day's steps; each reads the day's context
(:class:`custodiet.world._context.Day`) and fills its buffers, so a step sees what the steps
before it decided (trips need the groups' petitions; outings need who works; the night needs
the outings' end; travel and custody override the ordinary day; stays close the schedule).
:data:`OUTINGS` is the priority chain of outing kinds: a person goes on the first kind that
claims them, so a kind earlier in the chain wins over a later one.

The order of draws never matters (every person's draw is keyed by its decision's name, see
:mod:`._crn`); the order of steps does, and so does the order of the chain.
"""

from __future__ import annotations

from functools import partial

from custodiet.world._calls import calls
from custodiet.world._context import Behaviour, OutingKind, Role
from custodiet.world._gatherings import gatherings, group_events
from custodiet.world._incidents import burglaries, pickpockets, recruiting, standing
from custodiet.world._meters import meters
from custodiet.world._nights import nights
from custodiet.world._outings import leisure, outings
from custodiet.world._phones import phone_off, switch_off
from custodiet.world._school import school_violence
from custodiet.world._stays import stays
from custodiet.world._travel import move, new_trips
from custodiet.world._work import schedule, work

OUTINGS: tuple[OutingKind, ...] = (
    OutingKind("gathering", Role.CROWD, gatherings),  # a group's event, else a protest
    OutingKind("pyramid_recruit", Role.ALONG, recruiting),
    OutingKind("school_violence", Role.ALONE, school_violence),
    OutingKind("pickpocket", Role.ALONE, pickpockets),
    OutingKind("burglary", Role.ALONE, burglaries),
    OutingKind("leisure", Role.ORDINARY, leisure),
)
"""The outing kinds in priority order (see :mod:`._outings`)."""

BEHAVIOURS: tuple[Behaviour, ...] = (
    Behaviour("group_events", group_events),  # what the grievance groups do today
    Behaviour("new_trips", new_trips),  # trips decided (tickets), a group's petition too
    Behaviour("schedule", schedule),  # everyone's ordinary slots
    Behaviour("work", work),  # who works (illegal work), the outing's default start
    Behaviour("outings", partial(outings, chain=OUTINGS)),  # one outing each, by priority
    Behaviour("nights", nights),  # where everyone sleeps (drug deals)
    Behaviour("standing", standing),  # sham marriages, crowded rentals (day 0)
    Behaviour("move", move),  # departures, returns, days away and in custody
    Behaviour("switch_off", switch_off),  # phones switched off today
    Behaviour("stays", stays),  # the schedule closed into stays
    Behaviour("calls", calls),
    Behaviour("phone_off", phone_off),  # spells that ended today
    Behaviour("meters", meters),  # water and power per household
)
"""The day's steps in the order they run (see :meth:`custodiet.world.World.step`)."""
