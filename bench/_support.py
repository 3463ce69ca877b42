"""What the benchmarks share: a scratch database, the app and its proxy served as deployed.

- `ScratchDatabase` / `scratch_database()`: a database of the run's own, with PostGIS and
  the migrations, dropped at the end; `parcels_import()` puts a generated parcel layer in
  it through the real `import_layer` command.
- `gunicorn()`, `nginx()`, `Server`: child processes on 127.0.0.1, each in a process group
  of its own that is ended when the `with` block ends, also on failure.
- `Connection` and `fetch_all()`: keep-alive HTTP clients (libcurl), one request at a time
  or several.

Everything here talks to 127.0.0.1 only.
"""

import contextlib
import gzip
import io
import math
import os
import queue
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pycurl

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# What a browser sends with every tile request; the proxy caches one copy per variant.
BROWSER_HEADERS = {"Accept-Encoding": "gzip", "Accept-Language": "ru-RU,ru;q=0.9"}


def run_child(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    """Run a child to its end; its wall time in seconds and its stdout."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return wall, done.stdout


class ScratchDatabase:
    """A database of its own for the run, with PostGIS and migrations; dropped at the end."""

    def __init__(self) -> None:
        from django.conf import settings

        self.settings = settings.DATABASES["default"]
        self.name = f"rgis_bench_{os.getpid()}"
        self.url = urlunsplit(urlsplit(settings.DATABASE_URL)._replace(path=f"/{self.name}"))

    def _admin(self, statement: str) -> None:
        connection = psycopg2.connect(**self._params(self.settings["NAME"]))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def _params(self, name: str) -> dict:
        return {
            "dbname": name,
            "user": self.settings["USER"],
            "password": self.settings["PASSWORD"],
            "host": self.settings["HOST"] or None,
            "port": self.settings["PORT"] or None,
        }

    def connect(self):
        connection = psycopg2.connect(**self._params(self.name))
        connection.autocommit = True
        return connection

    def create(self) -> None:
        self._admin(f'CREATE DATABASE "{self.name}" TEMPLATE template0')
        connection = self.connect()
        with connection, connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION postgis")
        connection.close()

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def ogr_target(self) -> str:
        parts = {
            "dbname": self.name,
            "host": self.settings["HOST"],
            "port": self.settings["PORT"],
            "user": self.settings["USER"],
        }
        return "PG:" + " ".join(f"{key}={value}" for key, value in parts.items() if value)

    def analyze(self) -> None:
        """Planner statistics for what was just loaded, as autovacuum gathers them soon after.

        Right after a bulk import the planner still believes the feature table is small.
        """
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        finally:
            connection.close()

    def child_env(self) -> dict[str, str]:
        """The environment of a Django child process working on this database."""
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "DATABASE_REPLICA_URLS": "",  # children must not read from the portal's replicas
            "PGPASSWORD": self.settings["PASSWORD"] or "",
        }
        env.setdefault("DJANGO_SETTINGS_MODULE", "rgis.settings.dev")
        return env

    def manage(self, *arguments: str) -> tuple[float, str]:
        """Run a manage.py command on this database in a child; its wall time and stdout."""
        command = [sys.executable, "manage.py", *arguments]
        return run_child(command, self.child_env(), BASE_DIR)


@contextlib.contextmanager
def scratch_database() -> Iterator[ScratchDatabase]:
    """A migrated scratch database for the `with` block, dropped after it."""
    database = ScratchDatabase()
    database.create()
    try:
        database.manage("migrate", "--no-input", "-v", "0")
        yield database
    finally:
        database.drop()


def parcels_import(database: ScratchDatabase, workdir: Path, count: int) -> str:
    """Import parcel_grid(count) as a zipped cp1251 shapefile through `import_layer --commit
    --publish` (an import is not public until published, and the benches read it publicly).

    Returns the layer's public id. Prints how long the file and the import took.
    """
    from geodata.samples import parcel_grid, shapefile_zip

    start = time.perf_counter()
    archive = shapefile_zip(parcel_grid(count), workdir / f"parcels-{count}.zip")
    written = time.perf_counter() - start
    plan, layer = "bench", "parcels"
    seconds, _ = database.manage(
        "import_layer", str(archive), f"--plan={plan}", f"--layer={layer}",
        "--layer-kind=parcels", "--commit", "--publish",
    )  # fmt: skip
    print(f"set-up: {count} parcels written in {written:.1f} s, imported in {seconds:.1f} s")
    return f"{plan}.{layer}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """A server in a child process group of its own, listening on 127.0.0.1:`port`."""

    def __init__(self, name: str, command: list[str], *, env: dict, cwd: Path, log: Path):
        self.name, self.command, self.env, self.cwd, self.log = name, command, env, cwd, log
        self.port = 0
        self.process: subprocess.Popen | None = None

    def start(self, port: int, ready_path: str, timeout: float = 60.0) -> None:
        self.port = port
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start:\n{self.log_tail()}")
            probe = Connection(port)
            try:
                if probe.get(ready_path)[0] == 200:
                    return
            except (OSError, pycurl.error):
                pass  # not listening yet
            finally:
                probe.close()
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not answering {ready_path} in {timeout} s")

    def stop(self) -> None:
        """End the whole process group (master and workers): politely, then by force."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            # gunicorn, nginx and uvicorn masters wait for their workers before they exit.
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, size: int = 3000) -> str:
        return self.log.read_bytes()[-size:].decode(errors="replace") if self.log.exists() else ""

    def log_lines(self, needle: str) -> int:
        """How many lines of the server's log contain `needle` (e.g. requests that reached it)."""
        with self.log.open("rb") as log:
            return sum(needle.encode() in line for line in log)


@contextlib.contextmanager
def running(server: Server, port: int, ready_path: str) -> Iterator[Server]:
    try:
        server.start(port, ready_path)
        yield server
    finally:
        server.stop()


def gunicorn(database: ScratchDatabase, workdir: Path) -> contextlib.AbstractContextManager:
    """The app as deployed: gunicorn with docker/gunicorn.conf.py and the production settings.

    Only the address differs: 127.0.0.1 instead of every interface. The tile cache is
    `tile_cache_dir(workdir)`, which the caller may empty between request sets. Static
    files come from an empty folder: WhiteNoise lists STATIC_ROOT when a worker boots, and
    a `collectstatic` run beside the benchmark (tests, another checkout's make) would make
    that fail; no benchmark asks for a static file.
    """
    port = free_port()
    env = {**production_env(database, workdir), "PORT": str(port)}
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--config", str(BASE_DIR / "docker" / "gunicorn.conf.py"),
        "--bind", f"{HOST}:{port}",
        "rgis.wsgi:application",
    ]  # fmt: skip
    server = Server("gunicorn", command, env=env, cwd=BASE_DIR, log=workdir / "gunicorn.log")
    return running(server, port, "/healthz")


def production_env(database: ScratchDatabase, workdir: Path) -> dict[str, str]:
    """The environment of the app as deployed, on this database, with throwaway secrets."""
    static_dir(workdir).mkdir(exist_ok=True)
    return {
        **database.child_env(),
        "DJANGO_SETTINGS_MODULE": "rgis.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),  # throwaway, for this run only
        "RGIS_PERSONAL_DATA_KEY": secrets.token_urlsafe(32),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": HOST,
        "RGIS_TILE_CACHE_DIR": str(tile_cache_dir(workdir)),
        "STATIC_ROOT": str(static_dir(workdir)),
    }


def tile_cache_dir(workdir: Path) -> Path:
    return workdir / "tile-cache"


def static_dir(workdir: Path) -> Path:
    return workdir / "static"


def nginx(upstream: Server, workdir: Path) -> contextlib.AbstractContextManager:
    """The production proxy: docker/nginx.conf.template rendered for this machine.

    The template's `http {}` context is the official nginx image's nginx.conf; the only
    changes are the address it listens on, its upstream, and where its files go.
    """
    from django.conf import settings

    home = workdir / "nginx"
    home.mkdir()
    home.chmod(0o755)  # nginx's workers (not root) write the cache and temp files in it
    workdir.chmod(0o755)
    port = free_port()
    values = {
        "RGIS_UPSTREAM": f"{HOST}:{upstream.port}",
        "RGIS_MAX_UPLOAD_MB": str(settings.RGIS_MAX_UPLOAD_MB),
        "RGIS_MAX_REQUEST_MB": str(settings.RGIS_MAX_REQUEST_MB),
        "RGIS_TILE_CACHE_MAX_SIZE": "1g",
        "NGINX_LOCAL_RESOLVERS": HOST,  # never asked: the upstream is an address
    }
    template = (BASE_DIR / "docker" / "nginx.conf.template").read_text()
    site = re.sub(r"\$\{(RGIS_\w+|NGINX_LOCAL_RESOLVERS)\}", lambda m: values[m[1]], template)
    local = {
        "/var/cache/nginx/tiles": str(home / "tiles"),
        "listen 80 default_server;": f"listen {HOST}:{port} default_server;",
        "root /srv;": f"root {workdir};",  # /static/ is the app's STATIC_ROOT
    }
    for deployed, here in local.items():
        if deployed not in site:
            raise RuntimeError(f"docker/nginx.conf.template changed: no {deployed!r} in it")
        site = site.replace(deployed, here)
    (home / "default.conf").write_text(site)
    user = "user www-data www-data;" if os.geteuid() == 0 else ""
    (home / "nginx.conf").write_text(
        f"""
{user}
worker_processes auto;
pid {home}/nginx.pid;
error_log {home}/error.log notice;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                    '$status $body_bytes_sent "$http_referer" '
                    '"$http_user_agent" "$http_x_forwarded_for"';
    access_log {home}/access.log main;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {home}/client_body;
    proxy_temp_path {home}/proxy;
    fastcgi_temp_path {home}/fastcgi;
    uwsgi_temp_path {home}/uwsgi;
    scgi_temp_path {home}/scgi;
    include {home}/default.conf;
}}
"""
    )
    command = [
        "nginx", "-p", str(home), "-e", str(home / "error.log"),
        "-c", str(home / "nginx.conf"), "-g", "daemon off;",
    ]  # fmt: skip
    server = Server("nginx", command, env=dict(os.environ), cwd=home, log=home / "stdout.log")
    return running(server, port, "/healthz")


class Connection:
    """One keep-alive HTTP connection to 127.0.0.1:`port`, through libcurl (pycurl).

    A browser reads an answer with a C client; so does libcurl, in microseconds. Python's
    http.client parses every answer's headers with the email package, about 0.1 ms a request
    here, which would be counted as the server's time. libcurl keeps the connection open
    and opens a new one by itself when the server has closed it (e.g. a recycled worker).
    """

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.port, self.timeout = port, timeout
        self._curl: pycurl.Curl | None = None
        self._headers: dict[str, str] = {}

    def _header_line(self, line: bytes) -> None:
        name, colon, value = line.decode("latin-1").partition(":")
        if colon:
            self._headers[name.strip().lower()] = value.strip()

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes, dict, float]:
        """Status, body (decompressed), headers and the seconds the request took."""
        if self._curl is None:
            self._curl = pycurl.Curl()
            self._curl.setopt(pycurl.HEADERFUNCTION, self._header_line)
            self._curl.setopt(pycurl.TIMEOUT_MS, int(self.timeout * 1000))
            self._curl.setopt(pycurl.PROXY, "")  # straight to 127.0.0.1, whatever http_proxy says
        curl, body = self._curl, io.BytesIO()
        self._headers = {}
        curl.setopt(pycurl.URL, f"http://{HOST}:{self.port}{path}")
        sent = [f"{name}: {value}" for name, value in (headers or {}).items()]
        curl.setopt(pycurl.HTTPHEADER, sent)
        curl.setopt(pycurl.WRITEDATA, body)
        start = time.perf_counter()
        curl.perform()
        seconds = time.perf_counter() - start
        content = body.getvalue()
        if self._headers.get("content-encoding") == "gzip":
            content = gzip.decompress(content)
        return curl.getinfo(pycurl.RESPONSE_CODE), content, self._headers, seconds

    def close(self) -> None:
        if self._curl is not None:
            self._curl.close()
            self._curl = None


def fetch_all(
    port: int, paths: list[str], concurrency: int, headers: dict | None = None
) -> tuple[float, list[tuple[int, int]]]:
    """GET every path once, `concurrency` at a time; wall seconds and (status, size) of each."""
    todo: queue.SimpleQueue[str] = queue.SimpleQueue()
    for path in paths:
        todo.put(path)
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def client() -> None:
        connection = Connection(port)
        try:
            while True:
                try:
                    path = todo.get_nowait()
                except queue.Empty:
                    return
                status, body, _headers, _seconds = connection.get(path, headers)
                results.append((status, len(body)))
        except (OSError, pycurl.error) as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} client(s) failed, first: {errors[0]!r}")
    return seconds, results


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.99 for p99)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def tiles_covering(bounds: list[float], zooms: range) -> list[tuple[int, int, int]]:
    """Every (z, x, y) web-mercator tile meeting the lon/lat bounds, zoom by zoom."""
    west, south, east, north = bounds

    def column_row(lon: float, lat: float, z: int) -> tuple[int, int]:
        n = 2**z
        x = (lon + 180.0) / 360.0 * n
        y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
        return int(x), int(y)

    tiles = []
    for z in zooms:
        x0, y0 = column_row(west, north, z)
        x1, y1 = column_row(east, south, z)
        tiles += [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    return tiles


@contextlib.contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    """A temporary folder for one benchmark, removed at the end.

    Inside it SIGTERM unwinds like Ctrl-C does, so the servers and the scratch database
    started within are ended and dropped when the benchmark is stopped (e.g. a CI time-out).
    """

    def terminate(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        with tempfile.TemporaryDirectory(prefix=prefix) as path:
            yield Path(path)
    finally:
        signal.signal(signal.SIGTERM, previous)


def measured(prefix: str, measure, *args):  # type: ignore[no-untyped-def]
    """Run `measure(workdir, *args)` in a scratch folder; None (and a FAIL verdict printed)
    if the benchmark itself could not complete."""
    print(f"machine load before: {' '.join(f'{load:.1f}' for load in os.getloadavg())}")
    try:
        with workdir(prefix) as folder:
            return measure(folder, *args)
    except (
        RuntimeError,
        AssertionError,
        OSError,
        psycopg2.Error,
        subprocess.SubprocessError,
    ) as error:
        print(f"benchmark failed: {error!r}")
        print("verdict: FAIL (the benchmark did not complete)")
        return None
