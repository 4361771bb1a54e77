"""Benchmark the engine: decisions/s over generated scenarios in-process, and the cold CLI.

    python bench/assess.py [--n 100000] [--cli-runs 15]     (--n 0: the cold CLI only)

Targets (issue 2): ≥ 20,000 decisions/s on one core; cold `chujing assess` ≤ 0.4 s.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = ["personal_information", "sensitive_personal_information", "important_data", "general"]
GROUNDS = ["contract", "hr", "emergency", "statutory_duty", "transit", "trade_no_pi"]


def generate(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    start = date(2022, 9, 1)
    span = (date(2026, 11, 23) - start).days
    out = []
    for _ in range(n):
        day = start + timedelta(days=rnd.randrange(span))
        items = [{"kind": rnd.choice(KINDS), "subjects": rnd.choice([50, 9_999, 10_000, 99_999, 100_000,
                                                                      rnd.randrange(2_000_000)]),
                  "important_data": {"notified": rnd.random() < 0.5}}
                 for _ in range(rnd.randint(1, 3))]
        out.append({
            "as_of": day,
            "processor": {"ciio": rnd.random() < 0.1, "pi_subjects_processed": rnd.randrange(3_000_000)},
            "transfer": {"grounds": rnd.sample(GROUNDS, rnd.randint(0, 1)), "domestic_data_added": False,
                         "data": items},
            "history": [{"date": day - timedelta(days=rnd.randrange(1, 200)), "kind": "personal_information",
                         "subjects": rnd.randrange(200_000)}] if rnd.random() < 0.3 else [],
        })
    return out


def bench_engine(n: int) -> dict:
    from chujing import Scenario, assess
    from chujing.rulebook import default_rulebook

    book = default_rulebook()
    raw = generate(n)
    t0 = time.perf_counter()
    scenarios = [Scenario.model_validate(r) for r in raw]
    t_parse = time.perf_counter() - t0
    assess(scenarios[0], book)  # warm caches
    routes: dict[str, int] = {}

    def route_only() -> None:
        for s in scenarios:
            p = assess(s, book).pathway.value
            routes[p] = routes.get(p, 0) + 1

    def answer() -> None:  # the route plus what a person reads first: summary and questions
        for s in scenarios[: n // 5]:
            d = assess(s, book)
            _ = (d.summary, d.questions)

    def full() -> None:
        for s in scenarios[: n // 10]:
            assess(s, book).to_dict()

    wall, cpu = timed(route_only)
    a_wall, _ = timed(answer)
    j_wall, _ = timed(full)
    return {"n": n, "assess_per_s": n / wall, "assess_cpu_per_s": n / cpu, "parse_per_s": n / t_parse,
            "answer_per_s": (n // 5) / a_wall, "assess_plus_to_dict_per_s": (n // 10) / j_wall,
            "routes": routes}


def timed(fn) -> tuple[float, float]:
    """Wall and process CPU seconds of one call (CPU time shows what other load on the machine hides)."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def bench_cli(runs: int) -> dict:
    """Cold `chujing assess` runs: a new process each, page cache, rulebook cache and bytecode warm.

    The first run writes the rulebook cache (~/.cache/chujing or $CHUJING_CACHE) and, with
    PYTHONDONTWRITEBYTECODE lifted for that one run, the .pyc files an installed package has
    anyway (otherwise an editable checkout under that setting compiles every edited module on every
    run). The same command through the Typer app (cli/typer_app.py, which `chujing` uses for every
    other command line) and a bare `python -c pass` are timed in the same rounds, interleaved."""
    exe = str(Path(sys.executable).with_name("chujing"))
    example = str(ROOT / "examples" / "saas-300k-users.yaml")
    typer_app = [sys.executable, "-c", "import sys; sys.argv = ['chujing', *sys.argv[1:]]\n"
                 "from chujing.cli import console, fast\nfast.plain_assess = lambda a, e: None\nconsole()",
                 "assess", example]

    def run(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)

    warm = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    run([exe, "assess", example], env=warm)
    run(typer_app, env=warm)
    out: dict[str, list[tuple[float, float]]] = {"cli": [], "typer": [], "py": []}
    for _ in range(runs):
        out["cli"].append(run([exe, "assess", example]))
        out["typer"].append(run(typer_app))
        out["py"].append(run([sys.executable, "-c", "pass"]))
    res = {"runs": runs}
    for key, times in out.items():
        walls, cpus = [w for w, _ in times], [c for _, c in times]
        res[key] = {"min": min(walls), "median": statistics.median(walls), "max": max(walls),
                    "cpu_min": min(cpus), "cpu_median": statistics.median(cpus)}
    return res


def report_engine(e: dict) -> None:
    print(f"engine: {e['n']:,} generated scenarios, one core")
    print(f"  assess():              {e['assess_per_s']:>10,.0f} decisions/s   (target ≥ 20,000)"
          f"  [{e['assess_cpu_per_s']:,.0f}/s of process CPU time]")
    print(f"  + summary, questions:  {e['answer_per_s']:>10,.0f} decisions/s")
    print(f"  assess() + to_dict():  {e['assess_plus_to_dict_per_s']:>10,.0f} decisions/s   (the full trace as JSON)")
    print(f"  Scenario validation:   {e['parse_per_s']:>10,.0f} scenarios/s")
    print(f"  routes: {e['routes']}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--cli-runs", type=int, default=15)
    args = ap.parse_args()
    if args.n:  # --n 0: the cold CLI only
        report_engine(bench_engine(args.n))
    c = bench_cli(args.cli_runs)
    print(f"cli: `chujing assess examples/saas-300k-users.yaml` (text), {c['runs']} cold runs each"
          f"   (load average {os.getloadavg()[0]:.2f})")
    for key, label in (("cli", "chujing assess"), ("typer", "same via the Typer app"), ("py", "python -c pass")):
        f = c[key]
        target = "   (target ≤ 0.4 s)" if key == "cli" else ""
        print(f"  {label:24s} wall min {f['min']:.3f} s, median {f['median']:.3f} s, max {f['max']:.3f} s"
              f"   CPU min {f['cpu_min']:.3f} s, median {f['cpu_median']:.3f} s{target}")


if __name__ == "__main__":
    main()
