"""The watch: the surveillance system under audit, rebuilt mechanism by mechanism.

It sees only what its sensors observe, keeps key-person lists from recorded attributes, raises
tripwire alerts (rule templates compiled to SQL, most also evaluated in numpy and held to their
SQL), scores persons, and answers alerts with police
actions, handed back as intervention records that the runner applies to the world. It never
reads ground truth and never holds the world. ``custodiet.watch.checks`` is the conformance
suite every rule template and scorer passes. A client that tries rules over a run already
simulated records what the watch observed (``record``) and replays one rule over it
(``replay_rule``).
"""

from custodiet.watch._inputs import OBSERVED, RELATIONS, TruthLeak, refuse_truth, register
from custodiet.watch._native import HeldTables, native_of, run_native
from custodiet.watch._registry import LIST_CHANGES, LIST_MEMBERSHIP, Registry
from custodiet.watch._replay import STATIC_RELATIONS, Observations, record, replay_rule
from custodiet.watch._response import Intervention, interventions
from custodiet.watch._rules import buffer_days, compile_rule, rule_inputs, run_rule
from custodiet.watch._scorers import SCORERS
from custodiet.watch._template import Compiled, Example, Template
from custodiet.watch._templates import TEMPLATES
from custodiet.watch._watch import (
    Watch,
    alert_table,
    camera_places,
    member_homes,
    observable,
    redlist_hits,
)

__all__ = [
    "LIST_CHANGES", "LIST_MEMBERSHIP", "OBSERVED", "RELATIONS", "SCORERS", "STATIC_RELATIONS",
    "TEMPLATES", "Compiled", "Example", "HeldTables", "Intervention", "Observations",
    "Registry", "Template",
    "TruthLeak", "Watch", "alert_table", "buffer_days", "camera_places", "compile_rule",
    "interventions",
    "member_homes", "native_of", "observable", "record", "redlist_hits", "refuse_truth",
    "register", "replay_rule", "rule_inputs", "run_native", "run_rule",
]
