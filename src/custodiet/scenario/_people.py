"""The ``[world.population]`` and ``[world.history]`` parts of a scenario: who lives in the city
and what their records say, each default with its source or "assumption"."""

from __future__ import annotations

from pydantic import BaseModel, model_validator

from custodiet.scenario._fields import STRICT, Share, _check_sums_to_one


class _Strict(BaseModel):
    """Unknown keys are an error, values are validated on assignment too."""

    model_config = STRICT


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
    """Share of foreigners of working age holding a work permit. Bounded: at least about a
    third ("600,000 foreigners who are permanent residents and 220,000 foreigners legally working
    on the mainland", ofnumbers.com/2013/05/11, 2013), at most 1; the default sits within
    (assumption inside the bound)."""
    employment_rate: Share = 0.65
    """Share of 15-59 year olds at a workplace on weekdays. Bounded: at most 0.89, the labour
    force ("approximately 783.9 million people" in 2020, tracks-movie.com quoting Statista) over
    the working-age population ("people aged between 16 and 59, stands at 880 million", census 2020,
    en.people.cn/n3/2021/0511); the labour force counts the unemployed and workers over 59, so it
    is an upper bound. The default sits within (assumption inside the bound)."""
    school_enrolment: Share = 0.98
    """Share of 6-18 year olds at school. Bounded: between the senior-high gross enrolment ("91.4
    percent in 2021", Ministry of Education, en.people.cn/n3/2022/0706) and primary net
    enrolment ("above 99%", 2010, tcfl.tingroom.com); the default sits within."""
    ses_shares: list[Share] = [0.4, 0.45, 0.15]
    """Socio-economic status low / middle / high: assumption. For comparison, nationally 610
    million people, the bottom 40% of households, earn about 1,000 yuan a month (the NBS's 2019
    data, jp.yicaiglobal.com), and an economist's pyramid gives middle incomes "30 percent",
    "Affluent people make up 10 percent and low-income and poor people 60 percent" (Xinhua,
    wap.dubainews.cn/English/2008.html); a city is richer than the nation."""
    migrant_low_ses_share: Share = 0.6
    """Share of migrants of low status (instead of ``ses_shares[0]``): assumption."""
    official_share: Share = 0.005
    """Civil servants: "As of the end of 2015, there were 7.167 million civil servants in
    China" (Ministry of Human Resources and Social Security via Xinhua, chinascope.org/archives/
    3721), 0.52% of 1.37 billion; 0.5%."""

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
    """True prevalence of drug use. Bounded: at least the registered users ("896,000 registered
    drug users ... 0.064 percent of the total population", China Drug Situation Report 2023,
    chinadailyhk.com/hk/article/586138), at most the Ministry of Public Security's estimate of
    everyone who has used ("almost 3 million registered drug users ... the real number ... is
    thought to exceed 14 million", about 1%, kekenet.com/broadcast/201507/384007.shtml, 2014);
    the default sits within (assumption inside the bound)."""
    criminal_record: Share = 0.02
    """Share with a criminal record. Bounded: at least one year's prosecutions ("1818808 people
    were prosecuted" in 2019, Supreme People's Procuratorate case data, tellerreport.com
    2020-06-02; "more than 1.6 million" in 2023), 0.13%, and at most 30 such years, 4% (before
    deaths and repeat offenders); the default sits within (assumption inside the bound)."""
    petition_history: Share = 0.005
    """Assumption."""
    protest_history: Share = 0.002
    """Share with a protest history. Bounded: at least one year's participants in "mass
    incidents" ("an annual total of 80,000–100,000 mass incidents nationwide", thechinastory.org
    yearbook 2013; "A mass incident can be any confrontation involving more than five people",
    byeways.net 2009), 400,000-500,000 people, 0.03% of the population; the default sits above
    that floor (assumption inside the bound)."""
    hiv: Share = 0.0009
    """People living with HIV: "the estimated PLWH population in China has risen to >1.25
    million" (Wu et al., Clin Infect Dis 72(5), PMC7935386), 0.09% of 1.41 billion; of them
    "as of the end of 2020, more than 1.053 million people in China had been infected with HIV"
    were diagnosed (China CDC, chinachristiandaily.com 2021-12-02), hence the recording rate
    0.84."""
    recording_rate: dict[str, Share] = {
        "mental_illness": 0.3, "drug_use": 0.35, "criminal_record": 1.0,
        "petition_history": 0.9, "protest_history": 0.8, "hiv": 0.84,
    }
    """Probability that a true history is in the records. Severe mental illness 0.3, cited:
    "Nearly 4.3 million Chinese are registered with severe mental disorders at the end of 2014"
    (globaltimes.cn/content/946288), 0.24 of the 1.3% lifetime prevalence, and Fuzhou's
    registry held "30,362 registered SMD patients" (BMC Psychiatry 2022, s12888-022-04364-6)
    at a registered prevalence of 4.17 per 1,000 (researchsquare rs-890372), 0.32. HIV 0.84,
    cited: 1.053 million diagnosed of more than 1.25 million (see ``hiv``). Drug use 0.35: the
    registered share 0.13% (2020) of the assumed 0.4%; the Ministry of Public Security's 3
    million registered against more than 14 million who have used (2014, see ``drug_use``)
    gives 0.21 of everyone who ever used. Kept at 0.35: with the true prevalence at 0.4%
    it records 0.14% of residents, the registered share of 2020, while 0.21 divides the
    registered by everyone who has ever used (not by current users) and would record 0.08%.
    The rest assumption."""
    recording_multiplier: dict[str, float] = {}
    """Per group (``minority``, ``migrant``, ``foreign``, ``low_ses``, ``official``): a factor on
    every recording
    rate, e.g. where police patrol more. Default: none, the same rate for everyone (the neutral
    assumption)."""
    false_record_rate: dict[str, Share] = {
        "mental_illness": 0.0002, "drug_use": 0.0002, "criminal_record": 0.0002,
    }
    """Probability that a person *without* the history is recorded with it anyway (a mistaken
    identity, a rumour, a file never corrected; NYT-1, MPS-1): assumption. Records are then
    wrong as well as incomplete."""
    false_record_multiplier: dict[str, float] = {}
    """Per group (as ``recording_multiplier``): a factor on every false-record rate
    (over-recording of a group). Default: none (the neutral assumption)."""
    label_share: dict[str, Share] = {
        "fugitive": 0.0003, "terrorism_suspect": 0.0001, "political_agitator": 0.0005,
        "stability_threat": 0.002,
    }
    """Share of residents whose records carry each label of the key-person lists (NYT-1:
    "fugitives, … suspected terrorists, political agitators and threats to social stability";
    MPS-1): assumption. A label is what the records say, not something the person did: it goes
    ten times as often to people with a related record (a criminal record; a recorded protest
    history; a recorded grievance or petition history; none for terrorism) and follows
    ``recording_multiplier``."""
    temperament_labels: list[str] = ["paranoid", "meticulous", "short tempered"]
    """Temperament labels officers write into a profile: the three NYT-11 quotes from Tianjin's
    profile fields (the list itself an assumption)."""
    temperament_fill_rate: Share = 0.5
    """Share of people with a record whose profile has a temperament label, drawn uniformly
    from ``temperament_labels`` with no relation to behaviour: assumption."""
    temperament_link: Share = 0.0
    """Chance that a labelled person with an illicit role or a grievance gets the last label
    (``short tempered``) whatever the draw: assumption, none by default (the labels are
    noise); raise it to give scorers a label that carries signal."""
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
        for key in self.false_record_rate:
            if key not in _HISTORY_NAMES:
                raise ValueError(f"false_record_rate has an unknown history {key!r}")
        for key in self.label_share:
            if key not in _LABEL_NAMES:
                raise ValueError(f"label_share has an unknown label {key!r}")
        if not self.temperament_labels:
            raise ValueError("temperament_labels needs at least one label")
        for name in ("recording_multiplier", "false_record_multiplier"):
            for key, value in getattr(self, name).items():
                if key not in _GROUP_NAMES:
                    raise ValueError(f"{name} has an unknown group {key!r}")
                if value < 0:
                    raise ValueError(f"{name}.{key} must be >= 0")
        return self


_HISTORY_NAMES = ("mental_illness", "drug_use", "criminal_record", "petition_history",
                  "protest_history", "hiv")
_GROUP_NAMES = ("minority", "migrant", "foreign", "low_ses", "official")
_LABEL_NAMES = ("fugitive", "terrorism_suspect", "political_agitator", "stability_threat")
