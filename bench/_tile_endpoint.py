"""Child of bench_tiles: the tile endpoint called in process, against the bare SQL.

Run as `python -m bench._tile_endpoint <public id> <tiles.json> <rounds>` with the
production environment of the benchmark's gunicorn (bench._support.production_env). It
loads the WSGI app as gunicorn does (rgis.wsgi.application: the lean tile path in front of
Django, production settings) and calls it with the environ gunicorn would build for a
browser's tile request, one tile at a time, the tile cache emptied before each round. The
time runs from the call to the last byte of the body; close(), which writes the tile cache
after the bytes are sent, is not counted (the client already has the tile). Right after
each call the same statement (geodata.tiles.TILE_SQL) runs with psycopg2 on a connection of
its own: the reference. The bytes must be the same.

Prints one JSON line: milliseconds by zoom for the app and for the SQL, and the median of
/healthz called the same way (the app's floor: Django and one `SELECT 1`).
"""

import gzip
import io
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import psycopg2


def _environ(path: str, query: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def main(public_id: str, tiles_file: str, rounds: int) -> None:
    from django.conf import settings
    from django.db import connection

    from geodata.models import LayerVersion
    from geodata.tiles import TILE_SQL, tile_sql_params
    from rgis.wsgi import application

    tiles = [(tuple(tile), path) for tile, path in json.loads(Path(tiles_file).read_text())]
    statuses: list[str] = []

    def start_response(status: str, _headers: list, _exc_info: object = None) -> None:
        statuses.append(status)

    def call(path_and_query: str) -> tuple[float, bytes, object]:
        path, _, query = path_and_query.partition("?")
        environ = _environ(path, query)
        start = time.perf_counter()
        body = application(environ, start_response)
        content = b"".join(body)
        seconds = time.perf_counter() - start
        return seconds, content, body

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM geodata_layerversion WHERE is_current")
        version = LayerVersion(pk=cursor.fetchone()[0])
    reference = psycopg2.connect(settings.DATABASE_URL.replace("postgis://", "postgresql://"))
    reference.autocommit = True
    cursor = reference.cursor()

    def sql(tile: tuple) -> tuple[float, bytes]:
        start = time.perf_counter()
        cursor.execute(TILE_SQL, tile_sql_params(version, public_id, *tile))
        row = cursor.fetchone()
        seconds = time.perf_counter() - start
        return seconds, bytes(row[0]) if row and row[0] else b""

    def app(path: str) -> tuple[float, bytes]:
        seconds, content, body = call(path)
        body.close()  # type: ignore[attr-defined]  # WSGI: the server closes after sending
        return seconds, gzip.decompress(content) if content[:2] == b"\x1f\x8b" else content

    for index, (tile, path) in enumerate(tiles):  # warm buffers, connections, the memo
        sql(tile)
        if index % 10 == 0:
            app(path)
    healthz = [call("/healthz")[0] * 1000 for _ in range(300)]
    figures: dict = {}
    for _round in range(rounds):
        shutil.rmtree(os.environ["RGIS_TILE_CACHE_DIR"], ignore_errors=True)
        for tile, path in tiles:
            statuses.clear()
            app_seconds, content = app(path)
            sql_seconds, expected = sql(tile)
            if statuses != ["200 OK"]:
                raise SystemExit(f"{path}: {statuses}")
            if content != expected and not _same_features(content, expected):
                raise SystemExit(f"{path}: the app's tile is not the SQL's")
            by_zoom = figures.setdefault(str(tile[0]), {"app": [], "sql": []})
            by_zoom["app"].append(app_seconds * 1000)
            by_zoom["sql"].append(sql_seconds * 1000)
    reference.close()
    print(json.dumps({"figures": figures, "healthz": statistics.median(healthz)}))


def _same_features(one: bytes, other: bytes) -> bool:
    from bench.bench_tiles import _same_tile

    return _same_tile(one, other)


if __name__ == "__main__":
    import django

    django.setup()
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
