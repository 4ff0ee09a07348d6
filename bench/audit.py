"""Speed and memory of a group audit with bootstrap intervals: custodiet against fairlearn's
MetricFrame (n_boot) and Aequitas (crosstabs + disparities, resampled in a loop), side by side.

A synthetic scored table (3 group columns: 5 x 2 x 6 levels, a score, a 0/1 outcome) is written
once as Parquet; each tool then runs in its own process, which reports its wall time and peak
resident memory (VmHWM). Rows/s = rows audited / wall seconds (read, metrics, resamples).

    python bench/audit.py --rows 10000000 --boot 200 --fairlearn-rows 100000 \
        --aequitas-rows 200000

fairlearn and Aequitas are far slower, so they get their own (smaller) sizes; custodiet is also
run at those sizes for a like-for-like line. Aequitas is looked for in this interpreter, then in
$AEQUITAS_PYTHON (a separate virtualenv, since it pins old dependencies); skipped if absent.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GROUPS = ("race", "sex", "age")


def make_table(path: Path, rows: int, seed: int = 0) -> None:
    """Write the synthetic table: group-dependent base rates and a noisy score."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    race = rng.choice(5, rows, p=[0.45, 0.3, 0.15, 0.07, 0.03]).astype(np.int8)
    sex = rng.choice(2, rows, p=[0.8, 0.2]).astype(np.int8)
    age = rng.choice(6, rows).astype(np.int8)
    base = 0.25 + 0.05 * race - 0.08 * sex + 0.02 * age
    label = (rng.random(rows) < base).astype(np.int8)
    score = np.clip(0.35 * label + 0.1 * race / 4 + rng.normal(0.3, 0.2, rows), 0, 1)
    names = {"race": ["r0", "r1", "r2", "r3", "r4"], "sex": ["f", "m"],
             "age": ["<25", "25-34", "35-44", "45-54", "55-64", "65+"]}
    cols = {g: pa.DictionaryArray.from_arrays(a, pa.array(names[g]))
            for g, a in zip(GROUPS, (race, sex, age), strict=True)}
    cols.update(score=score, label=label)
    pq.write_table(pa.table(cols), path, row_group_size=1_000_000)


def run_custodiet(path: Path, boot: int) -> dict:
    from custodiet.audit import AuditSpec, audit_file

    real = audit_file(AuditSpec(path=path, groups=list(GROUPS), label="label", score="score",
                                threshold=0.5, bootstrap=boot, seed=1))
    fr = real.result.frame(" × ".join(GROUPS))
    return {"groups": len(fr.keys), "what": "3 single groupings + intersection, 6 rates, "
            "ratios, 100-threshold sweep"}


def _pandas(path: Path):
    import pandas as pd

    df = pd.read_parquet(path)
    for g in GROUPS:
        df[g] = df[g].astype(str)
    return df


def run_fairlearn(path: Path, boot: int) -> dict:
    import numpy as np
    from fairlearn.metrics import (
        MetricFrame,
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import precision_score

    df = _pandas(path)
    y_pred = (df["score"] >= 0.5).astype(int)
    mf = MetricFrame(
        metrics={"flag_rate": selection_rate, "tpr": true_positive_rate,
                 "fpr": false_positive_rate, "fnr": false_negative_rate,
                 "ppv": lambda t, p: precision_score(t, p, zero_division=np.nan)},
        y_true=df["label"], y_pred=y_pred, sensitive_features=df[list(GROUPS)],
        n_boot=boot or None, ci_quantiles=[0.025, 0.975] if boot else None, random_state=1)
    return {"groups": len(mf.by_group), "what": "intersection only, 5 rates"}


def run_aequitas(path: Path, boot: int) -> dict:
    import warnings

    warnings.simplefilter("ignore")
    from aequitas.bias import Bias
    from aequitas.group import Group

    df = _pandas(path)
    df = df.rename(columns={"label": "label_value"})
    df["score"] = (df["score"] >= 0.5).astype(int)
    df = df[["score", "label_value", *GROUPS]]
    ref = {"race": "r0", "sex": "f", "age": "25-34"}

    def once(d):
        xtab, _ = Group().get_crosstabs(d)
        return Bias().get_disparity_predefined_groups(xtab, original_df=d, ref_groups_dict=ref)

    once(df)
    for b in range(boot):  # Aequitas has no bootstrap: resample rows and recompute
        once(df.sample(frac=1.0, replace=True, random_state=b))
    return {"groups": 13, "what": "3 single groupings, crosstabs + disparities"}


TOOLS = {"custodiet": run_custodiet, "fairlearn": run_fairlearn, "aequitas": run_aequitas}


def child(tool: str, path: Path, boot: int) -> None:
    """Run one tool and print its measurements as JSON."""
    t0 = time.perf_counter()
    info = TOOLS[tool](path, boot)
    wall = time.perf_counter() - t0
    rss = peak_rss_mib()
    print(json.dumps({"wall_s": wall, "peak_rss_mib": rss, **info}))


def peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM belongs to the current program image, unlike
    ru_maxrss, which on Linux carries over the parent's size from before ``exec``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(tool: str, path: Path, rows: int, boot: int, python: str) -> dict | None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    res = subprocess.run([python, __file__, "--child", tool, "--data", str(path), "--boot",
                          str(boot)], capture_output=True, text=True, env=env, check=False)
    if res.returncode != 0:
        print(f"  {tool}: failed: {res.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out.update(tool=tool, rows=rows, boot=boot, rows_per_s=rows / out["wall_s"])
    return out


def aequitas_python() -> str | None:
    try:
        import aequitas  # noqa: F401
        return sys.executable
    except ImportError:
        alt = os.environ.get("AEQUITAS_PYTHON")
        return alt if alt and Path(alt).exists() else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--boot", type=int, default=200)
    ap.add_argument("--fairlearn-rows", type=int, default=100_000)
    ap.add_argument("--aequitas-rows", type=int, default=200_000)
    ap.add_argument("--child", choices=sorted(TOOLS))
    ap.add_argument("--data", type=Path)
    ap.add_argument("--make", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.make:
        make_table(args.make, args.rows)
        return
    if args.child:
        child(args.child, args.data, args.boot)
        return
    plan = [("custodiet", args.rows, sys.executable),
            ("custodiet", args.fairlearn_rows, sys.executable),
            ("fairlearn", args.fairlearn_rows, sys.executable)]
    aeq = aequitas_python()
    if aeq:
        plan += [("custodiet", args.aequitas_rows, sys.executable),
                 ("aequitas", args.aequitas_rows, aeq)]
    else:
        print("aequitas: not installed here or at $AEQUITAS_PYTHON; skipped", file=sys.stderr)
    print(f"bootstrap resamples: {args.boot}; groups: race (5) x sex (2) x age (6); "
          f"cores: {os.cpu_count()}")
    print(f"{'tool':<10} {'rows':>11} {'wall s':>9} {'rows/s':>13} {'peak RSS MiB':>13}  scope")
    with tempfile.TemporaryDirectory() as tmp:
        files: dict[int, Path] = {}
        for tool, rows, python in plan:
            if rows not in files:
                files[rows] = Path(tmp) / f"t{rows}.parquet"
                # in a child process, so this process stays small
                subprocess.run([sys.executable, __file__, "--make", str(files[rows]), "--rows",
                                str(rows)], check=True)
            r = measure(tool, files[rows], rows, args.boot, python)
            if r:
                print(f"{tool:<10} {rows:>11,} {r['wall_s']:>9.2f} {r['rows_per_s']:>13,.0f} "
                      f"{r['peak_rss_mib']:>13,.0f}  {r['what']}", flush=True)


if __name__ == "__main__":
    main()
