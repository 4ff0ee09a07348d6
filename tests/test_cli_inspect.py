"""No injection: ``custodiet inspect`` on a crafted run store never runs SQL through a table
name, lists no views, and prints no control characters from the store; the audit reads a
path as that one file unless --glob asks for a pattern."""

from __future__ import annotations

import json

import duckdb

from custodiet.cli import main

EVIL = 'x" UNION ALL SELECT 424242 --'


def _store(tmp_path, manifest: dict) -> object:
    run = tmp_path / "run"
    run.mkdir()
    con = duckdb.connect(str(run / "run.duckdb"))
    con.execute(f'CREATE TABLE "{EVIL.replace(chr(34), chr(34) * 2)}" AS SELECT 1 AS a')
    con.execute("CREATE TABLE ok AS SELECT * FROM range(3)")
    con.execute("CREATE VIEW leak AS SELECT 777777 AS secret")
    con.close()
    (run / "manifest.json").write_text(json.dumps(manifest))
    return run


def test_inspect_quotes_table_names_and_lists_no_views(tmp_path, capsys):
    run = _store(tmp_path, {"seed": 1, "people": 10, "days": 1})
    assert main(["inspect", str(run)]) == 0
    out = capsys.readouterr().out
    assert "424,242" not in out and "777" not in out and "leak" not in out
    assert "ok" in out and "x\" UNION" in out


def test_inspect_strips_control_characters_and_odd_manifests(tmp_path, capsys):
    run = _store(tmp_path, {"seed": "\x1b[31mred\x1b[0m", "people": "lots", "days": None,
                            "seconds": {"\x07bell": "x"}})
    assert main(["inspect", str(run)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "lots" in out


def test_inspect_corrupt_store_is_one_line(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.duckdb").write_bytes(b"not a database" * 100)
    (run / "manifest.json").write_text("{}")
    assert main(["inspect", str(run)]) == 2
    err = capsys.readouterr().err
    assert "run.duckdb is not a readable database" in err and len(err.splitlines()) == 1
    (run / "manifest.json").write_text("[1, 2")
    assert main(["inspect", str(run)]) == 2
    assert "manifest.json cannot be read" in capsys.readouterr().err


def test_inspect_old_schema_store_is_one_line(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    con = duckdb.connect(str(run / "run.duckdb"))
    con.execute("CREATE TABLE persons AS SELECT 1 AS person_id")  # no columns of today
    con.close()
    (run / "manifest.json").write_text("{}")
    assert main(["inspect", str(run)]) == 2
    assert "not a run store of this version" in capsys.readouterr().err


def _csv(path, n: int) -> None:
    path.write_text("g,f\n" + "\n".join(f"{'ab'[i % 2]},{i % 2}" for i in range(n)) + "\n")


def test_audit_reads_a_path_literally(tmp_path, capsys):
    _csv(tmp_path / "data1.csv", 40)
    _csv(tmp_path / "data[1].csv", 60)
    _csv(tmp_path / "x1.csv", 30)
    _csv(tmp_path / "x2.csv", 30)
    args = ["--flag", "f", "--group", "g"]
    assert main(["audit", str(tmp_path / "data[1].csv"), "--out", str(tmp_path / "o1"),
                 *args]) == 0
    m = json.loads((tmp_path / "o1" / "metrics.json").read_text())
    assert m["input"]["rows"] == 60
    assert main(["audit", str(tmp_path / "x*.csv"), "--out", str(tmp_path / "o2"), *args]) == 2
    assert "no such file" in capsys.readouterr().err and not (tmp_path / "o2").exists()
    assert main(["audit", str(tmp_path / "x*.csv"), "--glob", "--out", str(tmp_path / "o3"),
                 *args]) == 0
    assert json.loads((tmp_path / "o3" / "metrics.json").read_text())["input"]["rows"] == 60


def _world(tmp_path):
    out = tmp_path / "w"
    assert main(["world", "--people", "150", "--days", "1", "--out", str(out), "--quiet"]) == 0
    return out


def _one_line(capsys, needle: str) -> None:
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1, err


def test_a_damaged_store_is_noticed_on_open(tmp_path, capsys):
    """A run.duckdb truncated to half was inspected like the intact one (exit 0), a planted
    .wal changed what inspect printed, and the manifest's row counts were never checked."""
    import shutil

    good = _world(tmp_path)
    assert main(["inspect", str(good)]) == 0
    capsys.readouterr()
    manifest = json.loads((good / "manifest.json").read_text())
    assert manifest["database"]["bytes"] == (good / "run.duckdb").stat().st_size
    cases = {}
    for case in ("truncated", "wal", "rows", "flipped", "hugeint", "deep"):
        run = tmp_path / case
        shutil.copytree(good, run)
        cases[case] = run
    db = cases["truncated"] / "run.duckdb"
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    (cases["wal"] / "run.duckdb.wal").write_bytes(b"\0" * 64)
    m = dict(manifest, rows={**manifest["rows"], "persons": manifest["rows"]["persons"] + 1})
    (cases["rows"] / "manifest.json").write_text(json.dumps(m))
    db = cases["flipped"] / "run.duckdb"
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0xFF
    db.write_bytes(bytes(data))
    (cases["hugeint"] / "manifest.json").write_text('{"seed": ' + "9" * 100_000 + "}")
    (cases["deep"] / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    needles = {"truncated": "bytes, the manifest says", "wal": "write-ahead log",
               "rows": "the manifest says", "flipped": "SHA-256",
               "hugeint": "manifest.json cannot be read: it holds a number of more than 4,300 "
                          "digits", "deep": "manifest.json cannot be read"}
    for case, run in cases.items():
        assert main(["inspect", str(run)]) == 2, case
        _one_line(capsys, needles[case])
    assert main(["inspect", str(cases["hugeint"])]) == 2
    assert "set_int_max_str_digits" not in capsys.readouterr().err  # advice for programmers
