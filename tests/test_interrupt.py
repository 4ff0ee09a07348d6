"""A SIGTERM that a library swallowed or turned into its own error still ends the command as
terminated (exit 143, nothing written): the request is remembered and checked between days."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodiet import _interrupt
from custodiet.cli import main


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_interrupt, "_requested", False)


def test_check_raises_only_once_asked(fresh: None) -> None:
    _interrupt.check()
    with pytest.raises(_interrupt.Terminated):
        _interrupt.request()
    assert _interrupt.requested()
    with pytest.raises(_interrupt.Terminated):
        _interrupt.check()


def test_a_swallowed_signal_stops_the_run_between_days(fresh: None, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    monkeypatch.setattr(_interrupt, "_requested", True)  # as if DuckDB had cleared the signal
    out = tmp_path / "city"
    assert main(["world", "--people", "500", "--days", "3", "--quiet", "--out", str(out)]) == 143
    assert capsys.readouterr().err.strip() == "custodiet: terminated; nothing was written"
    assert not out.exists()


def test_an_engine_error_raised_for_the_signal_is_a_termination(
        fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        monkeypatch.setattr(_interrupt, "_requested", True)
        raise RuntimeError("Query interrupted")

    monkeypatch.setattr("custodiet.study._simulate.World", interrupted)
    out = tmp_path / "city"
    assert main(["world", "--people", "500", "--days", "3", "--quiet", "--out", str(out)]) == 143
    assert "terminated; nothing was written" in capsys.readouterr().err
    assert not out.exists()
