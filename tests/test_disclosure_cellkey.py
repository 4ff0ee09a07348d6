"""Cell-key perturbation (``--perturb``): bounded noise fixed by the people a count holds and
by the table, so that subtracting two outputs (the file and the file minus one person; two
groupings; two flag rules) does not reveal one person; its cost on COMPAS."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from custodiet.audit import AuditSpec, audit_file, perturbation_cost
from custodiet.audit._cellkey import NOISE, PROBABILITY, noise
from custodiet.audit._perturb_cost import published_pairs
from custodiet.cli import main
from custodiet.report import clean
from tests.conftest import SHARED_DATA

COMPAS = SHARED_DATA / "compas" / "compas-scores-two-years.csv"
needs_compas = pytest.mark.skipif(not COMPAS.exists(), reason=f"shared data absent: {COMPAS}")
SLOTS = ("tn", "fn", "fp", "tp")


def _table(n: int = 400, seed: int = 3) -> list[tuple[str, str, int, int]]:
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    sex = rng.choice(["f", "m"], n)
    score = rng.integers(1, 6, n)
    y = (rng.random(n) < score / 6).astype(int)
    return [(str(a), str(b), int(s), int(v)) for a, b, s, v in zip(g, sex, score, y,
                                                                    strict=True)]


def _audit(path: Path, rows: list[tuple[str, str, int, int]], perturb: bool,
           groups: tuple[str, ...] = ("g", "sex")) -> dict:
    path.write_text("g,sex,score,y\n" + "".join(f"{a},{b},{s},{v}\n" for a, b, s, v in rows))
    spec = AuditSpec(path=path, groups=list(groups), score="score", threshold=3.0, label="y",
                     min_cell=5, perturb=perturb)
    return json.loads(json.dumps(clean(audit_file(spec).to_dict())))


def _counts(metrics: dict, grouping: str) -> dict[str, dict[str, float]]:
    return {e["group"][grouping]: e["counts"] for e in metrics["groupings"][grouping]["groups"]}


def _dropped_by_one(a: dict[str, float | None], b: dict[str, float | None]) -> list[str]:
    return [k for k in a if a[k] is not None and b.get(k) is not None and a[k] - b[k] == 1]


def _difference_attack(full: dict, less: dict) -> tuple | None:
    """The attacker's answer from two outputs: the one group of ``g`` and of ``sex`` whose n
    dropped by exactly 1, and the one overall confusion count that did; None when any of
    these is not unique."""
    answer = []
    for grouping in ("g", "sex"):
        a, b = _counts(full, grouping), _counts(less, grouping)
        hit = _dropped_by_one({k: a[k]["n"] for k in a}, {k: b[k]["n"] for k in b})
        withheld = [k for k in a if a[k]["n"] is None]
        if not hit and len(withheld) == 1:  # nobody published left: the withheld group
            hit = withheld
        answer.append(hit[0] if len(hit) == 1 else None)
    slot = _dropped_by_one({s: full["overall"]["counts"][s] for s in SLOTS},
                           less["overall"]["counts"])
    answer.append(slot[0] if len(slot) == 1 else None)
    return None if None in answer else tuple(answer)


def _changed_elsewhere(full: dict, less: dict, truth: tuple) -> int:
    """Published counts of groups and slots without the person that changed anyway."""
    out = 0
    for grouping, mine in (("g", truth[0]), ("sex", truth[1])):
        a, b = _counts(full, grouping), _counts(less, grouping)
        out += sum(a[k]["n"] != b[k]["n"] for k in a if k != mine and a[k]["n"] is not None)
    return out + sum(full["overall"]["counts"][s] != less["overall"]["counts"][s]
                     for s in SLOTS if s != truth[2])


def test_noise_table_is_bounded_centred_and_keeps_zero_and_one():
    keys = np.arange(0, 2**32, 2**32 // 100_000, dtype=np.int64)
    e = noise(keys, np.full(len(keys), 50.0))
    assert set(np.unique(e)) == set(NOISE.tolist())
    share = np.array([(e == v).mean() for v in NOISE])
    assert np.allclose(share, PROBABILITY, atol=1e-3)  # uniform keys: the table's law
    assert abs(e.mean()) < 1e-3
    assert (noise(keys, np.zeros(len(keys))) == 0).all()  # nobody stays nobody
    for n in (1, 2):
        assert (n + noise(keys, np.full(len(keys), float(n))) >= 1).all()


def test_same_people_same_noise_in_any_output_of_one_table(tmp_path):
    """Reruns, row order and another grouping leave each count of the same people alone: an
    attacker averaging outputs of one table learns nothing more."""
    rows = _table()
    one = _audit(tmp_path / "a.csv", rows, True)
    shuffled = [rows[i] for i in np.random.default_rng(0).permutation(len(rows))]
    assert _audit(tmp_path / "b.csv", shuffled, True) == {**one, "input": one["input"] | {
        "file": "b.csv"}}
    only_g = _audit(tmp_path / "c.csv", rows, True, groups=("g",))
    assert only_g["overall"]["counts"] == one["overall"]["counts"]
    both = 0
    for e, f in zip(only_g["groupings"]["g"]["groups"], one["groupings"]["g"]["groups"],
                    strict=True):
        for name, v in e["counts"].items():  # what both publish (suppression differs)
            if v is not None and f["counts"][name] is not None:
                assert v == f["counts"][name]
                both += 1
        for name, m in e["metrics"].items():
            if m["value"] is not None and f["metrics"][name]["value"] is not None:
                assert m["value"] == f["metrics"][name]["value"]
    assert both >= 10
    exact = _audit(tmp_path / "d.csv", rows, False)
    diff = [abs(one["overall"]["counts"][k] - exact["overall"]["counts"][k])
            for k in exact["overall"]["counts"]]
    assert max(diff) <= 2 and any(diff)


def test_file_minus_one_person_no_longer_names_the_person(tmp_path):
    """The attack of the issue: audit the file and the file minus one person, and read the
    cell and confusion slot that lost exactly one. Without perturbation it names the person
    every time; with it, the counts that change are not the person's, and the attacker's
    answer is right about as rarely as a guess."""
    rows = _table()
    people = [i for i in range(0, len(rows), 27)][:12]
    exact = _audit(tmp_path / "full.csv", rows, False)
    noisy = _audit(tmp_path / "full.csv", rows, True)
    right = changed_elsewhere = 0
    for i in people:
        g, sex, score, y = rows[i]
        truth = (g, sex, SLOTS[2 * int(score >= 3) + y])
        less = rows[:i] + rows[i + 1:]
        assert _difference_attack(exact, _audit(tmp_path / "less.csv", less, False)) == truth
        noisy_less = _audit(tmp_path / "less.csv", less, True)
        right += _difference_attack(noisy, noisy_less) == truth
        changed_elsewhere += _changed_elsewhere(noisy, noisy_less, truth)
    # 1 + 1 + 3 published counts without the person each time; each keeps its people but not its
    # noise, so it stays equal with probability sum(p^2) = 0.26
    assert changed_elsewhere >= 0.5 * 5 * len(people)
    # right needs 3 drops of exactly 1 (0.26 each) and no other (0.8 each of 5): ~0.5 %
    assert right <= 2


@needs_compas
def test_cost_on_compas_is_the_noise_table_s(tmp_path):
    """The README's COMPAS audit by race with and without --perturb: the same values are
    published, counts move by at most 2 and by 0.8 on average (the table's E|noise|), rates
    by a fraction of a percentage point."""
    runs = {}
    for perturb in (False, True):
        spec = AuditSpec(path=COMPAS, groups=["race"], label="two_year_recid",
                         score="decile_score", threshold=5.0, perturb=perturb)
        runs[perturb] = json.loads(json.dumps(clean(audit_file(spec).to_dict())))
    cost = perturbation_cost(runs[False], runs[True])
    counts = cost["counts"]
    mean_abs = float((PROBABILITY * np.abs(NOISE)).sum())  # 0.8
    spread = float(np.sqrt((PROBABILITY * NOISE ** 2).sum() - mean_abs ** 2))
    assert counts["values"] >= 30 and counts["max_abs_error"] <= 2
    assert abs(counts["mean_abs_error"] - mean_abs) < 4 * spread / np.sqrt(counts["values"])
    for kind in ("rates", "sweep rates"):
        assert cost[kind]["values"] > 0 and cost[kind]["max_abs_error"] < 0.01
    info = runs[True]["disclosure"]["perturbation"]
    assert info["max_noise"] == 2 and info["values"] > 0


def test_cli_perturb_states_the_method_and_survey_weights_scale_the_noise(tmp_path):
    """``audit --perturb`` says so in metrics.json and in the report; with survey weights a
    count moves by at most 2 respondents' worth of weight."""
    rows = _table(200)
    src = tmp_path / "w.csv"
    src.write_text("g,sex,score,y,w\n" + "".join(f"{a},{b},{s},{v},2.5\n"
                                               for a, b, s, v in rows))
    outs = {}
    for perturb in (False, True):
        out = tmp_path / f"out{perturb}"
        args = ["audit", str(src), "--out", str(out), "--label", "y", "--score", "score",
                "--threshold", "3", "--group", "g", "--weight", "w", "--min-cell", "5"]
        assert main(args + (["--perturb"] if perturb else [])) == 0
        outs[perturb] = json.loads((out / "metrics.json").read_text())
    assert "perturbation" not in outs[False]["disclosure"]
    assert outs[True]["disclosure"]["perturbation"]["values"] > 0
    assert "Cell-key perturbation" in (tmp_path / "outTrue" / "report.html").read_text()
    exact, noisy = published_pairs(outs[False], outs[True])["counts"]
    err = np.abs(noisy - exact)
    assert err.max() <= 2 * 2.5 and (err > 0).any()
    assert set(np.round(err / 2.5, 9)) <= {0.0, 1.0, 2.0}  # whole respondents of weight 2.5



SECRET = b"a publisher's secret, 32 bytes!!"


def _small(n: int = 120, seed: int = 5) -> list[tuple[str, int, int]]:
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    f = (rng.random(n) < 0.4).astype(int)
    y = (rng.random(n) < 0.5).astype(int)
    return [(str(a), int(b), int(c)) for a, b, c in zip(g, f, y, strict=True)]


def _published(path: Path, rows: list[tuple], secret: bytes = b"",
               extra: str | None = None) -> dict:
    """What a flag audit by ``g`` publishes (the noisy counts and rates); ``extra`` adds a
    column that is not audited but is part of every row's content."""
    head = "g,f,y" + (",batch" if extra is not None else "")
    tail = "" if extra is None else ",0"
    body = "".join(f"{a},{b},{c}{tail}\n" for a, b, c in rows)
    path.write_text(head + "\n" + body + ("" if extra is None else f"c,1,1,{extra}\n"))
    spec = AuditSpec(path=path, groups=["g"], flag="f", label="y", min_cell=5, perturb=True,
                     perturb_secret=secret)
    d = json.loads(json.dumps(clean(audit_file(spec).to_dict())))
    return {"overall": d["overall"], "groupings": d["groupings"]}


def test_without_the_secret_trying_every_value_of_the_missing_row_fails(tmp_path):
    """Someone holding every row but one tries each value of the missing row (its group, flag
    and outcome: 12 candidates), recomputes the perturbed output as custodiet would, and keeps
    the candidates that reproduce the published one. Without a publisher's secret exactly the
    true row survives; with one (unknown to the attacker) none does."""
    rows = _small()
    candidates = [(g, f, y) for g in "abc" for f in (0, 1) for y in (0, 1)]
    for victim in (7, 61):
        truth = rows[victim]
        others = rows[:victim] + rows[victim + 1:]
        plain = _published(tmp_path / "p.csv", rows)
        keyed = _published(tmp_path / "k.csv", rows, secret=SECRET)
        tries = {c: _published(tmp_path / "t.csv", [*others, c]) for c in candidates}
        assert [c for c, out in tries.items() if out == plain] == [truth]
        assert [c for c, out in tries.items() if out == keyed] == []
        assert _published(tmp_path / "again.csv", rows[::-1], secret=SECRET) == keyed


def test_the_secret_is_never_written_nor_printed(tmp_path, capsys, monkeypatch):
    """``--perturb-secret FILE`` and the environment variable give the same noise; the secret
    appears in no output; metrics.json and the report say whether one was used."""
    from custodiet.audit import SECRET_VARIABLE

    rows = _small(200)
    src = tmp_path / "t.csv"
    src.write_text("g,f,y\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows))
    key = tmp_path / "secret"
    key.write_bytes(SECRET + b"\n")
    base = ["audit", str(src), "--label", "y", "--flag", "f", "--group", "g", "--min-cell", "5",
            "--perturb"]
    assert main([*base, "--out", str(tmp_path / "file"), "--perturb-secret", str(key)]) == 0
    monkeypatch.setenv(SECRET_VARIABLE, SECRET.decode())
    assert main([*base, "--out", str(tmp_path / "env")]) == 0
    monkeypatch.delenv(SECRET_VARIABLE)
    assert main([*base, "--out", str(tmp_path / "none")]) == 0
    said = capsys.readouterr()
    out = {k: json.loads((tmp_path / k / "metrics.json").read_text())
           for k in ("file", "env", "none")}
    for k in ("overall", "groupings"):
        assert out["file"][k] == out["env"][k] != out["none"][k]
    flags = [out[k]["disclosure"]["perturbation"]["publisher_secret"] for k in out]
    assert flags == [True, True, False]
    assert "are made under the publisher" in (tmp_path / "file" / "report.html").read_text()
    assert "made without a publisher" in (tmp_path / "none" / "report.html").read_text()
    for needle in (SECRET, SECRET[:12], SECRET.hex().encode()):
        assert needle.decode("latin-1") not in said.out + said.err
        for p in tmp_path.rglob("*"):
            if p.is_file() and p != key:
                assert needle not in p.read_bytes(), p


@pytest.mark.parametrize(("extra", "content", "needle"), [
    (["--perturb"], b"tiny-key\n", "--perturb-secret: must be at least 16 bytes"),
    ([], SECRET, "a perturbation secret needs --perturb"),
    (["--perturb"], b"\n\n", "is empty"),
    (["--perturb"], b"x" * 5000, "not a secret file"),
    (["--perturb"], None, "cannot be read"),
])
def test_a_bad_secret_is_one_line(tmp_path, capsys, extra, content, needle):
    src = tmp_path / "t.csv"
    src.write_text("g,f,y\n" + "".join(f"{a},{b},{c}\n" for a, b, c in _small()))
    key = tmp_path / "secret"
    if content is not None:
        key.write_bytes(content)
    rc = main(["audit", str(src), "--out", str(tmp_path / "o"), "--flag", "f", "--group", "g",
               "--perturb-secret", str(key), *extra])
    err = capsys.readouterr().err
    assert rc == 2 and needle in err and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and not (tmp_path / "o").exists()
    if content and content.strip():  # the secret is never printed
        assert content.strip().decode() not in err


def test_averaging_outputs_of_one_table_gains_nothing_but_of_many_tables_does(tmp_path):
    """What the noise does and does not protect against averaging. Outputs of one table give
    the same count of the same people the same noise, so their average keeps the noise. Tables
    that differ (here the same rows plus one extra row, different each time, in another group)
    give the same people fresh noise, so averaging K of them converges on the exact count
    (a documented limit, docs/audit.md): the mean of K noises of variance 1.2 lies within
    4 standard deviations, 4 * sqrt(1.2 / K), of 0."""
    rows = _small()
    exact = sum(1 for g, f, _ in rows if g == "a" and f == 1)

    def flagged_a(out: dict) -> float:
        (a,) = [e for e in out["groupings"]["g"]["groups"] if e["group"] == {"g": "a"}]
        return a["counts"]["flagged"]

    one = [flagged_a(_published(tmp_path / "o.csv", rows[::s])) for s in (1, -1)]
    assert one[0] == one[1]  # the same table, reversed: the same noise
    k = 20
    many = [flagged_a(_published(tmp_path / "m.csv", rows, extra=str(i))) for i in range(k)]
    assert len(set(many)) > 1  # fresh noise in each table
    assert abs(np.mean(many) - exact) <= 4 * np.sqrt(1.2 / k)
