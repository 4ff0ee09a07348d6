"""``custodiet workbench`` on bad input: one line, exit 2, nothing started."""

from __future__ import annotations

import socket

import pytest

from custodiet.cli import main
from custodiet.cli._workbench import free_port
from custodiet.errors import UserError


def test_unknown_scenario_is_one_line(capsys, tmp_path) -> None:
    code = main(["workbench", "yitu_mneu", "--cache", str(tmp_path), "--port", "0"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "did you mean 'yitu_menu'" in err


def test_a_taken_port_is_a_user_error() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(UserError, match=r"cannot listen on 127\.0\.0\.1"):
            free_port(s.getsockname()[1])
    assert free_port(0) > 0


def test_a_port_out_of_range_is_refused(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["workbench", "--port", "70000"])
    assert exit_.value.code == 2
    assert "at most 65535" in capsys.readouterr().err
