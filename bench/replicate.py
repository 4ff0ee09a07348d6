"""Time the replications at the papers' scale: 1000 runs × 1000 days per variant.

Usage: python bench/replicate.py [--runs N] [--days D]
Prints one line per Ensign et al. urn variant (top two regions, prior 609/379) and per
D'Amour et al. agent (dynamic factor 0.1): seconds and run-days per second.
"""

from __future__ import annotations

import argparse
import time

from custodiet.replicate import (
    AGENTS,
    CASES,
    VARIANTS,
    AttentionConfig,
    config_for,
    simulate_attention,
    simulate_urn,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--days", type=int, default=1000)
    args = parser.parse_args()
    run_days = args.runs * args.days
    print(f"{args.runs} runs × {args.days} days per line")
    print(f"{'replication':<12} {'variant':<24} {'seconds':>8} {'run-days/s':>12}")
    for variant in VARIANTS:
        started = time.perf_counter()
        simulate_urn(config_for(CASES[0], variant), days=args.days, runs=args.runs, seed=0)
        took = time.perf_counter() - started
        print(f"{'ensign2018':<12} {variant:<24} {took:8.2f} {run_days / took:12,.0f}")
    for name, agent in AGENTS.items():
        started = time.perf_counter()
        simulate_attention(AttentionConfig(dynamic=0.1), agent, days=args.days, runs=args.runs,
                           seed=0)
        took = time.perf_counter() - started
        print(f"{'damour2020':<12} {name + ' (d=0.1)':<24} {took:8.2f} {run_days / took:12,.0f}")


if __name__ == "__main__":
    main()
