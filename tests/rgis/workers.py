"""Real worker processes (`manage.py db_worker`) on the test database, for the job tests."""

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url_of_tests() -> str:
    settings = connection.settings_dict
    return (
        f"postgis://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}"
    )


class Worker:
    """One `manage.py db_worker` process, its output in a file (read by `output`)."""

    def __init__(self, log: Path, worker_id: str, **env: str) -> None:
        self.log = log
        self.worker_id = worker_id
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--queue-name",
                    "*",
                    "--interval",
                    "0.1",
                    "--no-startup-delay",
                    "--no-reload",
                    "--worker-id",
                    worker_id,
                ],  # fmt: skip
                cwd=ROOT,
                env={
                    **os.environ,
                    "DATABASE_URL": database_url_of_tests(),
                    "DJANGO_SETTINGS_MODULE": "rgis.settings.test",
                    **env,
                },
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wait_for(outcome: Callable[[], object], *, seconds: float = 90, what: str = "") -> object:
    """Poll until `outcome()` is truthy (and return it); fail after a deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = outcome()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what or outcome}")
