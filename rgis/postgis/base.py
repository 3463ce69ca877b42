"""Django's PostGIS backend, with two additions of the portal.

Health checks only after a connection sat idle. With CONN_HEALTH_CHECKS Django sends
`SELECT 1` before the first query of every request: a round trip (and a wake-up of the
database backend) per tile or look-up, a third of the portal's own time on a small tile.
Connections die mostly while they sit unused (idle time-outs of PostgreSQL, a pooler or a
firewall; a restart at night); those are still checked. A connection that served a request
less than HEALTH_CHECK_AFTER_IDLE_SECONDS ago is taken to be alive: if the database went
away within that second, that request fails and Django closes the connection after it (it
does on any error), as without the checks.

A statement timeout on every connection (rgis/db.py says which: web requests get
RGIS_WEB_STATEMENT_TIMEOUT_MS, commands and workers RGIS_WORKER_STATEMENT_TIMEOUT_MS). It
travels in the connection's start-up packet (`options=-c statement_timeout=...`), so it
costs no round trip, and no visitor's request can keep the database busy for longer.
"""

import time
from typing import Any

from django.contrib.gis.db.backends.postgis.base import (
    DatabaseWrapper as PostGISDatabaseWrapper,
)
from django.core.signals import request_finished, request_started

from rgis.db import statement_timeout_wanted, web_request_finished, web_request_started

HEALTH_CHECK_AFTER_IDLE_SECONDS = 1.0

request_started.connect(web_request_started, dispatch_uid="rgis.db.web_request_started")
request_finished.connect(web_request_finished, dispatch_uid="rgis.db.web_request_finished")


class DatabaseWrapper(PostGISDatabaseWrapper):
    _last_used_at = float("-inf")
    # The statement_timeout this connection was opened with (or last SET to); rgis/db.py.
    rgis_statement_timeout: int | None = None

    def close_if_health_check_failed(self) -> None:
        now = time.monotonic()
        if now - self._last_used_at < HEALTH_CHECK_AFTER_IDLE_SECONDS:
            self.health_check_done = True
        self._last_used_at = now
        super().close_if_health_check_failed()

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        timeout = statement_timeout_wanted()
        params["options"] = f"{params.get('options', '')} -c statement_timeout={timeout}".strip()
        self.rgis_statement_timeout = timeout
        return params
