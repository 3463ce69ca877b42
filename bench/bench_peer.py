"""Against a peer: our tiles and OGC API items per second against tipg's, on the same rows.

tipg (PyPI `tipg`, developmentseed's OGC Features + Tiles server for PostGIS, FastAPI on
asyncpg) is installed in a virtualenv of its own under var/bench/ (not a project
dependency; made once, then reused) and served by uvicorn with one worker per core. It
reads a view of the scratch database that exposes the 100,000 imported parcels as tipg
expects them: an `id`, one column per attribute, the geometry in EPSG:4326 straight from
the feature table (so both servers use its GiST index).

Our side is the app as deployed (gunicorn with docker/gunicorn.conf.py and the production
settings), reached directly, its tile cache emptied before each round. Both are asked by
CONCURRENCY keep-alive clients, as a browser asks (Accept-Encoding: gzip):

- tiles: every z16 tile of the layer once per round (nothing is cached: neither side has
  seen the tile before in that round);
- items: ITEM_PAGES pages of `items?limit=100&bbox=...`, each bbox a random 400 m square
  in the layer (new squares in each round, the same for both sides), every page full.

Rounds alternate between the two servers. Goal: ours is faster on both.
"""

import contextlib
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import _support
from bench._support import BASE_DIR, BROWSER_HEADERS, Connection, Server

FEATURES = 100_000
TIPG = "tipg==1.6.1"
PEER_VENV = BASE_DIR / "var" / "bench" / "tipg-1.6.1"
VIEW = "bench_parcels"
ROUNDS = 2
CONCURRENCY = 4
ITEM_PAGES = 200
LIMIT = 100
BBOX_METRES = 400
ITEM_HEADERS = {**BROWSER_HEADERS, "Accept": "application/geo+json"}


def _peer_venv() -> Path:
    """tipg's own virtualenv, made on the first run."""
    ready = PEER_VENV / ".installed"
    if not ready.exists():
        shutil.rmtree(PEER_VENV, ignore_errors=True)
        python = shutil.which("python3") or sys.executable
        print(f"set-up: installing {TIPG} and uvicorn into {PEER_VENV.relative_to(BASE_DIR)}")
        _support.run_child([python, "-m", "venv", str(PEER_VENV)], dict(os.environ), BASE_DIR)
        pip = [str(PEER_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        _support.run_child([*pip, TIPG, "uvicorn"], dict(os.environ), BASE_DIR)
        ready.touch()
    return PEER_VENV


def _peer_view(database) -> None:
    """The parcels as tipg serves a table: id, one column per attribute, geometry."""
    connection = database.connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM geodata_layerversion WHERE is_current")
            (version,) = cursor.fetchone()
            cursor.execute(
                "SELECT key, jsonb_typeof(value) FROM geodata_feature, jsonb_each(attributes) "
                "WHERE version_id = %s AND fid = 0",
                [version],
            )
            columns = [
                f"(attributes ->> '{key}')::float8 AS {key.lower()}"
                if kind == "number"
                else f"attributes ->> '{key}' AS {key.lower()}"
                for key, kind in cursor.fetchall()
            ]
            cursor.execute(
                f"CREATE VIEW {VIEW} AS SELECT fid AS id, {', '.join(columns)}, geometry "  # noqa: S608
                f"FROM geodata_feature WHERE version_id = {int(version)}"
            )
    finally:
        connection.close()


def _tipg(database, workdir: Path, venv: Path) -> contextlib.AbstractContextManager:
    """tipg under uvicorn, one worker per core, serving only the view."""
    env = {
        **os.environ,
        "DATABASE_URL": database.url.replace("postgis://", "postgresql://", 1),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": f'["public.{VIEW}"]',
    }
    port = _support.free_port()
    command = [
        str(venv / "bin" / "uvicorn"), "tipg.main:app",
        "--host", _support.HOST, "--port", str(port), "--workers", str(os.cpu_count() or 2),
    ]  # fmt: skip
    home = workdir / "tipg"
    home.mkdir()  # tipg reads a .env from its working directory: none there
    server = Server("tipg", command, env=env, cwd=home, log=home / "uvicorn.log")
    return _support.running(server, port, "/healthz")


def _bboxes(bounds: list[float], count: int, seed: int) -> list[str]:
    """`count` random squares of BBOX_METRES inside the bounds, as bbox= values."""
    west, south, east, north = bounds
    height = BBOX_METRES / 111_320
    width = height / math.cos(math.radians(north))
    rng = random.Random(seed)
    boxes = []
    for _ in range(count):
        x, y = rng.uniform(west, east - width), rng.uniform(south, north - height)
        boxes.append(f"{x:.6f},{y:.6f},{x + width:.6f},{y + height:.6f}")
    return boxes


def _rate(port: int, paths: list[str], headers: dict) -> tuple[int, float, int]:
    """Requests done, seconds taken and bytes (uncompressed) received.

    Every answer must be a 200; a tile on the layer's edge may be empty.
    """
    seconds, results = _support.fetch_all(port, paths, CONCURRENCY, headers)
    failed = [result for result in results if result[0] != 200]
    assert not failed, f"{len(failed)} of {len(paths)} requests failed, e.g. {failed[0]}"
    return len(results), seconds, sum(size for _status, size in results)


def _full_page(port: int, path: str) -> None:
    client = Connection(port)
    try:
        status, body, _headers, _seconds = client.get(path, ITEM_HEADERS)
    finally:
        client.close()
    assert status == 200, (path, status, body[:300])
    returned = len(json.loads(body)["features"])
    assert returned == LIMIT, (path, f"{returned} features, not {LIMIT}")


def _measure(workdir: Path, ogc: bool) -> dict:
    with _support.scratch_database() as database:
        public_id = _support.parcels_import(database, workdir, FEATURES)
        database.analyze()
        _peer_view(database)
        venv = _peer_venv()
        with _support.gunicorn(database, workdir) as app, _tipg(database, workdir, venv) as peer:
            client = Connection(app.port)
            status, body, _headers, _seconds = client.get(f"/tiles/{public_id}.json")
            client.close()
            assert status == 200, ("TileJSON", status)
            tilejson = json.loads(body)
            url = urlsplit(tilejson["tiles"][0])
            template = f"{url.path}?{url.query}" if url.query else url.path
            tiles = _support.tiles_covering(tilejson["bounds"], range(16, 17))
            collection = f"/collections/public.{VIEW}"
            paths = {
                "ours": [template.format(z=z, x=x, y=y) for z, x, y in tiles],
                "tipg": [f"{collection}/tiles/WebMercatorQuad/{z}/{x}/{y}" for z, x, y in tiles],
            }
            servers = {"ours": app.port, "tipg": peer.port}
            figures: dict = {"tiles": len(tiles)}
            figures["tiles/s"] = _compare(servers, lambda _round: paths, BROWSER_HEADERS, workdir)
            if ogc:

                def pages(round_: int) -> dict[str, list[str]]:
                    boxes = _bboxes(tilejson["bounds"], ITEM_PAGES, seed=round_)
                    query = f"items?limit={LIMIT}&bbox="
                    return {
                        "ours": [f"/ogc/collections/{public_id}/{query}{box}" for box in boxes],
                        "tipg": [f"{collection}/{query}{box}" for box in boxes],
                    }

                for side, page in pages(-1).items():
                    _full_page(servers[side], page[0])
                figures["items/s"] = _compare(servers, pages, ITEM_HEADERS, workdir)
    return figures


def _compare(servers: dict, paths_for, headers: dict, workdir: Path) -> dict[str, dict]:
    """Requests per second and KB per answer of each server: a warm-up, then ROUNDS in turn."""
    done = {side: [0, 0.0, 0] for side in servers}
    for round_ in range(ROUNDS + 1):
        paths = paths_for(round_)
        order = list(servers) if round_ % 2 == 0 else list(reversed(servers))
        for side in order:
            # Our tile cache starts empty in each round: every tile is made afresh.
            shutil.rmtree(_support.tile_cache_dir(workdir), ignore_errors=True)
            count, seconds, size = _rate(servers[side], paths[side], headers)
            if round_ > 0:  # the first round warms the database and the connections
                done[side][0] += count
                done[side][1] += seconds
                done[side][2] += size
    return {
        side: {"rate": count / seconds, "kb": size / count / 1024}
        for side, (count, seconds, size) in done.items()
    }


def _ogc_exists() -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve("/ogc/collections/plan.layer/items")
    except Resolver404:
        return False
    return True


def run() -> bool:
    started = time.perf_counter()
    print(f"machine load before: {' '.join(f'{load:.1f}' for load in os.getloadavg())}")
    ogc = _ogc_exists()
    if not ogc:
        print("/ogc/ does not exist (no URL resolves /ogc/collections/<id>/items)")
    figures = _support.measured("rgis-bench-peer-", _measure, ogc)
    if figures is None:
        return False
    missed = []
    ours, tipg = figures["tiles/s"]["ours"], figures["tiles/s"]["tipg"]
    print(
        f"uncached z16 tiles ({figures['tiles']} tiles, {CONCURRENCY} clients, {ROUNDS} rounds): "
        f"ours {ours['rate']:.0f} tiles/s ({ours['kb']:.1f} KB each), tipg {tipg['rate']:.0f} "
        f"tiles/s ({tipg['kb']:.1f} KB each, its default 256-unit buffer against our 64): "
        f"ratio {ours['rate'] / tipg['rate']:.2f}x (goal > 1x)"
    )
    if ours["rate"] <= tipg["rate"]:
        missed.append("tiles/s not above tipg's")
    if "items/s" in figures:
        ours, tipg = figures["items/s"]["ours"], figures["items/s"]["tipg"]
        print(
            f"item pages (limit={LIMIT}, a {BBOX_METRES} m bbox, {ITEM_PAGES} per round, "
            f"{CONCURRENCY} clients): ours {ours['rate']:.1f} pages/s ({ours['kb']:.0f} KB "
            f"each), tipg {tipg['rate']:.1f} pages/s ({tipg['kb']:.0f} KB each): "
            f"ratio {ours['rate'] / tipg['rate']:.2f}x (goal > 1x)"
        )
        if ours["rate"] <= tipg["rate"]:
            missed.append("items/s not above tipg's")
    else:
        missed.append("/ogc/ missing")
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
    print(f"verdict: {'PASS' if not missed else 'FAIL (' + '; '.join(missed) + ')'}")
    return not missed
