"""A resident's place in a queue of 1,000,000 waiting applications.

A scratch database gets one queue with APPLICATIONS waiting applications filed over ten
years (written with SQL in one statement, the per-row triggers switched off for the load
and the per-day waiting counts then built as the trigger keeps them), and ANALYZE. The app
runs as deployed (gunicorn with docker/gunicorn.conf.py and the production settings) and is
asked from one keep-alive connection, one request at a time, for LOOKUPS application
numbers drawn at random (fixed seed) from the whole queue, after WARM_UP others:
GET /api/queues/applications/<number>, the resident's endpoint (status, position, how many
are ahead). The reference, right after each request: a plain primary-key fetch of the same
application's row with psycopg2 on one connection.

Goal: the endpoint's p99 is at most 5 ms; its ratio to the primary-key fetch is printed.
Each answer's position is checked against a count(*) made for a sample of them.
"""

import json
import random
import time

from bench import _support
from bench._support import Connection

APPLICATIONS = 1_000_000
LOOKUPS = 2000
WARM_UP = 300
CHECKED = 20
GOAL_MS = 5.0

SEED_SQL = """
SET session_replication_role = replica;  -- no per-row triggers for the bulk load
INSERT INTO parcels_settlement (slug, name_kk, name_ru, name_en)
VALUES ('bench', 'Бенч', 'Бенч', 'Bench');
INSERT INTO queues_queue (slug, settlement_id, purpose_id, is_open, created_at)
SELECT 'bench-izhs', settlement.id, purpose.id, true, now()
FROM parcels_settlement settlement, parcels_landpurpose purpose
WHERE settlement.slug = 'bench' AND purpose.code = 'izhs';
INSERT INTO queues_application (
    queue_id, purpose_id, number, filed_at, status, status_changed_at, full_name,
    iin_encrypted, iin_digest, email, phone, is_verified, created_at)
SELECT queue.id, queue.purpose_id, 'BENCH-' || lpad(serial::text, 7, '0'),
       -- ten years of filings, about 270 a day, a few at the very same second
       now() - interval '3650 days' + (serial / 3) * interval '946 seconds',
       'waiting', now(), 'Bench Applicant ' || serial, 'x',
       md5(serial::text) || md5('iin' || serial::text), '', '', serial %% 2 = 0, now()
FROM queues_queue queue, generate_series(1, %(count)s) AS serial
WHERE queue.slug = 'bench-izhs';
SET session_replication_role = origin;
INSERT INTO queues_queueday (queue_id, day, waiting)
SELECT queue_id, (filed_at AT TIME ZONE 'UTC')::date, count(*)
FROM queues_application WHERE status = 'waiting' GROUP BY 1, 2;
"""


def _measure(workdir) -> dict:
    with _support.scratch_database() as database:
        connection = database.connect()
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(SEED_SQL, {"count": APPLICATIONS})
        print(
            f"set-up: {APPLICATIONS:,} waiting applications in {time.perf_counter() - start:.1f} s"
        )
        database.analyze()
        rng = random.Random(5)
        serials = rng.sample(range(1, APPLICATIONS + 1), WARM_UP + LOOKUPS)
        numbers = [f"BENCH-{serial:07d}" for serial in serials]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT number, id FROM queues_application WHERE number = ANY(%s)", [numbers]
            )
            ids = dict(cursor.fetchall())
        endpoint, reference, answers = [], [], {}
        with _support.gunicorn(database, workdir) as app:
            client = Connection(app.port)
            try:
                with connection.cursor() as cursor:
                    for index, number in enumerate(numbers):
                        status, body, _headers, seconds = client.get(
                            f"/api/queues/applications/{number}"
                        )
                        assert status == 200, (number, status, body[:300])
                        start = time.perf_counter()
                        cursor.execute(
                            "SELECT * FROM queues_application WHERE id = %s", [ids[number]]
                        )
                        cursor.fetchone()
                        pk_seconds = time.perf_counter() - start
                        if index < WARM_UP:
                            continue
                        endpoint.append(seconds * 1000)
                        reference.append(pk_seconds * 1000)
                        answers[number] = json.loads(body)["position"]
            finally:
                client.close()
        wrong = []
        with connection.cursor() as cursor:
            for number in list(answers)[:CHECKED]:
                cursor.execute(
                    "SELECT count(*) + 1 FROM queues_application a, queues_application me "
                    "WHERE me.number = %s AND a.queue_id = me.queue_id AND a.status = 'waiting' "
                    "AND (a.filed_at, a.number) < (me.filed_at, me.number)",
                    [number],
                )
                expected = cursor.fetchone()[0]
                if answers[number] != expected:
                    wrong.append(f"{number}: answered {answers[number]}, counted {expected}")
        connection.close()
    return {"endpoint": endpoint, "reference": reference, "wrong": wrong}


def run() -> bool:
    started = time.perf_counter()
    figures = _support.measured("rgis-bench-queue-position-", _measure)
    if figures is None:
        return False
    p99 = _support.percentile(figures["endpoint"], 0.99)
    median = _support.percentile(figures["endpoint"], 0.5)
    reference = _support.percentile(figures["reference"], 0.99)
    print(
        f"position look-up over {APPLICATIONS:,} waiting: p99 {p99:.2f} ms (median "
        f"{median:.2f} ms); primary-key fetch p99 {reference:.2f} ms: ratio "
        f"{p99 / reference:.1f}x; goal p99 <= {GOAL_MS:.0f} ms: {p99 / GOAL_MS:.2f}x the goal"
    )
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
    missed = []
    if p99 > GOAL_MS:
        missed.append(f"p99 {p99:.2f} ms > {GOAL_MS:.0f} ms")
    if figures["wrong"]:
        missed.append(f"wrong positions: {'; '.join(figures['wrong'][:3])}")
    print(f"verdict: {'PASS' if not missed else 'FAIL (' + '; '.join(missed) + ')'}")
    return not missed
