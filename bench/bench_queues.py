"""Land-plot queues at the scale of a Kazakh region: look-ups, allocations, bulk import.

One scratch database for the three parts:

1. Position look-up. One queue gets APPLICATIONS waiting applications filed over ten years
   (written with SQL in one statement, the per-row triggers switched off for the load and
   the per-day waiting counts then built as the trigger keeps them), and ANALYZE. The app
   runs as deployed (gunicorn with docker/gunicorn.conf.py and the production settings) and
   is asked from one keep-alive connection, one request at a time, for LOOKUPS application
   numbers drawn at random (fixed seed) from the whole queue, after WARM_UP others:
   GET /api/queues/applications/<number>, the resident's endpoint (status, position, how
   many are ahead). The reference, right after each request: a plain primary-key fetch of
   the same application's row with psycopg2 on one connection. Goal: p99 <= 5 ms. Answers
   are checked against count(*) for a sample.
2. Allocation. ALLOCATIONS free parcels are allocated in a row by a child process through
   the real services (offer to the head, verify, accept: ledger, audit, parcel status),
   while the look-ups of part 1 keep running against the app. Reported: allocations/s and
   the look-ups' p99 during the allocations against part 1's. Checked: the plots went to
   the first ALLOCATIONS applications in queue order, the ledger chain recomputes, and the
   positions still agree with count(*). The issue sets no speed goal here: the verdict is
   on correctness (every plot to the right person, no look-up failing meanwhile).
3. Bulk import. A REGISTER_ROWS-row CSV register (valid IINs, a few bad rows) is imported
   into a second queue by `manage.py queue_import --commit`, registered events and all.
   Goal: <= IMPORT_GOAL_S seconds; rows/s reported; the ledger holds one entry per row.
"""

import csv
import datetime
import json
import random
import sys
import threading
import time
from pathlib import Path

from bench import _support
from bench._support import Connection

APPLICATIONS = 1_000_000
LOOKUPS = 2000
WARM_UP = 300
CHECKED = 20
GOAL_MS = 5.0
ALLOCATIONS = 1000
REGISTER_ROWS = 100_000
IMPORT_GOAL_S = 120.0

SEED_SQL = """
SET session_replication_role = replica;  -- no per-row triggers for the bulk load
INSERT INTO parcels_settlement (slug, name_kk, name_ru, name_en)
VALUES ('bench', 'Бенч', 'Бенч', 'Bench');
INSERT INTO queues_queue (slug, settlement_id, purpose_id, is_open, created_at)
SELECT wanted.code, settlement.id, purpose.id, true, now()
FROM parcels_settlement settlement,
     (VALUES ('bench-izhs', 'izhs'), ('bench-gardening', 'gardening')) AS wanted (code, purpose),
     parcels_landpurpose purpose
WHERE settlement.slug = 'bench' AND purpose.code = wanted.purpose;
INSERT INTO queues_application (
    queue_id, purpose_id, number, filed_at, status, status_changed_at, full_name,
    iin_encrypted, iin_digest, email, phone, is_verified, created_at,
    backdated, backdate_batch, backdate_document, backdate_reason)
SELECT queue.id, queue.purpose_id, 'BENCH-' || lpad(serial::text, 7, '0'),
       -- ten years of filings, about 270 a day, three at a time in the very same second
       now() - interval '3650 days' + (serial / 3) * interval '946 seconds',
       'waiting', now(), 'Bench Applicant ' || serial, 'x',
       md5(serial::text) || md5('iin' || serial::text), '', '', serial %% 2 = 0, now(),
       false, '', '', ''
FROM queues_queue queue, generate_series(1, %(count)s) AS serial
WHERE queue.slug = 'bench-izhs';
SET session_replication_role = origin;
INSERT INTO queues_queueday (queue_id, day, waiting)
SELECT queue_id, (filed_at AT TIME ZONE 'UTC')::date, count(*)
FROM queues_application WHERE status = 'waiting' GROUP BY 1, 2;
INSERT INTO parcels_parcel (
    cadastral_number, address_kk, address_ru, area_ha, category, settlement_id, purpose_id,
    purpose_text_kk, purpose_text_ru, status, geometry, updated_at)
SELECT '06-097-' || lpad((serial / 1000 + 1)::text, 3, '0') || '-'
           || lpad((serial %% 1000)::text, 3, '0'),
       '', '', 0.1, 'settlements', settlement.id, purpose.id, '', '', 'free',
       ST_Transform(ST_Multi(ST_MakeEnvelope(
           71.30 + (serial %% 100) * 0.001, 42.90 + (serial / 100) * 0.001,
           71.30 + (serial %% 100) * 0.001 + 0.0008, 42.90 + (serial / 100) * 0.001 + 0.0008,
           4326)), %(srid)s),
       now()
FROM parcels_settlement settlement, parcels_landpurpose purpose,
     generate_series(0, %(parcels)s - 1) AS serial
WHERE settlement.slug = 'bench' AND purpose.code = 'izhs';
"""

COUNT_SQL = (
    "SELECT count(*) + 1 FROM queues_application a, queues_application me "
    "WHERE me.number = %s AND a.queue_id = me.queue_id AND a.status = 'waiting' "
    "AND (a.filed_at, a.number) < (me.filed_at, me.number)"
)


class Lookups:
    """Position look-ups over one keep-alive connection; latencies in ms and answers."""

    def __init__(self, port: int, numbers: list[str]) -> None:
        self.client = Connection(port)
        self.numbers = numbers
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def one(self, number: str) -> tuple[dict, float]:
        status, body, _headers, seconds = self.client.get(f"/api/queues/applications/{number}")
        if status != 200:
            self.errors.append(f"{number}: HTTP {status} {body[:200]!r}")
            return {}, seconds
        return json.loads(body), seconds

    def until(self, done: threading.Event) -> None:
        index = 0
        while not done.is_set():
            _answer, seconds = self.one(self.numbers[index % len(self.numbers)])
            self.latencies.append(seconds * 1000)
            index += 1


def _register_file(path: Path, rows: int) -> int:
    """A CSV register as a district office exports it; returns how many rows are bad."""
    from rgis.personal import iin_invented

    start = datetime.datetime(2015, 1, 1, 9, 0)
    bad = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Номер", "ФИО", "ИИН", "Дата подачи", "E-mail", "Телефон"])
        for index in range(rows):
            iin = iin_invented(index)
            if index % 10_000 == 9_999:  # a typing error now and then
                iin = iin[:11] + str((int(iin[11]) + 1) % 10)
                bad += 1
            filed = start + datetime.timedelta(minutes=index * 45)
            writer.writerow(
                [
                    f"OLD-{index + 1:06d}",
                    f"Заявитель Тестовый {index}",
                    iin,
                    filed.strftime("%d.%m.%Y %H:%M"),
                    f"person{index}@example.kz" if index % 3 == 0 else "",
                    "",
                ]
            )
    return bad


def _chain_problems(connection, queue_slug: str) -> list:
    from queues.ledger import timestamp_text
    from queues.ledger_check import chain_problems

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.sequence, e.recorded_at, e.event, e.application_number, e.applicant_key, "
            "e.details, e.previous_hash, e.entry_hash FROM queues_ledgerentry e "
            "JOIN queues_queue q ON q.id = e.queue_id WHERE q.slug = %s ORDER BY e.sequence",
            [queue_slug],
        )
        entries = [
            {
                "queue": queue_slug,
                "sequence": row[0],
                "recorded_at": timestamp_text(row[1]),
                "event": row[2],
                "application": row[3],
                "applicant": row[4],
                "details": row[5],
                "previous_hash": row[6],
                "entry_hash": row[7],
            }
            for row in cursor.fetchall()
        ]
    return chain_problems(entries)


def _positions_wrong(connection, answers: dict[str, int | None]) -> list[str]:
    wrong = []
    with connection.cursor() as cursor:
        for number, answered in list(answers.items())[:CHECKED]:
            cursor.execute(COUNT_SQL, [number])
            expected = cursor.fetchone()[0]
            if answered != expected:
                wrong.append(f"{number}: answered {answered}, counted {expected}")
    return wrong


def _measure(workdir: Path) -> dict:
    from django.conf import settings

    figures: dict = {}
    with _support.scratch_database() as database:
        connection = database.connect()
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                SEED_SQL,
                {
                    "count": APPLICATIONS,
                    "parcels": ALLOCATIONS,
                    "srid": settings.RGIS_STORAGE_SRID,
                },
            )
        print(
            f"set-up: {APPLICATIONS:,} waiting applications and {ALLOCATIONS} free parcels "
            f"in {time.perf_counter() - start:.1f} s"
        )
        database.analyze()
        rng = random.Random(5)
        # Numbers beyond the first allocations, so part 2's look-ups keep finding waiters.
        serials = rng.sample(range(ALLOCATIONS * 2, APPLICATIONS + 1), WARM_UP + LOOKUPS)
        numbers = [f"BENCH-{serial:07d}" for serial in serials]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT number, id FROM queues_application WHERE number = ANY(%s)", [numbers]
            )
            ids = dict(cursor.fetchall())
        with _support.gunicorn(database, workdir) as app:
            # Part 1: one look-up at a time, each followed by the primary-key fetch.
            lookups = Lookups(app.port, numbers)
            endpoint, reference, answers = [], [], {}
            with connection.cursor() as cursor:
                for index, number in enumerate(numbers):
                    answer, seconds = lookups.one(number)
                    start = time.perf_counter()
                    cursor.execute("SELECT * FROM queues_application WHERE id = %s", [ids[number]])
                    cursor.fetchone()
                    pk_seconds = time.perf_counter() - start
                    if index >= WARM_UP:
                        endpoint.append(seconds * 1000)
                        reference.append(pk_seconds * 1000)
                        answers[number] = answer.get("position")
            figures["endpoint"], figures["reference"] = endpoint, reference
            figures["wrong"] = _positions_wrong(connection, answers)
            figures["lookup_errors"] = list(lookups.errors)

            # Part 2: allocations in a child while the look-ups go on.
            lookups.latencies, lookups.errors = [], []
            done = threading.Event()
            looker = threading.Thread(target=lookups.until, args=(done,))
            looker.start()
            try:
                wall, out = _support.run_child(
                    [sys.executable, "-m", "bench._queue_allocate", "bench-izhs", str(ALLOCATIONS)],
                    database.child_env(),
                    _support.BASE_DIR,
                )
            finally:
                done.set()
                looker.join()
                lookups.client.close()
            figures["allocation_wall"] = wall
            figures["allocation_seconds"] = json.loads(out.strip().splitlines()[-1])["seconds"]
            figures["during"] = lookups.latencies
            figures["during_errors"] = lookups.errors
            # Everyone moved up by the allocations: the answers must say so.
            check = Lookups(app.port, numbers)
            after = {number: check.one(number)[0].get("position") for number in numbers[:CHECKED]}
            check.client.close()
            figures["wrong_after"] = _positions_wrong(connection, after)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), count(*) FILTER (WHERE number <= %s) FROM queues_application "
                "WHERE status = 'allocated'",
                [f"BENCH-{ALLOCATIONS:07d}"],
            )
            figures["allocated"], figures["allocated_in_order"] = cursor.fetchone()
        figures["chain"] = _chain_problems(connection, "bench-izhs")

        # Part 3: a register imported through the command.
        register = workdir / "register.csv"
        bad = _register_file(register, REGISTER_ROWS)
        try:
            seconds, out = database.manage(
                "queue_import", "bench-gardening", str(register), "--commit"
            )
        except RuntimeError as error:
            figures["import_error"] = str(error)[-1500:]
        else:
            figures["import_seconds"] = seconds
            figures["import_output"] = out[-600:]
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM queues_application a JOIN queues_queue q "
                    "ON q.id = a.queue_id WHERE q.slug = 'bench-gardening'"
                )
                figures["imported"] = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT count(*) FROM queues_ledgerentry e JOIN queues_queue q "
                    "ON q.id = e.queue_id WHERE q.slug = 'bench-gardening' "
                    "AND e.event = 'registered'"
                )
                figures["import_ledger"] = cursor.fetchone()[0]
            figures["import_chain"] = _chain_problems(connection, "bench-gardening")
        figures["import_expected"] = REGISTER_ROWS - bad
        connection.close()
    return figures


def run() -> bool:
    started = time.perf_counter()
    figures = _support.measured("rgis-bench-queues-", _measure)
    if figures is None:
        return False
    missed = []
    p99 = _support.percentile(figures["endpoint"], 0.99)
    median = _support.percentile(figures["endpoint"], 0.5)
    reference = _support.percentile(figures["reference"], 0.99)
    print(
        f"1. position look-up over {APPLICATIONS:,} waiting: p99 {p99:.2f} ms (median "
        f"{median:.2f} ms); primary-key fetch p99 {reference:.2f} ms: ratio "
        f"{p99 / reference:.1f}x; goal p99 <= {GOAL_MS:.0f} ms: {p99 / GOAL_MS:.2f}x the goal"
    )
    if p99 > GOAL_MS:
        missed.append(f"look-up p99 {p99:.2f} ms > {GOAL_MS:.0f} ms")
    if figures["wrong"] or figures["lookup_errors"]:
        missed.append(f"look-ups wrong: {(figures['wrong'] + figures['lookup_errors'])[:3]}")

    each = figures["allocation_seconds"]
    during = _support.percentile(figures["during"], 0.99) if figures["during"] else float("nan")
    print(
        f"2. {len(each)} allocations (offer, verify, accept, ledger) in "
        f"{figures['allocation_wall']:.1f} s: {len(each) / sum(each):.1f} allocations/s, "
        f"median {_support.percentile(each, 0.5) * 1000:.1f} ms each; "
        f"{len(figures['during'])} look-ups meanwhile: p99 {during:.2f} ms, "
        f"{during / p99:.2f}x part 1's p99"
    )
    if figures["allocated"] != ALLOCATIONS or figures["allocated_in_order"] != ALLOCATIONS:
        missed.append(
            f"{figures['allocated']} allocated, {figures['allocated_in_order']} of them to "
            f"the first {ALLOCATIONS} in line"
        )
    if figures["chain"]:
        missed.append(f"ledger chain broken: {figures['chain'][:2]}")
    if figures["wrong_after"]:
        missed.append(f"positions wrong after allocating: {figures['wrong_after'][:3]}")
    if figures["during_errors"]:
        missed.append(f"look-ups failed during allocation: {figures['during_errors'][:2]}")

    if "import_error" in figures:
        print(f"3. queue_import failed: {figures['import_error']}")
        missed.append("bulk import failed")
    else:
        seconds = figures["import_seconds"]
        print(
            f"3. register of {REGISTER_ROWS:,} rows imported in {seconds:.1f} s: "
            f"{REGISTER_ROWS / seconds:,.0f} rows/s; {figures['imported']:,} applications, "
            f"{figures['import_ledger']:,} ledger entries ({figures['import_expected']:,} "
            f"expected); goal <= {IMPORT_GOAL_S:.0f} s: {seconds / IMPORT_GOAL_S:.2f}x the goal"
        )
        if seconds > IMPORT_GOAL_S:
            missed.append(f"import {seconds:.0f} s > {IMPORT_GOAL_S:.0f} s")
        expected = figures["import_expected"]
        if figures["imported"] != expected or figures["import_ledger"] != expected:
            missed.append("the import did not write one application and entry per good row")
        if figures["import_chain"]:
            missed.append(f"import ledger chain broken: {figures['import_chain'][:2]}")
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
    print(f"verdict: {'PASS' if not missed else 'FAIL (' + '; '.join(missed) + ')'}")
    return not missed
