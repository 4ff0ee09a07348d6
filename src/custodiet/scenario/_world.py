"""The ``[world]`` part of a scenario: every size, share and rate of the synthetic city.

Each default says where it comes from: a cited statistic, or plainly "assumption". Shares are
in [0, 1], rates are per person (or per place) per day unless the name says otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from custodiet.scenario._deterrence import ACTS, LAWFUL_ACTS, Deterrence
from custodiet.scenario._fields import STRICT, Minutes, Positive, Rate, Share, _check_sums_to_one
from custodiet.scenario._people import _GROUP_NAMES, History, Population

__all__ = [
    "ACTS", "LAWFUL_ACTS", "Deterrence", "Minutes", "Positive", "Rate", "Share", "WorldConfig",
]


class _Strict(BaseModel):
    """Unknown keys are an error, values are validated on assignment too."""

    model_config = STRICT


class Households(_Strict):
    """How people share homes."""

    size_shares: list[Share] = [0.2539, 0.2970, 0.2099, 0.1317, 0.0619, 0.0456]
    """Households of 1, 2, 3, 4, 5, 6 persons: census 2020 household-size shares (6 = 6 or more)."""
    migrant_crowded_share: Share = 0.3
    """Share of (registered) migrants living in crowded shared rentals: assumption. For
    comparison: in Beijing "For every 1,450 units leased, 270 of them were used for group
    rentals" (Beijing Housing and Urban-Rural Development Commission, 2013, en.people.cn/90882/
    8332694), a fifth of rented flats, each holding more tenants than others."""
    crowded_size: Annotated[int, Field(ge=2)] = 4
    """Registered residents of a crowded shared rental (the persons records know). Bounded: a
    group rental holds four to eight ("two-bedroom and three-bedroom apartments, with each
    containing four to eight tenants", 5i5j Beijing rental report 2010, china.org.cn 2011-01-10;
    "25 people were found living in an 80-square-meter apartment", 2013, en.people.cn/90882/
    8332694); the default sits at the low end (assumption inside the bound)."""
    unregistered_occupants_mean: Rate = 4.0
    """Mean occupants of a crowded rental beyond its registered residents (Poisson per rental),
    who use water and power but appear in no record (NYT-10: migrant workers living together
    beyond their registration), about twice the registered number. Bounded: with
    ``crowded_size`` 4 the mean rental holds 8, the top of the usual four to eight tenants
    ("each containing four to eight tenants", 5i5j Beijing rental report 2010, china.org.cn
    2011-01-10), far below the worst found ("25 people ... in an 80-square-meter apartment",
    2013); the default sits within (assumption inside the bound)."""
    compound_size: Annotated[int, Field(ge=1)] = 200
    """Households per residential compound. Bounded: "Communities are generally organized around
    a territory consisting of 100 to 700 households" (wikimili.com/en/Residential_community, the
    urban shequ); the default sits within (assumption inside the bound)."""

    @model_validator(mode="after")
    def _valid(self) -> Households:
        _check_sums_to_one(self.size_shares, "size_shares")
        return self


class Geography(_Strict):
    """A square city divided into a grid of districts."""

    density_per_km2: Positive = 8000.0
    """Persons per square kilometre of built-up area. Bounded: between the national average of
    urban areas ("Population Density of Urban Area (persons/sq.km) ... National Total ... 2080",
    NBS yearbook 2009 table 10-6, stats.gov.cn) and a capital's core ("roughly 20,000 residents
    per square kilometer are living in the two central city districts" of Beijing, a Statista
    description at datasetsearch.research.google.com);
    the default sits within (assumption inside the bound)."""
    districts_per_side: Annotated[int, Field(ge=1, le=64)] = 4
    """The city is a ``districts_per_side`` × ``districts_per_side`` grid of districts
    (structural: the grid of the model)."""
    segregation: Share = 0.3
    """Share of minority and migrant households placed in their group's enclave districts instead
    of anywhere: assumption (0 = evenly spread, 1 = fully concentrated)."""
    places_per_1000: dict[str, Rate] = {
        "work": 25.0, "school": 0.4, "hotel": 0.23, "park": 0.1, "station": 0.01, "bar": 0.3,
        "language_school": 0.05, "government": 0.02, "police": 0.02,
    }
    """Places per 1,000 persons (at least one of each): schools from ~530k schools for 1.41
    billion ("China has 530,000 schools", ecns.cn 2022-10-13); hotels 0.23 from "317,476
    hotels" (of 15 rooms or more) among "457,834 accommodation facilities" at the end of 2017
    (chinatravelnews.com/article/123802) for 1.39 billion; the rest assumption."""
    out_of_town_destinations: Annotated[int, Field(ge=1)] = 5
    """Destinations outside the city besides the capital (structural: the model's map)."""
    checkpoint_capital_share: Share = 0.5
    """Chance that a road trip to the capital passes a checkpoint that reads ID cards (the
    ``checkpoints`` table): assumption."""
    checkpoint_other_share: Share = 0.1
    """Chance that a road trip elsewhere passes an ID checkpoint: assumption."""


class Behaviour(_Strict):
    """Ordinary days: the look-alike activity that innocent people produce."""

    park_visit_rate: Rate = 0.08
    """Park visits per person per day: assumption."""
    bar_visit_rate: Rate = 0.04
    """Bar visits per adult per day: assumption."""
    friend_visit_rate: Rate = 0.05
    """Visits to a friend's residential compound per person per day: assumption."""
    language_school_visit_rate: Rate = 0.005
    """Visits to a language school per person per day (classes): assumption."""
    station_visit_rate: Rate = 0.01
    """Station visits without travel (meeting someone, shopping) per person per day: assumption."""
    station_dwell_minutes: Minutes = 30.0
    """Mean minutes at a station for a traveller or visitor (exponential, long tail): assumption."""
    hotel_night_rate: Rate = 0.002
    """Nights in a city hotel per person per night (friends, couples, guests). Bounded: at most
    0.024, every guest room full with two guests ("16,770,394 guest rooms" at the end of 2017,
    chinatravelnews.com/article/123802, for 1.39 billion people), most of them visitors from
    elsewhere; the default sits within (assumption inside the bound)."""
    trip_rate: Rate = 0.004
    """Trips out of the city per person per day. Bounded: at most about 0.012, all domestic
    tourism ("6 billion trips in 2019", Ministry of Culture and Tourism, en.people.cn/n3/2020/
    0621; "every Chinese person made 3.7 trips" in 2017, 0.010 a day), which also counts day
    trips within a prefecture; the default sits within (assumption inside the bound)."""
    trip_capital_share: Share = 0.15
    """Share of ordinary trips that go to the capital: assumption. For comparison, the capital
    drew about 6% of domestic tourist trips ("It received 281 million domestic tourists" in
    2016, govt.chinadaily.com.cn 201712/01, against "about 4.4 billion trips" nationwide, China
    Daily 2017-08-28). Kept at 0.15, 2.5 times that figure: the 6% counts every tourist trip
    the capital received (its own residents' and day trips included) against all of the
    country's, and nothing read gives the share of one city's overnight travellers; and at
    0.06 ``default`` hardly moves (20,000 × 7, two cities: 2,571 alerts against 2,561.5, 223
    innocent people flagged against 217.5, precision 5.0% against 4.9%; docs/sensitivity.md)."""
    trip_days_mean: Positive = 3.0
    """Mean length of a trip in days (geometric): assumption. For comparison, holiday tourists
    "stay an average of 2.25 days in their destinations" (Ministry of Culture and Tourism, May
    Day 2019, four-day holiday)."""
    cash_ticket_share: Share = 0.1
    """Share of ordinary tickets paid in cash. Bounded: at most 0.4, the tickets not sold
    online (cash is paid only at a window or an agent): of the 2016 Spring Festival rush's
    tickets, those sold on the railway's booking site 12306 "販売総量の60%を占め" (made up 60%
    of all sold; People's Daily, j.people.com.cn/n/2015/1217/c94475-8992011.html, 2015-12-17),
    a share that has risen "毎年" (every year) since online sales began in 2011; the default
    sits within (assumption inside the bound)."""
    road_trip_share: Share = 0.3
    """Share of trips (ordinary, and petitions without evasion) made by car or with a driver:
    no ID-registered ticket, only road checkpoints on some routes may see them. Bounded: at most
    0.91, the road share of the Spring Festival rush ("3.4 billion trips ... 3.1 billion trips
    will be made in private cars or buses", Ministry of Transport forecast 2013, chinadaily
    2013-02-15), buses included; the default sits within (assumption inside the bound)."""
    calls_per_day: Rate = 3.0
    """Mean calls a person makes per day (Poisson): assumption."""
    out_of_town_call_share: Share = 0.05
    """Share of calls to out-of-town numbers: assumption."""
    new_number_share: Share = 0.1
    """Share of out-of-town calls to a number never called before: assumption."""
    phone_off_rate: Rate = 0.02
    """Phone-off spells per person per day (battery, flights, sleep mode): assumption."""
    phone_off_minutes: Minutes = 120.0
    """Mean length of a phone-off spell (exponential): assumption."""
    friends_mean: Rate = 5.0
    """Mean friends per person (Poisson, mostly within the district): assumption."""
    kin_households: Rate = 2.0
    """Kin households linked to each household: assumption."""
    coworkers: Annotated[int, Field(ge=0)] = 4
    """Coworker ties per worker, drawn within the workplace: assumption."""
    water_litres_per_person: Positive = 120.0
    """Household water per resident per day: assumption. Published for comparison, somewhat
    higher: "the living water consumption of urban residents reached the peak of 153.5
    liter/(person per day)" in 2001 and "dropped to 130.5 liter/(person per day) in 2008"
    (ccprjournal.com.cn/news/8821). Kept at 120: the water rule compares a household's reading
    per resident with its district's mean or its own past (the ``anomaly`` template), so the
    level cancels: at 130.5 every reading grows by the same 9% and no alert moves."""
    power_kwh_per_person: Positive = 2.5
    """Household power per resident per day: assumption. Published for comparison, lower: "869.5
    TWh was consumed by the residential segment" in 2017 (National Energy Administration,
    sxcoal.com/news/4567574), 1.7 kWh per person per day over town and country."""
    utility_noise_sd: Annotated[float, Field(ge=0.0)] = 0.25
    """Standard deviation of the log of daily meter noise: assumption."""
    household_use_sd: Annotated[float, Field(ge=0.0)] = 0.3
    """Standard deviation of the log of a household's lasting use factor (habits, appliances,
    a garden), drawn once: assumption. Heavy users are the crowded rental's look-alikes."""
    water_seasonal_amplitude: Share = 0.15
    """Relative swing of water use over the year, highest in mid-July: assumption."""
    power_seasonal_amplitude: Share = 0.3
    """Relative swing of power use over the year, highest in mid-January and mid-July (heating
    and cooling): assumption."""
    weekend_use_factor: Positive = 1.1
    """Household use on Saturdays and Sundays relative to weekdays (people at home): assumption."""
    married_share: Share = 0.75
    """Share of households with two adults whose first two are a married couple: assumption."""
    apart_couples_share: Share = 0.01
    """Married couples who live apart for ordinary reasons (work, care): assumption."""
    apart_night_together_rate: Share = 0.3
    """Nights an ordinary apart couple spends together (at one's home): assumption."""
    sham_night_together_rate: Share = 0.03
    """Nights a sham couple spends together: assumption."""
    festival_night_together_rate: Share = 0.9
    """Nights of the Spring Festival an ordinary apart couple spends together (NYT-13: couples
    spend the holiday together; a sham couple keeps its usual rate): assumption."""
    festival_home_share: Share = 0.6
    """Share of migrants who go home (a trip out of town) for the Spring Festival, leaving one
    to three days before it and coming back one or two days after. Bounded: between 0.45 ("the
    proportion of workers returning home in 2021 is lower during the Spring Festival (45%)",
    Zhejiang mobile signalling, zjujournals.com soc abstract62930, a year of "staying put") and
    1; in the most migrant city most residents leave ("Nearly 70 percent of the city's
    residents left Dongguan", 360 Big Data Center, China Daily 2017-02-03). The default
    sits within (assumption inside the bound)."""
    companion_visit_share: Share = 0.3
    """Share of friend visits made together with another friend: assumption."""
    foreign_language_work_share: Share = 0.7
    """Share of working foreigners employed at language schools or bars: assumption. For
    comparison, "of the 400,000 foreign citizens teaching in the country, only one-third had a
    valid work permit" (Administration of Foreign Experts Affairs, 2017, sixthtone.com/news/
    1004550), teaching of every kind, against 845,697 foreigners in the 2020 census."""


class Incidents(_Strict):
    """Latent processes that produce what surveillance systems claim to look for."""

    petition_rate: Share = 0.01
    """Daily chance that a person with a grievance leaves to petition in the capital: assumption.
    For comparison, "The total number of visits to all the appeals offices at the Central
    Government level is estimated to be over one million in the past year" (chinascope.org/
    archives/4203, of the mid-2000s), about 0.0008 a resident a year; at the defaults
    (``grievance_share`` 0.01) a city sends about 0.04 petition trips a resident a year, some
    45 times as many: generous to the petition rules, whose precision rises with it."""
    anti_reconnaissance: Share = 0.3
    """Share of petition trips with evasion: phone off, cash, decoy tickets (NYT-12): assumption."""
    evasive_road_share: Share = 0.5
    """Share of evasive petition trips made with a private driver or a changed vehicle (NYT-12:
    people who "regularly change vehicles"): no ticket, only decoys: assumption."""
    protest_rate_per_100k: Rate = 0.05
    """Protests per day per 100,000 residents. Bounded: at least the official count of "mass
    incidents" ("an annual total of 80,000–100,000 mass incidents nationwide",
    thechinastory.org yearbook 2013; "74,000 in 2004, 87,000 in 2005"), 0.017-0.021 a day per
    100,000, which leaves out what is never reported; the default sits above it (assumption
    inside the bound)."""
    protest_size: Annotated[tuple[int, int], Field()] = (4, 12)
    """Smallest and largest number of protesters: assumption."""
    grievance_group_share: Share = 0.8
    """Share of fraud victims and parties to a land dispute who belong to a grievance group that
    meets, protests and petitions together (NYT-4, NYT-17): assumption."""
    grievance_group_protest_history: Share = 0.5
    """Share of a grievance group's members who have protested with it before: a protest history
    (recorded at the protest-history recording rate), the record NYT-4's rule reads ("four
    people with a history of protest"). A group that protests together leaves a shared record:
    assumption."""
    grievance_group_size: Annotated[float, Field(ge=2.0)] = 15.0
    """Mean members of a grievance group (2 + Poisson): assumption. Fraud victims group across
    the city, land disputes within a district."""
    group_meeting_rate: Rate = 0.1
    """Meetings per grievance group per day, at the group's park (planning; lawful, no
    incident): assumption."""
    group_protest_rate: Rate = 0.025
    """Protests per grievance group per day: assumption, chosen so a city of 200,000 sees about
    two dozen protests in two weeks (about 300 a month per million residents, counting small
    sit-ins of a few members, which official "mass incident" counts leave out: 80,000-100,000 a
    year nationwide, about 6 a month per million, see ``protest_rate_per_100k``)."""
    protest_government_share: Share = 0.5
    """Share of group protests held at a government building (the rest at the group's park):
    assumption."""
    group_petition_rate: Rate = 0.005
    """Group petitions (members travel to the capital together) per grievance group per day:
    assumption."""
    group_turnout: Share = 0.6
    """Chance that a member free that day joins the group's meeting, protest or petition:
    assumption."""
    drug_deal_rate: Share = 0.02
    """Daily chance that a drug user buys from a dealer in a hotel: assumption."""
    drug_call_rate: Rate = 0.3
    """Daily calls a drug user makes to a new out-of-town number (NYT-6's footprint): assumption."""
    dealer_share: Share = 0.0003
    """Dealers among residents (drawn from people with true drug use first). Bounded: at least
    those caught in a year ("65,000 suspects were captured" in drug cases in 2023, 0.005%,
    chinadailyhk.com/hk/article/586138; "133,000 suspects" in 2012, 0.01%, China Daily
    2013-06-26); the default sits above (assumption inside the bound)."""
    pickpocket_share: Share = 0.0002
    """Pickpockets among residents. Bounded: the thefts they commit (``pickpocket_day_share``
    × ``thefts_per_visit``, 36 a year per 1,000 residents at the defaults) are at least as many
    as registered larceny of every kind ("Larceny 3888579" cases in 2009, 2.9 a year per 1,000,
    NBS yearbook 2010 table 22-11), since most thefts are never registered; the default sits
    above that floor, twelve times it: generous (assumption inside the bound)."""
    pickpocket_day_share: Share = 0.5
    """Share of days a pickpocket works a station: assumption."""
    pickpocket_dwell_minutes: Minutes = 180.0
    """Mean minutes a pickpocket lingers at a station: assumption."""
    thefts_per_visit: Rate = 1.0
    """Mean thefts per pickpocket station visit (Poisson): assumption."""
    illegal_work_share: Share = 0.8
    """Share of foreigners without a permit who work anyway (language schools, bars). Bounded:
    at least a third: "of the 400,000 foreign citizens teaching in the country, only one-third had
    a valid work permit" (Administration of Foreign Experts Affairs, 2017, sixthtone.com/news/
    1004550), about 267,000 working without one, against 845,697 foreigners in all (census
    2020); the default sits within (assumption inside the bound)."""
    recruiter_share: Share = 0.0001
    """Pyramid-scheme recruiters among residents. Bounded: at least those arrested in a year
    ("China arrested more than 16,000 people suspected of involvement in pyramid selling in
    2006", Ministry of Public Security, china.org.cn), 0.001%; the default sits above
    (assumption inside the bound)."""
    recruit_visit_rate: Rate = 0.7
    """Compound visits with a new companion per recruiter per day: assumption."""
    sham_marriage_share: Share = 0.002
    """Sham marriages among married couples (spouses live apart): assumption."""
    burglar_share: Share = 0.0002
    """Burglars among residents. Bounded: their burglaries (``burglary_rate``, 7 a year per
    1,000 residents at the defaults) are at least a part of registered larceny ("Larceny
    3888579" cases in 2009, 2.9 a year per 1,000, NBS yearbook 2010 table 22-11), most thefts
    never being registered; the default sits above that floor (assumption inside the bound)."""
    burglary_rate: Rate = 0.1
    """Burglaries per burglar per day: assumption."""
    school_violence_rate: Rate = 1e-6
    """Violent incidents at a school (an assault, a threat with a weapon) per adult per day, by
    someone who neither studies nor works there: assumption, generous (about 300 a year per
    million adults) so that NYT-8's near-school rule has something it can honestly claim. For
    comparison, courts tried "over 1,000 cases involving violent crimes on campuses" in 2015,
    with students as defendants (China Justice Big Data Institute, China Daily 2018-09-08),
    about one a year per million adults."""
    school_violence_mental_illness_factor: Annotated[float, Field(ge=0.0)] = 1.0
    """Factor on ``school_violence_rate`` for people with a serious mental illness: assumption,
    no higher than anyone's (people with serious mental illness are more often victims than
    perpetrators of violence); sweep it to see what the near-school rule would need. Published
    odds of violent crime with schizophrenia are higher, 1.2 to 3.6 ("Fazel et al. (2009) ...
    Schizophrenia / 1.2", "Räsänen et al. (1998) ... 3.6", table 1 of PMC6852683), so the
    default favours the rule's targets. Kept at 1 against those odds: they are for violent
    crime of every kind and place, while this factor is for violence at a school by someone
    who neither studies nor works there, for which nothing was read, and it multiplies a rate
    already set about 300 times the court count. At 3.6 the near-school rule's precision odds
    would grow at most 3.6-fold (Bayes' rule: its targets commit 3.6 times as much)."""
    sham_marriages: bool = True
    """Whether the couples drawn as sham marriages (``sham_marriage_share``) are shams. False:
    the same couples, living apart and seldom meeting for ordinary reasons, and no incident (the
    strict null world): the city itself is unchanged. A switch, on by default (assumption: the
    shams exist)."""
    crowded_rentals_unlawful: bool = True
    """Whether a crowded shared rental is an offence (an incident). False: the same households,
    lawful (the strict null world): the city itself is unchanged. A switch, on by default
    (assumption: the law as it stands)."""
    behaviour_multiplier: dict[str, float] = {}
    """Per group (``minority``, ``migrant``, ``foreign``, ``low_ses``, ``official``): a factor on
    every incident rate and share. Default: none, true behaviour is the same in every group (the
    neutral assumption); officials too do what everyone does at the same rates (NYT-16), so the
    red list hides real incidents unless ``official`` is set below 1."""

    @model_validator(mode="after")
    def _valid(self) -> Incidents:
        lo, hi = self.protest_size
        if not 2 <= lo <= hi:
            raise ValueError("protest_size must be [smallest, largest], 2 <= smallest <= largest")
        for key, value in self.behaviour_multiplier.items():
            if key not in _GROUP_NAMES:
                raise ValueError(f"behaviour_multiplier has an unknown group {key!r}")
            if value < 0:
                raise ValueError(f"behaviour_multiplier.{key} must be >= 0")
        return self


#: Acts (incident kinds that are not standing states): what deterrence can lower.
class WorldConfig(_Strict):
    """Sizes of the run and every parameter of the city."""

    people: Annotated[int, Field(ge=1)] = 100_000
    """Residents of the synthetic city (structural: a size of the run)."""
    days: Annotated[int, Field(ge=1)] = 7
    """Days simulated (structural: a size of the run)."""
    start_date: dt.date = dt.date(2026, 3, 2)
    """Calendar date of day 0 (a Monday by default); weekdays and seasons follow from it
    (structural: a setting of the run)."""
    spring_festival: tuple[dt.date, dt.date] = (dt.date(2026, 2, 15), dt.date(2026, 2, 23))
    """First and last day of the Spring Festival holiday (NYT-13): the 2026 statutory holiday
    around the lunar new year of 17 February, taken as 15-23 February: assumption for runs in
    other years (move it with the run)."""
    population: Population = Population()
    history: History = History()
    households: Households = Households()
    geography: Geography = Geography()
    behaviour: Behaviour = Behaviour()
    incidents: Incidents = Incidents()
    deterrence: Deterrence = Deterrence()
    """How being watched lowers the rate of each act (NYT-17, NYT-18): assumption."""

    @property
    def start_weekday(self) -> int:
        """Weekday of day 0 (0 = Monday), for rules with ``weekdays``."""
        return self.start_date.weekday()

    @property
    def holiday_days(self) -> tuple[int, ...]:
        """The simulated days inside the Spring Festival holiday, for rules judged over it."""
        first = (self.spring_festival[0] - self.start_date).days
        last = (self.spring_festival[1] - self.start_date).days
        return tuple(range(max(first, 0), min(last, self.days - 1) + 1))

    @model_validator(mode="after")
    def _festival_in_order(self) -> WorldConfig:
        first, last = self.spring_festival
        if last < first:
            raise ValueError("spring_festival must be [first day, last day]")
        return self
