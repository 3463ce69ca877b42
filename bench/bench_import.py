"""Import: a 100,000-parcel shapefile through the import core, against ogr2ogr on the same file.

The file is what district offices send: a zipped shapefile in Pulkovo 1942 / Gauss-Krüger
zone 12 (EPSG:28412), the DBF in cp1251 with no .cpg, one polygon in a hundred a
self-intersecting bow tie. Both sides decode the same text, reproject with the same
coordinate operation (the Kazakhstan datum shift, EPSG:1291), repair invalid polygons and
promote them to multipolygons, and COPY into PostGIS:

- the core runs the real `import_layer --commit` command in a child process: it detects
  the encoding, unpacks the zip, reads in batches, and COPYs into the shared feature
  table, which keeps its GiST index, its unique (version, fid) index and its foreign key
  up to date row by row, then computes the extent, the area and the version report;
- ogr2ogr (`-makevalid -nlt PROMOTE_TO_MULTI`, PG_USE_COPY) reads the unzipped .shp and
  writes a table of its own, with its default GiST index and primary key.

Goal: the core takes at most 1.2x ogr2ogr's time (medians of ROUNDS runs each, interleaved).
The core's time is the command's own work, measured inside the child; the interpreter and
Django start-up are shown beside it but not counted, as ogr2ogr starts in milliseconds.
Memory must stay flat as the file grows: the import process's peak RSS with 100k features
is at most 1.5x its peak with 10k.

Everything runs in a scratch database created for the run and dropped at the end.
"""

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import psycopg2

from bench._support import ScratchDatabase, run_child

FEATURES = 100_000
SMALL = 10_000
INVALID_EVERY = 100
ROUNDS = 3
GOAL = 1.2
MEMORY_GOAL = 1.5
PLAN, LAYER, OGR_TABLE = "bench", "parcels", "bench_ogr2ogr"
OGR2OGR = shutil.which("ogr2ogr") or "/usr/bin/ogr2ogr"
TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def _peak_kb() -> int:
    """This process's peak RSS, from the kernel's high-water mark of its own memory map.

    Not getrusage(): a child spawned from this big benchmark process inherits the
    parent's size at exec in ru_maxrss.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _files(workdir: Path) -> dict[int, tuple[Path, Path]]:
    """The zipped shapefiles (for the core) and the unzipped .shp (for ogr2ogr), by size."""
    from geodata.samples import parcel_grid, shapefile_zip

    files = {}
    for count in (SMALL, FEATURES):
        archive = shapefile_zip(
            parcel_grid(count, invalid_every=INVALID_EVERY),
            workdir / f"parcels-{count}.zip",
            encoding="cp1251",
            keep_cpg=False,
        )
        unzipped = workdir / f"unzipped-{count}"
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(unzipped)
        files[count] = (archive, next(unzipped.rglob("*.shp")))
    return files


def _pipeline(shp: Path) -> tuple[str, str, str]:
    """-s_srs, -t_srs and -ct for ogr2ogr: the core's own coordinate operation.

    Without -ct GDAL picks another Pulkovo 1942 datum shift (metres apart, not the one
    DOMAIN.md names). GDAL applies -ct to coordinates in the axis order of the EPSG
    definitions (northing first for Gauss-Krüger and for EPSG:4326), hence the axis swaps.
    """
    from django.conf import settings
    from pyproj import CRS

    from geodata.importing.crs import crs_label, crs_parse, storage_transformer

    source = crs_parse(shp.with_suffix(".prj").read_text())
    source_code = crs_label(source)  # EPSG:28412, as the core's report says
    target_code = f"EPSG:{settings.RGIS_STORAGE_SRID}"
    steps = storage_transformer(source).to_proj4().removeprefix("+proj=pipeline").strip()
    swap = "+step +proj=axisswap +order=2,1"

    def northing_first(code: str) -> bool:
        return CRS.from_user_input(code).axis_info[0].direction.lower() == "north"

    before = swap if northing_first(source_code) else ""
    after = swap if northing_first(target_code) else ""
    pipeline = " ".join(part for part in ("+proj=pipeline", before, steps, after) if part)
    return source_code, target_code, pipeline


def _core(path: Path, env: dict[str, str], cwd: Path) -> dict:
    """One import through the command in a child process: its timings and peak memory."""
    command = [sys.executable, "-m", "bench.bench_import", "--child", str(path)]
    wall, stdout = run_child(command, env, cwd)
    return {**json.loads(stdout.strip().splitlines()[-1]), "wall": wall}


def _ogr2ogr(shp: Path, database: ScratchDatabase, env: dict[str, str], cwd: Path) -> dict:
    source, target, pipeline = _pipeline(shp)
    # GNU time reports ogr2ogr's own peak (informative only; ogr2ogr is not the goal).
    measure = [TIME, "-f", "%M"] if TIME else []
    command = [
        *measure,
        OGR2OGR,
        "--config",
        "PG_USE_COPY",
        "YES",
        "-f",
        "PostgreSQL",
        database.ogr_target(),
        str(shp),
        "-oo",
        "ENCODING=CP1251",
        "-s_srs",
        source,
        "-t_srs",
        target,
        "-ct",
        pipeline,
        "-makevalid",
        "-nlt",
        "PROMOTE_TO_MULTI",
        "-nln",
        OGR_TABLE,
        "-lco",
        "GEOMETRY_NAME=geometry",
        "-overwrite",
    ]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"ogr2ogr failed:\n{done.stderr[-2000:]}")
    peak = int(done.stderr.split()[-1]) if TIME else None
    return {"seconds": wall, "wall": wall, "peak_kb": peak}


def _reset(cursor) -> None:
    """Every core run is a layer's first version into an empty feature table."""
    cursor.execute("TRUNCATE geodata_feature, geodata_layerversion CASCADE")


def _check_core(cursor, result: dict, expected: int) -> None:
    """Every feature stored and valid, and the report counts the repairs."""
    cursor.execute(
        "SELECT count(*), count(*) FILTER (WHERE ST_IsValid(geometry)) FROM geodata_feature"
    )
    rows, valid = cursor.fetchone()
    assert rows == valid == expected, ("core", rows, valid, expected)
    repaired = f"repaired: {expected // INVALID_EVERY} "
    assert repaired in result["report"], ("core report", result["report"])


def _compare(cursor) -> str:
    """Both sides hold the same features, text and coordinates."""
    cursor.execute(
        f"SELECT count(*), count(*) FILTER (WHERE ST_IsValid(geometry)), "  # noqa: S608
        f"ST_Extent(geometry)::text, min(nazvanie) FROM {OGR_TABLE}"
    )
    ogr = cursor.fetchone()
    cursor.execute(
        "SELECT count(*), count(*) FILTER (WHERE ST_IsValid(geometry)), "
        "ST_Extent(geometry)::text, min(attributes->>'NAZVANIE') FROM geodata_feature"
    )
    core = cursor.fetchone()
    assert ogr[:2] == core[:2] == (FEATURES, FEATURES), (ogr, core)
    assert ogr[3] == core[3], ("text decoded differently", ogr[3], core[3])
    cursor.execute(
        f"SELECT max(ST_HausdorffDistance(o.geometry, f.geometry)) "  # noqa: S608
        f"FROM {OGR_TABLE} o JOIN geodata_feature f ON f.fid = o.ogc_fid - 1 "
        f"WHERE f.fid % 97 = 0"
    )
    distance = cursor.fetchone()[0]
    assert distance < 1e-9, ("coordinates differ", distance)
    return f"same {FEATURES} valid features, text and extent {core[2]}"


def _mb(kilobytes: float) -> str:
    return f"{kilobytes / 1024:.0f} MB"


def _measure(workdir: Path) -> dict:
    """Generate the files, then run both sides in a scratch database; the raw figures."""
    from django.conf import settings

    cwd = Path(settings.BASE_DIR)
    database = ScratchDatabase()
    env = database.child_env()
    files = _files(workdir)
    print(
        f"files: {FEATURES} and {SMALL} parcels in EPSG:28412, cp1251 DBF without .cpg, "
        f"1 in {INVALID_EVERY} a bow tie ({files[FEATURES][0].stat().st_size // 1024} KB zipped)"
    )
    database.create()
    try:
        database.manage("migrate", "--no-input", "-v", "0")
        connection = database.connect()
        try:
            with connection.cursor() as cursor:
                _reset(cursor)
                small = _core(files[SMALL][0], env, cwd)
                _check_core(cursor, small, SMALL)
                core_runs, ogr_runs = [], []
                for _round in range(ROUNDS):
                    ogr_runs.append(_ogr2ogr(files[FEATURES][1], database, env, cwd))
                    _reset(cursor)
                    core_runs.append(_core(files[FEATURES][0], env, cwd))
                    _check_core(cursor, core_runs[-1], FEATURES)
                comparison = _compare(cursor)
        finally:
            connection.close()
    finally:
        database.drop()
    return {"small": small, "core": core_runs, "ogr2ogr": ogr_runs, "comparison": comparison}


def run() -> bool:
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="rgis-bench-import-") as workdir:
            figures = _measure(Path(workdir))
    except (RuntimeError, AssertionError, OSError, psycopg2.Error) as error:
        print(f"benchmark failed: {error!r}")
        print("verdict: FAIL (the benchmark did not complete)")
        return False
    core_runs, ogr_runs, small = figures["core"], figures["ogr2ogr"], figures["small"]
    core = statistics.median(r["seconds"] for r in core_runs)
    core_wall = statistics.median(r["wall"] for r in core_runs)
    reference = statistics.median(r["seconds"] for r in ogr_runs)
    ratio = core / reference
    peak_small = small["peak_kb"]
    peak_large = max(r["peak_kb"] for r in core_runs)
    memory_ratio = peak_large / peak_small
    print(
        "core: import_layer --commit: zip -> COPY into the shared geodata_feature table "
        "(GiST, unique (version, fid) and FK kept up to date), then extent, area, report"
    )
    print(
        "ogr2ogr: -makevalid -nlt PROMOTE_TO_MULTI, the same -ct pipeline, PG_USE_COPY, "
        "a new table with its GiST index and primary key"
    )
    print(f"check: {figures['comparison']}")
    print(
        f"{FEATURES} features, median of {ROUNDS}: core {core:.2f} s "
        f"(whole process {core_wall:.2f} s with start-up), ogr2ogr {reference:.2f} s: "
        f"ratio {ratio:.2f}x (goal <= {GOAL}x)"
    )
    print(
        f"peak RSS of the import process: {_mb(peak_small)} for {SMALL} features "
        f"({_mb(peak_small - small['baseline_kb'])} above Django start-up), {_mb(peak_large)} "
        f"for {FEATURES} ({_mb(peak_large - core_runs[0]['baseline_kb'])} above): "
        f"ratio {memory_ratio:.2f}x (goal <= {MEMORY_GOAL}x)"
    )
    if TIME:
        print(f"ogr2ogr peaked at {_mb(max(r['peak_kb'] for r in ogr_runs))}")
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
    missed = []
    if ratio > GOAL:
        missed.append(f"time ratio {ratio:.2f}x > {GOAL}x")
    if memory_ratio > MEMORY_GOAL:
        missed.append(f"memory ratio {memory_ratio:.2f}x > {MEMORY_GOAL}x")
    print(f"verdict: {'PASS' if not missed else 'FAIL (' + '; '.join(missed) + ')'}")
    return not missed


def _child(path: Path) -> None:
    """The import process: the real command, timed from inside (start-up excluded)."""
    import io

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rgis.settings.dev")
    django.setup()
    from django.core.management import call_command

    baseline = _peak_kb()
    report = io.StringIO()
    start = time.perf_counter()
    call_command("import_layer", str(path), plan=PLAN, layer=LAYER, commit=True, stdout=report)
    seconds = time.perf_counter() - start
    figures = {"seconds": seconds, "peak_kb": _peak_kb(), "baseline_kb": baseline}
    print(json.dumps({**figures, "report": report.getvalue()}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(Path(sys.argv[2]))
