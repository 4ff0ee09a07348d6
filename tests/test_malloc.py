"""The allocator setting: glibc keeps freed memory for the next day unless told not to, and a
bad ``CUSTODIET_MALLOC`` is refused with one line naming it."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

from custodiet._malloc import MALLOC_ENV, malloc_choice
from custodiet.errors import UserError


def test_choice_defaults_to_keep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MALLOC_ENV, raising=False)
    assert malloc_choice() == "keep"
    monkeypatch.setenv(MALLOC_ENV, " System ")
    assert malloc_choice() == "system"


def test_bad_choice_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MALLOC_ENV, "jemalloc")
    with pytest.raises(UserError, match="keep, system"):
        malloc_choice()


def _applied(env: str) -> str:
    code = ("from custodiet._malloc import keep_freed_memory, release_freed_memory\n"
            "kept = keep_freed_memory(); release_freed_memory(); print(kept)")
    return subprocess.run([sys.executable, "-c", code], env={MALLOC_ENV: env}, check=True,
                          capture_output=True, text=True).stdout.strip()


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="mallopt is glibc's")
def test_applied_on_glibc_unless_system() -> None:
    assert _applied("keep") == "True"
    assert _applied("system") == "False"


def test_cli_refuses_bad_choice(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "custodiet", "world", "--people", "100",
                          "--days", "1", "--out", str(tmp_path / "w")],
                         env={MALLOC_ENV: "bogus", "PATH": ""}, capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "custodiet: error: CUSTODIET_MALLOC: must be one of keep, system, got 'bogus'"]
    assert not (tmp_path / "w").exists()
