"""What two processes or requests do at once to one consultation or run: two imports (two organisers, a
double-clicked upload) are applied one after the other, the second reading what the first stored; a run given
to two runners is executed by one."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, text
from sqlmodel import Session

from schemas import ColumnMapping
from service.imports import import_file
from service.models import Consultation
from tests.service.factories import consultation_rows, to_csv
from tests.service.helpers import empty_consultation


def _waiting_on_a_lock(engine) -> bool:
    with engine.connect() as conn:
        n = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
        ).scalar_one()
    return n > 0


@pytest.mark.postgres
def test_two_imports_of_one_file_at_once_are_applied_one_after_the_other(engine, tmp_path):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes its write lock at the first write of a transaction: imports never overlap")
    path = tmp_path / "export.csv"
    path.write_bytes(to_csv(consultation_rows()))
    with Session(engine) as s:
        consultation = empty_consultation(s)
        cid = consultation.id
    mapping = ColumnMapping(text="avis", id="id")
    results: dict[str, object] = {}

    def run(name: str, hold: bool) -> None:
        with Session(engine) as s:
            if hold:  # the first import commits only once the second waits on it

                def wait(_session) -> None:
                    for _ in range(300):
                        if _waiting_on_a_lock(engine):
                            return
                        time.sleep(0.05)

                event.listen(s, "before_commit", wait)
            try:
                imp = import_file(
                    session=s,
                    consultation=s.get(Consultation, cid),
                    path=path,
                    filename="export.csv",
                    mapping=mapping,
                )
                results[name] = (imp.added, imp.unchanged)
            except Exception as exc:  # noqa: BLE001 - the failure is the finding
                results[name] = exc

    first = threading.Thread(target=run, args=("first", True))
    first.start()
    time.sleep(0.2)  # let it take its rows first (the outcome is checked whichever goes first)
    second = threading.Thread(target=run, args=("second", False))
    second.start()
    first.join()
    second.join()
    n = len(consultation_rows())
    assert sorted(map(str, results.values())) == sorted([str((n, 0)), str((0, n))]), results


@pytest.mark.postgres
def test_a_queued_run_submitted_twice_is_claimed_once(engine):
    # every process of a service started with several workers re-submits the queued runs at start-up: two
    # runners then claim the same run at once, and both executed it
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's reads and writes of the run are one write transaction apart: no overlap")
    from sqlmodel import Session as SessionClass

    from service.jobs import tasks
    from service.models import Run

    with Session(engine) as s:
        consultation = empty_consultation(s)
        run = Run(consultation_id=consultation.id, settings={})
        s.add(run)
        s.commit()
        run_id = run.id
    held = threading.Event()

    def wait(_session) -> None:  # the first claim commits once the second waits on it
        if threading.current_thread().name == "first" and not held.is_set():
            held.set()
            for _ in range(100):
                if _waiting_on_a_lock(engine):
                    return
                time.sleep(0.05)

    claimed: dict[str, object] = {}
    event.listen(SessionClass, "before_commit", wait)
    try:
        first = threading.Thread(
            target=lambda: claimed.update(first=tasks._claim(engine, run_id)), name="first"
        )
        first.start()
        while not held.is_set() and first.is_alive():
            time.sleep(0.01)
        second = threading.Thread(target=lambda: claimed.update(second=tasks._claim(engine, run_id)))
        second.start()
        first.join()
        second.join()
    finally:
        event.remove(SessionClass, "before_commit", wait)
    assert sum(v is not None for v in claimed.values()) == 1, claimed


@pytest.mark.postgres
def test_a_run_reads_its_consultation_as_it_stood_at_one_moment(engine, tmp_path):
    # an import committed while a run read the consultation's contributions: the run then read the new import's
    # file among the consultation's files (its fingerprint, its rejected lines) but not the rows it changed, and
    # its report claimed an input it never read (a later run had the same fingerprint and other texts)
    if engine.dialect.name != "postgresql":
        pytest.skip("the import waits on the run's lock through pg_stat_activity")
    from service.jobs.tasks import load_inputs

    rows = consultation_rows()
    first, newer = tmp_path / "v1.csv", tmp_path / "v2.csv"
    first.write_bytes(to_csv(rows))
    newer.write_bytes(to_csv([{**r, "avis": r["avis"] + " (corrigé)"} for r in rows]))
    mapping = ColumnMapping(text="avis", id="id")
    with Session(engine) as s:
        consultation = empty_consultation(s)
        cid = consultation.id
        import_file(session=s, consultation=consultation, path=first, filename="export.csv", mapping=mapping)

    def import_newer() -> None:
        with Session(engine) as s:
            import_file(
                session=s,
                consultation=s.get(Consultation, cid),
                path=newer,
                filename="export.csv",
                mapping=mapping,
            )

    importing = threading.Thread(target=import_newer)

    def between(conn, cursor, statement, *args) -> None:  # once the run has read the contributions
        if (
            "FROM contributions" in statement
            and threading.current_thread() is reader
            and not importing.is_alive()
        ):
            if importing.ident is None:
                importing.start()
                for _ in range(200):  # it commits, or waits for the run's lock
                    if not importing.is_alive() or _waiting_on_a_lock(engine):
                        return
                    time.sleep(0.05)

    read: dict[str, tuple] = {}

    def read_inputs() -> None:
        with Session(engine) as s:
            read["inputs"] = load_inputs(s, cid)

    event.listen(engine, "after_cursor_execute", between)
    try:
        reader = threading.Thread(target=read_inputs)
        reader.start()
        reader.join()
        importing.join()
    finally:
        event.remove(engine, "after_cursor_execute", between)
    records, *_, sha, _versions = read["inputs"]
    with Session(engine) as s:  # the same fingerprint must mean the same texts
        later, *_, later_sha, _ = load_inputs(s, cid)
    assert (sha == later_sha) == ([r.text for r in records] == [r.text for r in later])
