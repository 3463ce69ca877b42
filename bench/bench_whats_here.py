"""What is here: GET /api/whats-here?lat=..&lon=.. over a 100k-parcel layer and the zoning.

A scratch database gets the demo data (`load_demo`: the master plan's functional zones,
imported and subdivided by the import core, a ПДП and the districts) and a 100,000-parcel
layer imported through `import_layer --commit`. The app runs as deployed (gunicorn with
docker/gunicorn.conf.py and the production settings) and is asked from one keep-alive
connection, one request at a time, at POINTS random points (fixed seed) inside the parcel
layer's bounds, after WARM_UP look-ups elsewhere in it. Each look-up is followed by a
GET /healthz, the reference: the same server, middleware and connection for a view that
runs `SELECT 1`.

Goal: the look-up's p99 is at most 10 ms. Its ratio to the p99 of /healthz is printed too.
"""

import json
import random
import time

from bench import _support
from bench._support import Connection

FEATURES = 100_000
POINTS = 2000
WARM_UP = 200
GOAL_MS = 10.0
PATH = "/api/whats-here"


def _endpoint_exists() -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(PATH)
    except Resolver404:
        return False
    return True


def _points(bounds: list[float], count: int, seed: int) -> list[tuple[float, float]]:
    west, south, east, north = bounds
    rng = random.Random(seed)
    return [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(count)]


def _measure(workdir) -> dict:
    with _support.scratch_database() as database:
        seconds, _ = database.manage("load_demo")
        print(f"set-up: demo data (master plan zoning, a ПДП, districts) in {seconds:.1f} s")
        public_id = _support.parcels_import(database, workdir, FEATURES)
        database.analyze()
        with _support.gunicorn(database, workdir) as app:
            client = Connection(app.port)
            try:
                status, body, _headers, _seconds = client.get(f"/tiles/{public_id}.json")
                assert status == 200, ("TileJSON", status)
                bounds = json.loads(body)["bounds"]
                for lat, lon in _points(bounds, WARM_UP, seed=1):
                    client.get(f"{PATH}?lat={lat:.6f}&lon={lon:.6f}")
                    client.get("/healthz")
                lookups, health, answers = [], [], []
                for lat, lon in _points(bounds, POINTS, seed=2):
                    status, body, _headers, seconds = client.get(
                        f"{PATH}?lat={lat:.6f}&lon={lon:.6f}"
                    )
                    assert status == 200, (PATH, lat, lon, status, body[:300])
                    lookups.append(seconds * 1000)
                    answers.append(json.loads(body))
                    status, _body, _headers, seconds = client.get("/healthz")
                    assert status == 200, ("/healthz", status)
                    health.append(seconds * 1000)
            finally:
                client.close()
    return {"lookups": lookups, "health": health, "answers": answers}


def run() -> bool:
    started = time.perf_counter()
    if not _endpoint_exists():
        print(f"{PATH} does not exist (no URL resolves it)")
        print("verdict: FAIL (endpoint missing)")
        return False
    figures = _support.measured("rgis-bench-whats-here-", _measure)
    if figures is None:
        return False
    answers = figures["answers"]
    parcels = sum(bool(answer.get("parcel")) for answer in answers)
    zones = sum(bool(answer.get("zone")) for answer in answers)
    print(
        f"{POINTS} random points in the parcel layer's bounds: {parcels} on a parcel, "
        f"{zones} in a master-plan zone"
    )
    lookup = _support.percentile(figures["lookups"], 0.99)
    health = _support.percentile(figures["health"], 0.99)
    median = _support.percentile(figures["lookups"], 0.5)
    print(
        f"{PATH}: p99 {lookup:.2f} ms (median {median:.2f} ms); /healthz p99 {health:.2f} ms: "
        f"ratio {lookup / health:.2f}x; goal p99 <= {GOAL_MS:.0f} ms: "
        f"{lookup / GOAL_MS:.2f}x the goal"
    )
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
    missed = []
    if lookup > GOAL_MS:
        missed.append(f"p99 {lookup:.2f} ms > {GOAL_MS:.0f} ms")
    if parcels == 0 or zones == 0:
        missed.append("the look-ups found no parcel or no zone")
    print(f"verdict: {'PASS' if not missed else 'FAIL (' + '; '.join(missed) + ')'}")
    return not missed
