"""Precision and recall of the scanner's detectors on a labelled corpus (issue 4, item 7).

Free text: records from tests/scan/corpus.py (Faker zh_CN values in templates, plus traps with
no label); a detection counts as a true positive when (detector, normalised value) is in the
record's labels. Structured columns: each detector's column-level check on genuine values and
near misses. Run: python bench/scan_accuracy.py [--records 20000] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import polars as pl  # noqa: E402
from tests.scan import gen  # noqa: E402
from tests.scan.corpus import CorpusMaker  # noqa: E402

from chujing.scan.detectors import BY_ID  # noqa: E402
from chujing.scan.normalise import fold_width  # noqa: E402
from chujing.scan.text import detect_in_text  # noqa: E402


def free_text(records: int, seed: int) -> tuple[dict[str, Counter], float, float]:
    corpus = CorpusMaker(seed).records(records)
    texts = fold_width(pl.Series("t", [r.text for r in corpus], dtype=pl.Utf8))
    rows = pl.Series("row", range(len(corpus)), dtype=pl.UInt32)
    detect_in_text(rows.head(100), texts.head(100))  # numba kernels loaded outside the timing
    start = time.perf_counter()
    found = detect_in_text(rows, texts)
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    reference = detect_in_text(rows, texts, fast=False)
    reference_elapsed = time.perf_counter() - start
    if found.to_dicts() != reference.to_dicts():
        raise SystemExit("the fast free-text path and the regex reference disagree")
    predicted: dict[int, set[tuple[str, str]]] = {}
    for row, det, value in found.iter_rows():
        if not det.startswith("keyword:"):
            predicted.setdefault(row, set()).add((det, value))
    stats: dict[str, Counter] = {}
    for i, record in enumerate(corpus):
        pred = predicted.get(i, set())
        for det, _ in pred | record.labels:
            stats.setdefault(det, Counter())
        for det, _ in pred & record.labels:
            stats[det]["tp"] += 1
        for det, _ in pred - record.labels:
            stats[det]["fp"] += 1
        for det, _ in record.labels - pred:
            stats[det]["fn"] += 1
    return stats, len(corpus) / elapsed, len(corpus) / reference_elapsed


def structured(n: int, seed: int) -> dict[str, Counter]:
    rng = random.Random(seed)
    cases: dict[str, tuple[list[str], list[str]]] = {
        "cn_resident_id": ([gen.rid(rng) for _ in range(n)],
                           [gen.rid_bad_check(rng) for _ in range(n)]
                           + ["2024" + "".join(rng.choice("0123456789") for _ in range(14))
                              for _ in range(n)]),
        "cn_mobile": ([gen.mobile(rng) for _ in range(n)],
                      [gen.mobile(rng)[:3] + "****" + "5678" for _ in range(n)]
                      + ["12" + "".join(rng.choice("0123456789") for _ in range(9))
                         for _ in range(n)]),
        "bank_card": ([gen.card(rng) for _ in range(n)],
                      [gen.luhn_fail(gen.card(rng)) for _ in range(n)]
                      + [gen.card(rng, prefix="1234") for _ in range(n)]),
        "imei": ([gen.imei(rng) for _ in range(n)], [gen.luhn_fail(gen.imei(rng))
                                                    for _ in range(n)]),
        "uscc": ([gen.uscc_code(rng) for _ in range(n)],
                 [c[:-1] + ("0" if c[-1] != "0" else "1")
                  for c in (gen.uscc_code(rng) for _ in range(n))]),
    }
    out: dict[str, Counter] = {}
    for det_id, (good, bad) in cases.items():
        det = BY_ID[det_id]
        ok_good = det.validate(pl.Series(good)).is_not_null()
        ok_bad = det.validate(pl.Series(bad)).is_not_null()
        out[det_id] = Counter(tp=int(ok_good.sum()), fn=int((~ok_good).sum()),
                              fp=int(ok_bad.sum()))
    return out


def show(title: str, stats: dict[str, Counter]) -> None:
    print(f"\n{title}")
    print(f"{'detector':<18}{'TP':>8}{'FP':>7}{'FN':>7}{'precision':>11}{'recall':>9}")
    for det in sorted(stats):
        c = stats[det]
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        print(f"{det:<18}{tp:>8}{fp:>7}{fn:>7}{precision:>11.4f}{recall:>9.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    text_stats, rate, reference_rate = free_text(args.records, args.seed)
    show(f"free text: {args.records} records (25% traps), {rate:,.0f} records/s (regex "
         f"reference path: {reference_rate:,.0f}/s, same findings)", text_stats)
    show("structured columns: 2000 genuine values and 2000-4000 near misses per detector",
         structured(2000, args.seed))


if __name__ == "__main__":
    main()
