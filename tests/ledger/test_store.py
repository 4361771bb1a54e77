"""Recording, counting, voiding and the audit log, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import date

import pytest

from chujing.errors import EXIT_STORE, StoreError
from chujing.ledger.counting import count_window, recount

from .conftest import FP, keys, pk, record

Y25 = date(2025, 1, 1)


def counts(led, end: date, start: date = Y25):
    with led.read() as conn:
        return count_window(led, conn, start, end)


def check_tally(led, start: date, end: date):
    """The fast yearly tally agrees with a recount from the membership rows."""
    with led.read() as conn:
        fast = count_window(led, conn, start, end)
        slow = recount(led, conn, start, end)
    assert fast.deduplicated["personal_information"] == slow.get(0, 0)
    assert fast.deduplicated["sensitive_personal_information"] == slow.get(1, 0)


def test_distinct_persons_across_transfers(ledger):
    r = record(ledger, "t1", date(2025, 2, 1), keys(range(0, 100)), keys(range(0, 10)))
    assert r.status == "recorded"
    assert r.new_persons == {"personal_information": 100, "sensitive_personal_information": 10}
    r = record(ledger, "t2", date(2025, 3, 1), keys(range(50, 150)), keys(range(5, 20)))
    assert r.new_persons == {"personal_information": 50, "sensitive_personal_information": 10}
    c = counts(ledger, date(2025, 12, 31))
    assert (c.pi, c.spi) == (150, 20)
    # As of a day between the two transfers only the first counts.
    c = counts(ledger, date(2025, 2, 28))
    assert (c.pi, c.spi) == (100, 10)
    # The day itself is inside the window.
    assert counts(ledger, date(2025, 3, 1)).pi == 150
    check_tally(ledger, Y25, date(2025, 12, 31))


def test_exempt_transfers_are_kept_but_not_counted(ledger):
    record(ledger, "hr", date(2025, 2, 1), keys(range(0, 100)), exempt=True)
    record(ledger, "t", date(2025, 3, 1), keys(range(90, 120)))
    c = counts(ledger, date(2025, 12, 31))
    assert c.pi == 30  # the exempt transfer's people do not make the later ones "known"
    assert [t["id"] for t in ledger.transfers()] == ["hr", "t"]
    assert ledger.transfer("hr")["person_keys"] == {"personal_information": 100}
    check_tally(ledger, Y25, date(2025, 12, 31))


def test_year_boundary_and_previous_regime_window(ledger):
    record(ledger, "dec", date(2022, 12, 31), keys(range(0, 10)))
    record(ledger, "jan", date(2023, 1, 1), keys(range(5, 20)))
    record(ledger, "next", date(2024, 1, 5), keys(range(15, 30)))
    assert counts(ledger, date(2023, 12, 31), date(2023, 1, 1)).pi == 15
    assert counts(ledger, date(2022, 12, 31), date(2022, 1, 1)).pi == 10
    # The earlier regime's window: since 1 January of the previous year, deduplicated.
    assert counts(ledger, date(2023, 12, 31), date(2022, 1, 1)).pi == 20
    assert counts(ledger, date(2024, 1, 5), date(2023, 1, 1)).pi == 25
    assert counts(ledger, date(2024, 1, 4), date(2023, 1, 1)).pi == 15


def test_backdated_transfer_moves_first_day(ledger):
    record(ledger, "late", date(2025, 6, 1), keys(range(0, 10)))
    record(ledger, "early", date(2025, 2, 1), keys(range(5, 12)))
    assert counts(ledger, date(2025, 3, 1)).pi == 7
    assert counts(ledger, date(2025, 6, 1)).pi == 12
    check_tally(ledger, Y25, date(2025, 3, 1))


def test_same_id_same_content_is_a_noop_different_content_an_error(ledger):
    record(ledger, "t1", date(2025, 2, 1), keys(range(10)))
    assert record(ledger, "t1", date(2025, 2, 1), reversed(keys(range(10)))).status == "unchanged"
    assert counts(ledger, date(2025, 12, 31)).pi == 10
    with pytest.raises(StoreError, match="different content"):
        record(ledger, "t1", date(2025, 2, 1), keys(range(11)))
    with pytest.raises(StoreError, match="different content"):
        record(ledger, "t1", date(2025, 2, 2), keys(range(10)))
    assert counts(ledger, date(2025, 12, 31)).pi == 10
    actions = [a["action"] for a in ledger.audit_log()]
    assert actions == ["create", "record"]


def test_void_keeps_the_transfer_and_uncounts_its_persons(ledger):
    record(ledger, "a", date(2025, 2, 1), keys(range(0, 10)), keys(range(0, 3)))
    record(ledger, "b", date(2025, 1, 15), keys(range(5, 15)), keys(range(2, 4)))
    assert (counts(ledger, date(2025, 12, 31)).pi, counts(ledger, date(2025, 12, 31)).spi) == (15, 4)
    ledger.void("b", "sent to the wrong recipient; recalled")
    c = counts(ledger, date(2025, 12, 31))
    assert (c.pi, c.spi) == (10, 3)
    # Persons 5-9 now count from transfer a's date, not b's.
    assert counts(ledger, date(2025, 1, 31)).pi == 0
    check_tally(ledger, Y25, date(2025, 1, 31))
    t = ledger.transfer("b")
    assert t["voided"] and t["void_reason"].startswith("sent to the wrong")
    assert [a["action"] for a in t["audit"]] == ["record", "void"]
    with pytest.raises(StoreError, match="already voided"):
        ledger.void("b", "again")
    with pytest.raises(StoreError, match="no transfer"):
        ledger.void("nope", "x")
    # Re-recording the voided id with the same content changes nothing.
    assert record(ledger, "b", date(2025, 1, 15), keys(range(5, 15)), keys(range(2, 4))).status == "unchanged"
    assert counts(ledger, date(2025, 12, 31)).pi == 10


def test_declared_transfers_count_as_declared(ledger):
    record(ledger, "keys", date(2025, 2, 1), keys(range(10)))
    record(ledger, "decl", date(2025, 3, 1), [], declared=(500, 20))
    record(ledger, "decl-exempt", date(2025, 3, 2), [], declared=(900, 0), exempt=True)
    c = counts(ledger, date(2025, 12, 31))
    assert (c.pi, c.spi) == (510, 20)
    assert c.declared == {"personal_information": 500, "sensitive_personal_information": 20}
    assert [t["id"] for t in c.declared_transfers] == ["decl"]
    assert not ledger.transfer("decl")["deduplicable"]


def test_populations_are_counted_per_population(ledger):
    record(ledger, "t1", date(2025, 2, 1), keys(range(20)), populations={"trial_subjects": keys(range(5))})
    record(ledger, "t2", date(2025, 3, 1), keys(range(3, 30)),
           populations={"trial_subjects": keys(range(3, 8)), "patients": keys(range(20, 30))})
    c = counts(ledger, date(2025, 12, 31))
    assert c.by_population == {"trial_subjects": 8, "patients": 10}
    assert c.pi == 30


def test_tally_matches_recount_after_random_operations(ledger):
    rnd = random.Random(5)
    live = []
    for i in range(12):
        day = date(2025, rnd.randint(1, 12), rnd.randint(1, 28))
        ps = keys(rnd.sample(range(200), rnd.randint(1, 60)))
        record(ledger, f"r{i}", day, ps, ps[: len(ps) // 3], exempt=rnd.random() < 0.2)
        live.append(f"r{i}")
        if rnd.random() < 0.3:
            ledger.void(live.pop(rnd.randrange(len(live))), "test")
    for month in (1, 4, 8, 12):
        check_tally(ledger, Y25, date(2025, month, 28))


def test_keyset_lookup_matches_a_set_including_shared_first_halves():
    from chujing.ledger.keysets import Keys, found_in
    from chujing.ledger.store import keyset

    rnd = random.Random(7)
    prefixes = [rnd.randbytes(8) for _ in range(50)]
    # Traps: many keys share their first 8 bytes (the fast search's integer), some differ in
    # one bit of the last byte, and keys at both ends of the order.
    def pool(n):
        out = [rnd.choice(prefixes) + rnd.randbytes(8) for _ in range(n)]
        out += [rnd.randbytes(16) for _ in range(n)]
        return out + [b"\0" * 16, b"\xff" * 16]
    run = pool(3000)
    needles = pool(3000) + run[::7] + [k[:15] + bytes([k[15] ^ 1]) for k in run[::11]]
    # Sizes alike (merge), a small run (its keys looked up among the needles), few needles
    # (binary searches).
    for run_part, needle_part in ((run, needles), (run[::40], needles), (run, needles[::40])):
        run_ks, needle_ks = keyset(run_part), keyset(needle_part)
        got = found_in(Keys(needle_ks), Keys(run_ks))
        members = {run_ks[i:i + 16] for i in range(0, len(run_ks), 16)}
        want = [needle_ks[i:i + 16] in members for i in range(0, len(needle_ks), 16)]
        assert got.tolist() == want
        assert 0 < sum(want) < len(want)
    assert not found_in(Keys(needle_ks), Keys(b"")).any()


def test_backdated_and_voided_transfers_move_first_days(ledger):
    record(ledger, "a", date(2025, 2, 1), keys(range(0, 40)))
    record(ledger, "b", date(2025, 3, 1), keys(range(30, 60)))
    record(ledger, "c", date(2025, 1, 15), keys(range(50, 80)))  # backdated, partly known
    assert counts(ledger, date(2025, 1, 31)).pi == 30
    assert counts(ledger, date(2025, 12, 31)).pi == 80
    ledger.void("c", "test")  # 50..59 fall back to b's day, 60..79 leave
    assert counts(ledger, date(2025, 1, 31)).pi == 0
    assert counts(ledger, date(2025, 2, 28)).pi == 40
    ledger.void("a", "test")
    assert counts(ledger, date(2025, 12, 31)).pi == 30
    check_tally(ledger, Y25, date(2025, 2, 15))
    check_tally(ledger, Y25, date(2025, 12, 31))


def test_a_ledger_made_by_revision_0001_is_upgraded_and_counts_the_same(tmp_path):
    """A ledger of the first schema (per-person index tables) opens, upgrades, and counts alike."""
    from sqlalchemy import create_engine, inspect

    from chujing.ledger import open_ledger, resolve_url

    url = str(tmp_path / "old.sqlite")
    with open_ledger(url, fingerprint=FP) as led:
        record(led, "a", date(2025, 2, 1), keys(range(0, 40)), keys(range(0, 5)))
        record(led, "b", date(2025, 3, 1), keys(range(30, 60)))
    eng = create_engine(resolve_url(url))
    with eng.begin() as conn:  # back to 0001 by hand: its tables, stamped 0001
        for name in ("membership", "membership_recent"):
            conn.exec_driver_sql(f"CREATE TABLE {name} (kind SMALLINT, year SMALLINT, person BLOB, "
                                 "transfer_seq INTEGER, day INTEGER, PRIMARY KEY (kind, year, person, "
                                 "transfer_seq)) WITHOUT ROWID")
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    with open_ledger(url, fingerprint=FP) as led:
        assert counts(led, date(2025, 12, 31)).pi == 60
        assert counts(led, date(2025, 12, 31)).spi == 5
        r = record(led, "c", date(2025, 4, 1), keys(range(55, 70)))
        assert r.new_persons == {"personal_information": 10}
        check_tally(led, Y25, date(2025, 12, 31))
    with eng.connect() as conn:
        assert "membership" not in inspect(conn).get_table_names()
    eng.dispose()


def test_wrong_key_is_refused(ledger_url):
    from chujing.ledger import open_ledger

    open_ledger(ledger_url, fingerprint=FP).close()
    with pytest.raises(StoreError, match="another person key") as err:
        open_ledger(ledger_url, fingerprint="0" * 32)
    assert err.value.exit_code == EXIT_STORE


def test_hash_key_never_enters_the_database(ledger_url):
    from sqlalchemy import create_engine, inspect, text

    from chujing.ledger import open_ledger, resolve_url

    from .conftest import KEY

    with open_ledger(ledger_url, fingerprint=FP) as led:
        record(led, "t", date(2025, 2, 1), keys(range(3)))
    eng = create_engine(resolve_url(ledger_url))
    with eng.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                for v in row:
                    blob = v if isinstance(v, bytes) else str(v).encode()
                    assert KEY not in blob and KEY.hex().encode() not in blob
    eng.dispose()


def test_audit_log_and_transfers_refuse_rewrites(ledger):
    record(ledger, "t", date(2025, 2, 1), keys(range(3)))
    for sql in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log", "DELETE FROM transfers"):
        with pytest.raises(StoreError, match="append-only"), ledger.write() as conn:
            conn.execute(sql)
    assert [a["action"] for a in ledger.audit_log()] == ["create", "record"]


def test_migrations_head_matches(ledger):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from chujing.ledger.store import HEAD_REVISION, MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION
    with ledger.read() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD_REVISION


def test_person_keys_must_be_16_bytes(ledger):
    from chujing.errors import InputError

    with pytest.raises(InputError, match="16-byte"):
        record(ledger, "bad", date(2025, 2, 1), [b"short"])
    assert pk(1) != pk(2)
    assert ledger.transfers() == []


def test_named_parameters_become_psycopg_ones_and_casts_stay():
    from chujing.ledger.db import Conn

    pg = Conn(None, "postgresql")
    assert pg._sql("SELECT :a::bytea, '50%', x FROM t WHERE y = :b_2") == \
        "SELECT %(a)s::bytea, '50%%', x FROM t WHERE y = %(b_2)s"
    assert Conn(None, "sqlite")._sql("SELECT :a") == "SELECT :a"


def test_displayed_urls_hide_the_password():
    from chujing.ledger.store import display_url

    assert display_url("postgresql+psycopg://u:secret@h:5432/db") == "postgresql+psycopg://u:***@h:5432/db"
    assert display_url("sqlite:////tmp/x.sqlite") == "sqlite:////tmp/x.sqlite"


def test_keyset_sorts_and_dedups_and_keeps_a_keyset_as_it_is():
    from chujing.ledger.store import keyset

    rnd = random.Random(3)
    shared = rnd.randbytes(8)
    ks = [shared + rnd.randbytes(8) for _ in range(300)] + [rnd.randbytes(16) for _ in range(300)]
    ks += ks[:50]  # duplicates
    want = b"".join(sorted(set(ks)))
    assert keyset(ks) == want
    assert keyset(want) == want
    assert keyset(want[:16] + want) == want  # a duplicate at the start is not "sorted"
    assert keyset(list(reversed(ks))) == want


def test_merge_positions_equal_searchsorted():
    import numpy as np

    from chujing.ledger.keysets import _left_positions

    rng = np.random.default_rng(2)
    for n, m in ((0, 5), (5, 0), (1000, 300), (300, 1000)):
        run = np.sort(rng.integers(0, 50, n).astype(np.uint64))  # many equal values
        needles = np.sort(rng.integers(0, 55, m).astype(np.uint64))
        assert _left_positions(run, needles).tolist() == np.searchsorted(run, needles).tolist()
