"""The watch: the surveillance system under audit, rebuilt mechanism by mechanism.

It sees only what its sensors observe, keeps key-person lists from recorded attributes, raises
tripwire alerts (rule templates compiled to SQL), scores persons, and answers alerts with police
actions that feed back into the world. It never reads ground truth.
"""

from custodiet.watch._inputs import TruthLeak, refuse_truth
from custodiet.watch._registry import LIST_CHANGES, LIST_MEMBERSHIP
from custodiet.watch._rules import TEMPLATE_INPUTS, compile_rule, run_rule
from custodiet.watch._watch import Watch, buffer_days, observable

__all__ = [
    "LIST_CHANGES", "LIST_MEMBERSHIP", "TEMPLATE_INPUTS", "TruthLeak", "Watch", "buffer_days",
    "compile_rule", "observable", "refuse_truth", "run_rule",
]
