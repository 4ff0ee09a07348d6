"""The watch: the surveillance system under audit, rebuilt mechanism by mechanism.

It sees only what its sensors observe, keeps key-person lists from recorded attributes, raises
tripwire alerts (rule templates compiled to SQL), scores persons, and answers alerts with police
actions that feed back into the world. It never reads ground truth.
"""

from custodiet.watch._inputs import TruthLeak, refuse_truth
from custodiet.watch._rules import TEMPLATE_INPUTS, compile_rule, run_rule

__all__ = ["TEMPLATE_INPUTS", "TruthLeak", "compile_rule", "refuse_truth", "run_rule"]
