"""The ``[world]`` part of a scenario: every size, share and rate of the synthetic city.

Each default says where it comes from: a cited statistic, or plainly "assumption". Shares are
in [0, 1], rates are per person (or per place) per day unless the name says otherwise.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from custodiet.schema import INCIDENT_TABLE

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Minutes = Annotated[float, Field(gt=0.0)]


class _Strict(BaseModel):
    """Unknown keys are an error, values are validated on assignment too."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True,
                              use_attribute_docstrings=True)


def _check_sums_to_one(values: list[float], name: str, tol: float = 1e-6) -> None:
    total = float(sum(values))
    if abs(total - 1.0) > tol:
        raise ValueError(f"{name} must add up to 1 (they add up to {total:.6g})")


class Population(_Strict):
    """Who lives in the city."""

    male_share: Share = 0.5124
    """Census 2020 (7th National Population Census, communiqué no. 4): 51.24% male."""
    age_band_shares: list[Share] = [0.1795, 0.6335, 0.1870]
    """Shares aged 0-14, 15-59, 60+: census 2020 communiqué no. 5 (17.95%, 63.35%, 18.70%)."""
    minority_share: Share = 0.0889
    """Ethnic minorities: 8.89% of the population, census 2020 communiqué no. 4."""
    migrant_share: Share = 0.266
    """Floating population 375.8 million of 1.41 billion (26.6%), census 2020 communiqué no. 7."""
    foreign_share: Share = 0.0006
    """845,697 foreigners in mainland China (0.06%), census 2020 communiqué."""
    work_permit_share: Share = 0.7
    """Share of foreigners of working age holding a work permit: assumption."""
    employment_rate: Share = 0.65
    """Share of 15-59 year olds at a workplace on weekdays: assumption (urban LFPR ~0.66)."""
    school_enrolment: Share = 0.98
    """Share of 6-18 year olds at school: assumption (near-universal compulsory education)."""
    ses_shares: list[Share] = [0.4, 0.45, 0.15]
    """Socio-economic status low / middle / high: assumption."""
    migrant_low_ses_share: Share = 0.6
    """Share of migrants of low status (instead of ``ses_shares[0]``): assumption."""
    official_share: Share = 0.005
    """Civil servants, about 7.2 million of 1.41 billion (0.5%): assumption from public figures."""

    @model_validator(mode="after")
    def _shares_add_up(self) -> Population:
        _check_sums_to_one(self.age_band_shares, "age_band_shares")
        _check_sums_to_one(self.ses_shares, "ses_shares")
        if len(self.age_band_shares) != 3:
            raise ValueError("age_band_shares needs 3 values (0-14, 15-59, 60+)")
        if len(self.ses_shares) != 3:
            raise ValueError("ses_shares needs 3 values (low, middle, high)")
        return self


class History(_Strict):
    """True prevalence of each history, and how often the records know of it."""

    mental_illness: Share = 0.013
    """Lifetime prevalence of schizophrenia (0.7%) and bipolar disorder (0.6%): Huang et al., Lancet
    Psychiatry 2019 (China Mental Health Survey)."""
    drug_use: Share = 0.004
    """1.8 million registered drug users in 2020 (0.13%, China Drug Situation Report 2020), about a
    third of true use: assumption."""
    criminal_record: Share = 0.02
    """Assumption."""
    petition_history: Share = 0.005
    """Assumption."""
    protest_history: Share = 0.002
    """Assumption."""
    hiv: Share = 0.00075
    """About 1.05 million people living with HIV at the end of 2020 (China CDC): 0.075%."""
    recording_rate: dict[str, Share] = {
        "mental_illness": 0.5, "drug_use": 0.35, "criminal_record": 1.0,
        "petition_history": 0.9, "protest_history": 0.8, "hiv": 0.8,
    }
    """Probability that a true history is in the records: assumption (drug use from the ratio
    of registered to estimated users)."""
    recording_multiplier: dict[str, float] = {}
    """Per group (``minority``, ``migrant``, ``foreign``, ``low_ses``): a factor on every recording
    rate, e.g. where police patrol more. Default: none, the same rate for everyone (the neutral
    assumption)."""
    grievance_share: Share = 0.01
    """Share with a grievance (a fraud, a land dispute, a tragedy): assumption."""
    grievance_kinds: list[Share] = [0.4, 0.35, 0.25]
    """Fraud, land dispute, tragedy: assumption."""
    grievance_recording_rate: Share = 0.5
    """Probability a grievance is known to the authorities (a complaint was filed): assumption."""

    @model_validator(mode="after")
    def _valid(self) -> History:
        _check_sums_to_one(self.grievance_kinds, "grievance_kinds")
        if len(self.grievance_kinds) != 3:
            raise ValueError("grievance_kinds needs 3 values (fraud, land_dispute, tragedy)")
        for key in (*self.recording_rate, ):
            if key not in _HISTORY_NAMES:
                raise ValueError(f"recording_rate has an unknown history {key!r}")
        for key, value in self.recording_multiplier.items():
            if key not in _GROUP_NAMES:
                raise ValueError(f"recording_multiplier has an unknown group {key!r}")
            if value < 0:
                raise ValueError(f"recording_multiplier.{key} must be >= 0")
        return self


_HISTORY_NAMES = ("mental_illness", "drug_use", "criminal_record", "petition_history",
                  "protest_history", "hiv")
_GROUP_NAMES = ("minority", "migrant", "foreign", "low_ses")


class Households(_Strict):
    """How people share homes."""

    size_shares: list[Share] = [0.2539, 0.2970, 0.2099, 0.1317, 0.0619, 0.0456]
    """Households of 1, 2, 3, 4, 5, 6 persons: census 2020 household-size shares (6 = 6 or more)."""
    migrant_crowded_share: Share = 0.3
    """Share of migrants living in crowded shared rentals: assumption."""
    crowded_size: Annotated[int, Field(ge=2)] = 8
    """Persons in a crowded shared rental: assumption."""
    compound_size: Annotated[int, Field(ge=1)] = 200
    """Households per residential compound: assumption."""

    @model_validator(mode="after")
    def _valid(self) -> Households:
        _check_sums_to_one(self.size_shares, "size_shares")
        return self


class Geography(_Strict):
    """A square city divided into a grid of districts."""

    density_per_km2: Positive = 8000.0
    """Persons per square kilometre of built-up area: assumption (Chinese urban cores 5-20k)."""
    districts_per_side: Annotated[int, Field(ge=1, le=64)] = 4
    """The city is a ``districts_per_side`` × ``districts_per_side`` grid of districts."""
    segregation: Share = 0.3
    """Share of minority and migrant households placed in their group's enclave districts instead
    of anywhere: assumption (0 = evenly spread, 1 = fully concentrated)."""
    places_per_1000: dict[str, Rate] = {
        "work": 25.0, "school": 0.4, "hotel": 0.2, "park": 0.1, "station": 0.01, "bar": 0.3,
        "language_school": 0.05, "government": 0.02, "police": 0.02,
    }
    """Places per 1,000 persons (at least one of each): schools from ~530k schools for 1.41
    billion, hotels from ~280k; the rest assumption."""
    out_of_town_destinations: Annotated[int, Field(ge=1)] = 5
    """Destinations outside the city besides the capital."""


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
    """Nights in a city hotel per person per night (friends, couples, guests): assumption."""
    trip_rate: Rate = 0.004
    """Trips out of the city per person per day: assumption."""
    trip_capital_share: Share = 0.15
    """Share of ordinary trips that go to the capital: assumption."""
    trip_days_mean: Positive = 3.0
    """Mean length of a trip in days (geometric): assumption."""
    cash_ticket_share: Share = 0.1
    """Share of ordinary tickets paid in cash: assumption."""
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
    """Household water per resident per day: assumption (urban domestic use 100-200 L)."""
    power_kwh_per_person: Positive = 2.5
    """Household power per resident per day: assumption (~900 kWh/person/year residential)."""
    utility_noise_sd: Annotated[float, Field(ge=0.0)] = 0.25
    """Standard deviation of the log of daily meter noise: assumption."""
    married_share: Share = 0.75
    """Share of households with two adults whose first two are a married couple: assumption."""
    apart_couples_share: Share = 0.01
    """Married couples who live apart for ordinary reasons (work, care): assumption."""
    apart_night_together_rate: Share = 0.3
    """Nights an ordinary apart couple spends together (at one's home): assumption."""
    sham_night_together_rate: Share = 0.03
    """Nights a sham couple spends together: assumption."""
    companion_visit_share: Share = 0.3
    """Share of friend visits made together with another friend: assumption."""
    foreign_language_work_share: Share = 0.7
    """Share of working foreigners employed at language schools or bars: assumption."""


class Incidents(_Strict):
    """Latent processes that produce what surveillance systems claim to look for."""

    petition_rate: Rate = 0.01
    """Daily chance that a person with a grievance leaves to petition in the capital: assumption."""
    anti_reconnaissance: Share = 0.3
    """Share of petition trips with evasion: phone off, cash, decoy tickets (NYT-12): assumption."""
    protest_rate_per_100k: Rate = 0.05
    """Protests per day per 100,000 residents: assumption."""
    protest_size: Annotated[tuple[int, int], Field()] = (4, 12)
    """Smallest and largest number of protesters: assumption."""
    drug_deal_rate: Rate = 0.02
    """Daily chance that a drug user buys from a dealer in a hotel: assumption."""
    drug_call_rate: Rate = 0.3
    """Daily calls a drug user makes to a new out-of-town number (NYT-6's footprint): assumption."""
    dealer_share: Share = 0.0003
    """Dealers among residents: assumption (drawn from people with true drug use first)."""
    pickpocket_share: Share = 0.0002
    """Pickpockets among residents: assumption."""
    pickpocket_day_share: Share = 0.5
    """Share of days a pickpocket works a station: assumption."""
    pickpocket_dwell_minutes: Minutes = 180.0
    """Mean minutes a pickpocket lingers at a station: assumption."""
    thefts_per_visit: Rate = 1.0
    """Mean thefts per pickpocket station visit (Poisson): assumption."""
    illegal_work_share: Share = 0.8
    """Share of foreigners without a permit who work anyway (language schools, bars): assumption."""
    recruiter_share: Share = 0.0001
    """Pyramid-scheme recruiters among residents: assumption."""
    recruit_visit_rate: Rate = 0.7
    """Compound visits with a new companion per recruiter per day: assumption."""
    sham_marriage_share: Share = 0.002
    """Sham marriages among married couples (spouses live apart): assumption."""
    burglar_share: Share = 0.0002
    """Burglars among residents: assumption."""
    burglary_rate: Rate = 0.1
    """Burglaries per burglar per day: assumption."""
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
    """Per group (``minority``, ``migrant``, ``foreign``, ``low_ses``): a factor on every incident
    rate and share. Default: none, true behaviour is the same in every group (the neutral
    assumption)."""

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
ACTS: tuple[str, ...] = tuple(k.kind for k in INCIDENT_TABLE if not k.standing)
LAWFUL_ACTS: tuple[str, ...] = tuple(k.kind for k in INCIDENT_TABLE if k.lawful)


class CauseMultipliers(_Strict):
    """Multipliers on a person's daily rate of an act while they know or believe they are
    watched, one per cause (1 = no effect, 0 = the act stops); causes that hold together
    multiply. ``listed``: on a list whose existence they know of; ``camera``: a camera at their
    home (both told to the world by the runner); ``visited``: visited by the police in the last
    ``visit_memory_days`` (on top of the visit's chill); ``tie_visited``: someone they are tied
    to was visited then."""

    listed: Share = 1.0
    camera: Share = 1.0
    visited: Share = 1.0
    tie_visited: Share = 1.0


class LawfulDeterrence(CauseMultipliers):
    """Petition trips and protests: the acts the police answer first (NYT-17), so those who
    commit them have most reason to believe they are watched."""

    listed: Share = 0.6
    """Known to be on a list: petitions and protests fall to 60%. Assumption (NYT-17: political
    warnings come first; NYT-18: nobody can check how many acts a watch prevented)."""
    camera: Share = 0.8
    """A camera at home: 80%. Assumption (NYT-18)."""
    visited: Share = 0.3
    """Visited in the last ``visit_memory_days``: 30%, on top of the visit's chill. Assumption
    (NYT-17, NYT-18)."""
    tie_visited: Share = 0.7
    """Someone they are tied to was visited: 70%. Assumption (NYT-18)."""


class UnlawfulDeterrence(CauseMultipliers):
    """Every other act: drug deals, thefts, burglaries, illegal work, recruiting."""

    listed: Share = 0.8
    """Known to be on a list: 80%. Assumption (NYT-18)."""
    camera: Share = 0.7
    """A camera at home: 70% (a camera deters crime near home more than it deters petitioning
    in the capital). Assumption (NYT-18)."""
    visited: Share = 0.5
    """Visited in the last ``visit_memory_days``: 50%. Assumption (NYT-18)."""
    tie_visited: Share = 0.9
    """Someone they are tied to was visited: 90%. Assumption (NYT-18)."""


class Deterrence(_Strict):
    """How being watched, or believing so, lowers the rate of each act (NYT-17, NYT-18).

    Police give priority to political warnings (NYT-17), and an intervention before the act
    makes the prediction uncheckable (NYT-18): how many acts surveillance deters is exactly what
    its promoters claim and nobody has measured, so every number here is an assumption to sweep.
    """

    lawful: LawfulDeterrence = LawfulDeterrence()
    unlawful: UnlawfulDeterrence = UnlawfulDeterrence()
    by_act: dict[str, CauseMultipliers] = {}
    """Per act (an incident kind that is not a standing state), multipliers replacing the
    lawful or unlawful ones, e.g. ``{drug_deal = {camera = 0.5}}``. Default: none (assumption:
    acts of one kind of lawfulness are deterred alike)."""
    visit_memory_days: Annotated[int, Field(ge=0)] = 30
    """A visit deters the visited and their ties for this many days: assumption."""

    @model_validator(mode="after")
    def _valid(self) -> Deterrence:
        for key in self.by_act:
            if key not in ACTS:
                raise ValueError(f"by_act has {key!r}, not an act; expected one of {ACTS}")
        return self

    def of(self, act: str) -> CauseMultipliers:
        """The multipliers that apply to ``act``."""
        if act in self.by_act:
            return self.by_act[act]
        return self.lawful if act in LAWFUL_ACTS else self.unlawful


class WorldConfig(_Strict):
    """Sizes of the run and every parameter of the city."""

    people: Annotated[int, Field(ge=1)] = 100_000
    """Residents of the synthetic city."""
    days: Annotated[int, Field(ge=1)] = 7
    """Days simulated."""
    start_weekday: Annotated[int, Field(ge=0, le=6)] = 0
    """Weekday of day 0 (0 = Monday)."""
    population: Population = Population()
    history: History = History()
    households: Households = Households()
    geography: Geography = Geography()
    behaviour: Behaviour = Behaviour()
    incidents: Incidents = Incidents()
    deterrence: Deterrence = Deterrence()
    """How being watched lowers the rate of each act (NYT-17, NYT-18): assumption."""
