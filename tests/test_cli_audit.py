"""``custodiet audit`` end to end: flag rules, file types, outputs, and bad input (one line,
exit 2, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from custodiet.cli import main

HEADER = "person_ref,grp,sex,score,label,flagged,w\n"


def make_csv(tmp_path: Path, n: int = 400, seed: int = 0, name: str = "t.csv") -> Path:
    rng = np.random.default_rng(seed)
    grp = rng.choice(["north", "south", "east"], n, p=[0.5, 0.3, 0.2])
    sex = rng.choice(["f", "m"], n)
    score = rng.integers(1, 11, n)
    label = (rng.random(n) < score / 12).astype(int)
    flagged = (score >= 6).astype(int)
    w = rng.integers(1, 4, n)
    lines = [f"ref{i:05d},{grp[i]},{sex[i]},{score[i]},{label[i]},{flagged[i]},{w[i]}"
             for i in range(n)]
    p = tmp_path / name
    p.write_text(HEADER + "\n".join(lines) + "\n")
    return p


def run(args: list[str], capsys) -> tuple[int, str]:
    rc = main(["audit", *args])
    return rc, capsys.readouterr().err


def test_threshold_run_writes_all_outputs(tmp_path, capsys):
    src = make_csv(tmp_path)
    out = tmp_path / "out"
    rc, err = run([str(src), "--out", str(out), "--label", "label", "--score", "score",
                   "--threshold", "6", "--group", "grp", "--group", "sex", "--bootstrap", "30",
                   "--seed", "4"], capsys)
    assert rc == 0, err
    m = json.loads((out / "metrics.json").read_text())
    assert set(m["groupings"]) == {"grp", "sex", "grp × sex"}
    assert m["input"]["rows"] == 400 and m["settings"]["bootstrap_resamples"] == 30
    # thresholds are score values; those that would isolate a small interval are left out
    thr = m["threshold_sweep"]["thresholds"]
    assert set(thr) <= set(range(1, 11)) and thr[0] == 1 and len(thr) >= 5
    assert m["disclosure"]["sweep_thresholds_dropped"] == 10 - len(thr)
    html = (out / "report.html").read_text()
    figs = sorted(p.stem for p in (out / "figures").glob("*.svg"))
    assert sorted(p.stem for p in (out / "figures").glob("*.png")) == figs
    assert html.count("<svg") == len(figs) >= 7
    assert "ref0" not in html and "ref0" not in json.dumps(m)
    # same seed, same numbers
    out2 = tmp_path / "out2"
    assert run([str(src), "--out", str(out2), "--label", "label", "--score", "score",
                "--threshold", "6", "--group", "grp", "--group", "sex", "--bootstrap", "30",
                "--seed", "4"], capsys)[0] == 0
    assert (out2 / "metrics.json").read_text() == (out / "metrics.json").read_text()


def test_flag_column_equals_threshold_and_parquet_equals_csv(tmp_path, capsys):
    src = make_csv(tmp_path)
    table = pacsv.read_csv(src)
    pq.write_table(table, tmp_path / "t.parquet")
    outs = []
    for i, args in enumerate([[str(src), "--score", "score", "--threshold", "6"],
                              [str(src), "--flag", "flagged"],
                              [str(tmp_path / "t.parquet"), "--flag", "flagged"]]):
        out = tmp_path / f"o{i}"
        assert run([*args, "--out", str(out), "--label", "label", "--group", "grp"],
                   capsys)[0] == 0
        outs.append(json.loads((out / "metrics.json").read_text())["groupings"])
    assert outs[0] == outs[1] == outs[2]


def test_top_k_and_top_pct_with_weights(tmp_path, capsys):
    src = make_csv(tmp_path)
    t = np.loadtxt(src, delimiter=",", skiprows=1, usecols=(3, 6), dtype=float)
    score, w = t[:, 0], t[:, 1]
    for args, k in ((["--top-k", "150"], 150), (["--top-pct", "25"], 0.25 * w.sum())):
        out = tmp_path / f"o{args[0]}"
        assert run([str(src), "--out", str(out), "--score", "score", "--weight", "w",
                    "--group", "grp", *args], capsys)[0] == 0
        m = json.loads((out / "metrics.json").read_text())
        cut = m["input"]["cutoff"]
        # oracle: the highest score whose people-at-or-above reach k; ties all flagged
        want_cut = max(s for s in np.unique(score) if w[score >= s].sum() >= k)
        assert cut == want_cut
        assert m["overall"]["counts"]["flagged"] == w[score >= cut].sum()


def test_unlabelled_weighted_table(tmp_path, capsys):
    src = make_csv(tmp_path)
    out = tmp_path / "o"
    assert run([str(src), "--out", str(out), "--score", "score", "--threshold", "8",
                "--weight", "w", "--group", "grp", "--reference", "south"], capsys)[0] == 0
    m = json.loads((out / "metrics.json").read_text())
    g = m["groupings"]["grp"]
    assert g["reference"] == {"grp": "south"}
    assert set(g["groups"][0]["metrics"]) == {"flag_rate"}


BAD = [
    # (file rows after the header or None for the standard file, extra args, expected text)
    (None, ["--label", "lable"], "did you mean 'label'?"),
    (None, ["--group", "Grp"], "did you mean 'grp'?"),
    (None, ["--weight", "wt"], "did you mean 'w'?"),
    (["r1,a,f,3,2,0,1"], [], "must be 0 or 1, found 2"),
    (["r1,a,f,3,,0,1"], [], "missing value"),
    (["r1,a,f,nan,1,0,1"], [], "score column has a missing value"),
    (["r1,,f,3,1,0,1"], [], "group grp column has a missing value"),
    (["r1,a,f,3,1,0,-2"], ["--weight", "w"], "negative weight"),
    (None, ["--threshold", "11"], "outside the score's range 1 to 10"),
    (None, ["--threshold", "0"], "outside the score's range"),
    (None, ["--reference", "sout"], "did you mean 'south'?"),
    (None, ["--flag", "flagged"], "exactly one flag rule"),
    (None, ["--top-pct", "0", "--threshold", None], "must be in (0, 100]"),
    ("HEADER", [], "has no data rows"),
    ("EMPTY", [], "is empty"),
    (["r1,a,f,3,yes,0,1"], [], "label column must be numeric"),
]


@pytest.mark.parametrize(("rows", "extra", "expect"), BAD)
def test_bad_input_one_line_exit_2_nothing_written(tmp_path, capsys, rows, extra, expect):
    if rows is None:
        src = make_csv(tmp_path)
    elif rows in ("EMPTY", "HEADER"):
        src = tmp_path / "t.csv"
        src.write_text("" if rows == "EMPTY" else HEADER)
    else:
        src = tmp_path / "t.csv"
        good = make_csv(tmp_path, name="g.csv").read_text().splitlines()[1:30]
        src.write_text(HEADER + "\n".join([*good, *rows]) + "\n")
    args = {"--label": "label", "--score": "score", "--threshold": "6", "--group": "grp"}
    for i in range(0, len(extra), 2):
        args[extra[i]] = extra[i + 1]
    flat = [x for k, v in args.items() for x in ((k, v) if v is not None else ())]
    out = tmp_path / "out"
    before = set(tmp_path.iterdir())
    rc, err = run([str(src), "--out", str(out), *flat], capsys)
    assert rc == 2
    assert err.count("\n") == 1 and err.startswith("custodiet: error:"), err
    assert expect in err
    assert not out.exists()
    assert set(tmp_path.iterdir()) == before  # no temporary leftovers


def test_bad_value_is_located_by_line(tmp_path, capsys):
    src = make_csv(tmp_path)
    lines = src.read_text().splitlines()
    parts = lines[57].split(",")
    parts[4] = "3"
    lines[57] = ",".join(parts)
    src.write_text("\n".join(lines) + "\n")
    rc, err = run([str(src), "--out", str(tmp_path / "o"), "--label", "label", "--flag",
                   "flagged", "--group", "grp"], capsys)
    assert rc == 2 and f"{src}:58: label:" in err


def test_existing_output_is_refused(tmp_path, capsys):
    src = make_csv(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep").write_text("x")
    rc, err = run([str(src), "--out", str(out), "--flag", "flagged", "--group", "grp"], capsys)
    assert rc == 2 and "already exists" in err and (out / "keep").exists()
    # --force replaces only a directory custodiet wrote (see tests/test_cli_outputs.py)
    rc, err = run([str(src), "--out", str(out), "--flag", "flagged", "--group", "grp",
                   "--force"], capsys)
    assert rc == 2 and "not written by custodiet" in err and (out / "keep").exists()
    (out / "keep").unlink()
    out.rmdir()
    for _ in range(2):
        assert run([str(src), "--out", str(out), "--flag", "flagged", "--group", "grp",
                    "--force"], capsys)[0] == 0
    assert (out / "report.html").exists()


def test_missing_file(tmp_path, capsys):
    rc, err = run([str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o"), "--flag", "f",
                   "--group", "g"], capsys)
    assert rc == 2 and "no such file" in err
