"""A ledger writer run as a separate process by test_reliability.py.

    python -m tests.ledger._writer URL ID FIRST COUNT [--pause-in-transaction FLAGFILE] [--day ISO]

Records persons FIRST … FIRST+COUNT-1 under ID. With --pause-in-transaction it writes FLAGFILE
once the transfer row and the tally are written but before the commit, and waits to be killed.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from chujing.ledger import open_ledger
from chujing.ledger.store import Ledger
from tests.ledger.conftest import FP, keys, record


def main() -> None:
    url, tid, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    args = sys.argv[5:]
    day = date.fromisoformat(args[args.index("--day") + 1]) if "--day" in args else date(2025, 5, 1)
    if "--pause-in-transaction" in args:
        flag = Path(args[args.index("--pause-in-transaction") + 1])
        original = Ledger._apply_tally

        def pause(self, conn, year, delta):
            original(self, conn, year, delta)
            flag.write_text("in transaction")
            time.sleep(120)

        Ledger._apply_tally = pause
    with open_ledger(url, fingerprint=FP) as led:
        r = record(led, tid, day, keys(range(first, first + count)), keys(range(first, first + count // 10)))
    print(r.status, r.new_persons.get("personal_information", 0))


if __name__ == "__main__":
    main()
