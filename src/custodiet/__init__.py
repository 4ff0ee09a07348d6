"""custodiet: rebuild predictive surveillance systems over synthetic cities, and audit them."""

from custodiet._versions import __version__
from custodiet.scenario import Scenario, WorldConfig, load_scenario


def run(*args, **kwargs):  # type: ignore[no-untyped-def]
    """Simulate, audit and report a study; see :func:`custodiet.study.run`."""
    from custodiet.study import run as _run

    return _run(*args, **kwargs)


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name == "StudyResult":
        from custodiet.study import StudyResult

        return StudyResult
    raise AttributeError(name)


__all__ = ["Scenario", "StudyResult", "WorldConfig", "__version__", "load_scenario", "run"]
