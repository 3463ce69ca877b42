"""Vector tiles of a 100,000-parcel layer: uncached from the app, cached from the proxy.

The layer is parcel_grid(100_000), imported through the real `import_layer --commit` into a
scratch database. The tile set is every z14-z16 tile meeting the layer's TileJSON bounds.
The app runs as deployed: rgis.wsgi.application (the lean tile path in front of Django)
with the production settings, in gunicorn with docker/gunicorn.conf.py.

1. Uncached, the endpoint. Each tile is asked once per round from the WSGI app loaded as
   gunicorn loads it, in a process of its own (bench._tile_endpoint), the app's tile cache
   emptied before each round, one request at a time with a browser's headers
   (Accept-Encoding: gzip, so the app compresses too). Right after each request the same
   statement (geodata.tiles.TILE_SQL, tile_sql_params) runs with psycopg2 on one
   connection: the reference. Goal: the endpoint's median is at most 1.2x the SQL's, i.e.
   routing, the layer look-up (which a worker remembers for a moment), the statement
   timeout and the compression add at most a fifth to the database's own work. Both must
   give the same bytes.
2. Uncached, over HTTP (reported, not a goal): the same, each tile asked from gunicorn
   over a keep-alive connection by libcurl (a C client, as a browser's is). This adds the
   HTTP server's hop: reading and parsing the request, handing it to a worker thread,
   writing the answer, and the client's reading.
   How much that alone costs is shown by /healthz asked both ways.
3. Cached. nginx with a config rendered from docker/nginx.conf.template (only the address,
   the upstream and the file paths changed) in front of that gunicorn, warmed with every
   tile, then loaded by wrk over the same tiles for LOAD_SECONDS. Goal: at least 3,000
   tiles/s on this 2-core machine; no tile request may reach gunicorn during the load.
"""

import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import _support
from bench._support import BROWSER_HEADERS, Connection, Server

FEATURES = 100_000
ZOOMS = range(14, 17)
ROUNDS = 2
GOAL = 1.2
CACHED_GOAL = 3000.0
LOAD_SECONDS = 10
LOAD_THREADS = 2
LOAD_CONNECTIONS = 32


def _in_process(database, workdir: Path, public_id: str, paths: dict) -> dict:
    """Milliseconds per tile from the endpoint in process and from the bare SQL, by zoom."""
    tiles_file = workdir / "tiles.json"
    tiles_file.write_text(json.dumps([[list(tile), path] for tile, path in paths.items()]))
    command = [sys.executable, "-m", "bench._tile_endpoint", public_id, str(tiles_file)]
    _seconds, output = _support.run_child(
        [*command, str(ROUNDS)], _support.production_env(database, workdir), _support.BASE_DIR
    )
    measured = json.loads(output.strip().splitlines()[-1])
    figures = {int(z): values for z, values in measured["figures"].items()}
    return {"figures": figures, "healthz": measured["healthz"]}


def _over_http(app: Server, database, workdir: Path, public_id: str, paths: dict) -> dict:
    """Milliseconds per tile from gunicorn and from the bare SQL, interleaved, by zoom."""
    from geodata.models import LayerVersion
    from geodata.tiles import TILE_SQL, tile_sql_params

    connection = database.connect()
    client = Connection(app.port)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM geodata_layerversion WHERE is_current")
            version = LayerVersion(pk=cursor.fetchone()[0])

            def sql(tile: tuple[int, int, int]) -> tuple[float, bytes]:
                start = time.perf_counter()
                cursor.execute(TILE_SQL, tile_sql_params(version, public_id, *tile))
                row = cursor.fetchone()
                seconds = time.perf_counter() - start
                return seconds, bytes(row[0]) if row and row[0] else b""

            # Warm the database's buffers and the app's workers and connections.
            for index, tile in enumerate(paths):
                sql(tile)
                if index % 10 == 0:
                    client.get(paths[tile], BROWSER_HEADERS)
            figures: dict = {z: {"app": [], "sql": []} for z in ZOOMS}
            for _round in range(ROUNDS):
                shutil.rmtree(_support.tile_cache_dir(workdir), ignore_errors=True)
                for tile, path in paths.items():
                    status, body, _headers, app_seconds = client.get(path, BROWSER_HEADERS)
                    sql_seconds, expected = sql(tile)
                    assert status == 200, (path, status)
                    assert _same_tile(body, expected), (path, "the app's tile is not the SQL's")
                    figures[tile[0]]["app"].append(app_seconds * 1000)
                    figures[tile[0]]["sql"].append(sql_seconds * 1000)
            healthz = [client.get("/healthz")[3] * 1000 for _ in range(300)]
    finally:
        client.close()
        connection.close()
    return {"figures": figures, "healthz": statistics.median(healthz)}


def _same_tile(one: bytes, other: bytes) -> bool:
    """The same features, whatever their order (a parallel scan may return rows in any)."""
    if one == other:
        return True
    import mapbox_vector_tile

    def features(tile: bytes) -> dict:
        return {
            name: sorted(json.dumps(feature, sort_keys=True) for feature in layer["features"])
            for name, layer in mapbox_vector_tile.decode(tile).items()
        }

    return features(one) == features(other)


def _wrk(proxy: Server, paths: list[str], workdir: Path) -> tuple[float, str]:
    """Tiles per second from wrk cycling through the paths; and wrk's report."""
    script = workdir / "tiles.lua"
    headers = ", ".join(f'["{name}"] = "{value}"' for name, value in BROWSER_HEADERS.items())
    script.write_text(
        "local paths = {" + ", ".join(json.dumps(path) for path in paths) + "}\n"
        "local headers = {" + headers + "}\n"
        "local counter = 0\n"
        "request = function()\n"
        "  counter = counter + 1\n"
        "  return wrk.format('GET', paths[counter % #paths + 1], headers)\n"
        "end\n"
    )
    command = [
        "wrk", f"-t{LOAD_THREADS}", f"-c{LOAD_CONNECTIONS}", f"-d{LOAD_SECONDS}s",
        "--timeout", "5s", "-s", str(script), f"http://{_support.HOST}:{proxy.port}",
    ]  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=LOAD_SECONDS + 30, check=True
    )
    report = done.stdout
    if "Non-2xx or 3xx responses" in report or "Socket errors" in report:
        raise RuntimeError(f"wrk saw failed requests:\n{report}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", report)
    if rate is None:
        raise RuntimeError(f"no rate in wrk's report:\n{report}")
    return float(rate[1]), report


def _cached(app: Server, proxy: Server, paths: list[str], workdir: Path) -> dict:
    """Warm the proxy with every tile, check they are hits, then load it with wrk."""
    seconds, results = _support.fetch_all(proxy.port, paths, 4, BROWSER_HEADERS)
    assert all(status == 200 for status, _size in results), "warming the proxy failed"
    client = Connection(proxy.port)
    try:
        for path in paths:
            _status, _body, headers, _seconds = client.get(path, BROWSER_HEADERS)
            assert headers.get("x-cache-status") == "HIT", (path, headers.get("x-cache-status"))
    finally:
        client.close()
    reached_app = app.log_lines("GET /tiles/")
    rate, report = _wrk(proxy, paths, workdir)
    leaked = app.log_lines("GET /tiles/") - reached_app
    assert leaked == 0, f"{leaked} tile requests reached gunicorn during the load"
    latency = re.search(r"Latency\s+(\S+)", report)
    return {"rate": rate, "warm_seconds": seconds, "latency": latency[1] if latency else "?"}


def _measure(workdir: Path) -> dict:
    with _support.scratch_database() as database:
        public_id = _support.parcels_import(database, workdir, FEATURES)
        database.analyze()
        with _support.gunicorn(database, workdir) as app:
            client = Connection(app.port)
            status, body, _headers, _seconds = client.get(f"/tiles/{public_id}.json")
            client.close()
            assert status == 200, ("TileJSON", status)
            tilejson = json.loads(body)
            url = urlsplit(tilejson["tiles"][0])  # the URL template the map uses, with ?v=
            template = f"{url.path}?{url.query}" if url.query else url.path
            tiles = _support.tiles_covering(tilejson["bounds"], ZOOMS)
            paths = {(z, x, y): template.format(z=z, x=x, y=y) for z, x, y in tiles}
            in_process = _in_process(database, workdir, public_id, paths)
            over_http = _over_http(app, database, workdir, public_id, paths)
            with _support.nginx(app, workdir) as proxy:
                cached = _cached(app, proxy, list(paths.values()), workdir)
    return {"tiles": tiles, "in_process": in_process, "over_http": over_http, "cached": cached}


def _medians(figures: dict) -> tuple[float, float]:
    app = statistics.median(v for z in ZOOMS for v in figures[z]["app"])
    sql = statistics.median(v for z in ZOOMS for v in figures[z]["sql"])
    return app, sql


def run() -> bool:
    started = time.perf_counter()
    figures = _support.measured("rgis-bench-tiles-", _measure)
    if figures is None:
        return False
    tiles, in_process, cached = figures["tiles"], figures["in_process"], figures["cached"]
    counts = ", ".join(f"z{z}: {sum(t[0] == z for t in tiles)}" for z in ZOOMS)
    print(f"tile set: {len(tiles)} tiles covering the layer ({counts}), {ROUNDS} rounds")
    for z in ZOOMS:
        by_zoom = in_process["figures"][z]
        app, sql = statistics.median(by_zoom["app"]), statistics.median(by_zoom["sql"])
        print(f"  z{z}: endpoint {app:.2f} ms, SQL {sql:.2f} ms (medians): {app / sql:.2f}x")
    app, sql = _medians(in_process["figures"])
    ratio = app / sql
    print(
        f"uncached tile, median: the endpoint (WSGI app in process) {app:.2f} ms, the same "
        f"SQL on one psycopg2 connection {sql:.2f} ms: ratio {ratio:.2f}x (goal <= {GOAL}x)"
    )
    over_http = figures["over_http"]
    http_app, http_sql = _medians(over_http["figures"])
    hop = over_http["healthz"] - in_process["healthz"]
    print(
        f"uncached tile over HTTP through gunicorn (not a goal): {http_app:.2f} ms, SQL "
        f"{http_sql:.2f} ms: {http_app / http_sql:.2f}x; /healthz takes "
        f"{over_http['healthz']:.2f} ms over HTTP and {in_process['healthz']:.2f} ms in "
        f"process: the hop adds {hop:.2f} ms to any request"
    )
    rate = cached["rate"]
    print(
        f"cached tiles through nginx (wrk -t{LOAD_THREADS} -c{LOAD_CONNECTIONS}, "
        f"{LOAD_SECONDS} s, gzip): {rate:.0f} tiles/s, mean latency {cached['latency']}: "
        f"{rate / CACHED_GOAL:.2f}x the goal of {CACHED_GOAL:.0f} tiles/s"
    )
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
    missed = []
    if ratio > GOAL:
        missed.append(f"uncached {ratio:.2f}x > {GOAL}x")
    if rate < CACHED_GOAL:
        missed.append(f"cached {rate:.0f} tiles/s < {CACHED_GOAL:.0f}")
    print(f"verdict: {'PASS' if not missed else 'FAIL (' + '; '.join(missed) + ')'}")
    return not missed
