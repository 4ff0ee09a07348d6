"""A study: plan the runs (variants, seeds, sweeps), execute them, audit them and publish the
result. ``plan_*`` return independent :class:`RunSpec` items, :func:`execute` simulates a list
of them (the one place a process pool or a cluster can take over), the audit turns each seed's
stores into typed sections, and :func:`run` does all of it behind ``custodiet.run``."""

from custodiet.study._api import (
    Prepared,
    StudyResult,
    prepare,
    resolve_scenario,
    run,
    run_prepared,
    seeds_from,
)
from custodiet.study._break_even import precision_at
from custodiet.study._execute import Progress, execute
from custodiet.study._overrides import with_changes
from custodiet.study._plan import RunSpec, plan_study, plan_sweep, sized, with_removal_rate
from custodiet.study._rests_on import (
    Answer,
    Assumption,
    Measured,
    RestsOn,
    SweepPoint,
    builtin_measured,
    load_measured,
    rests_on,
    shipped_summary,
)
from custodiet.study._sensitivity import (
    BUILTIN_VARY,
    check_samples,
    design,
    parse_vary,
    plan_points,
    sensitivity,
)
from custodiet.study._simulate import has_watch, simulate, simulate_world
from custodiet.study._study import (
    DEFAULT_BOOTSTRAP,
    DEFAULT_REMOVAL_RATES,
    Bundle,
    Study,
    audit_runs,
    audit_stores,
    audit_study,
    people_table,
    run_study,
)
from custodiet.study._sweep import apply_setting, check_values, parse_setting, sweep
from custodiet.study._until import BatchRunner, Budget, Stop, UntilResult, run_until
from custodiet.study._variants import (
    NULL_WORLD_ZEROED,
    VARIANTS,
    Variant,
    null_world,
    with_seed,
)

__all__ = [
    "BUILTIN_VARY",
    "DEFAULT_BOOTSTRAP",
    "DEFAULT_REMOVAL_RATES",
    "NULL_WORLD_ZEROED",
    "VARIANTS",
    "Answer",
    "Assumption",
    "BatchRunner",
    "Budget",
    "Bundle",
    "Measured",
    "Prepared",
    "Progress",
    "RestsOn",
    "RunSpec",
    "Stop",
    "Study",
    "StudyResult",
    "SweepPoint",
    "UntilResult",
    "Variant",
    "apply_setting",
    "audit_runs",
    "audit_stores",
    "audit_study",
    "builtin_measured",
    "check_samples",
    "check_values",
    "design",
    "execute",
    "has_watch",
    "load_measured",
    "null_world",
    "parse_setting",
    "parse_vary",
    "people_table",
    "plan_points",
    "plan_study",
    "plan_sweep",
    "precision_at",
    "prepare",
    "resolve_scenario",
    "rests_on",
    "run",
    "run_prepared",
    "run_study",
    "run_until",
    "seeds_from",
    "sensitivity",
    "shipped_summary",
    "simulate",
    "simulate_world",
    "sized",
    "sweep",
    "with_changes",
    "with_removal_rate",
    "with_seed",
]
