"""Django's PostGIS backend, health-checking a persistent connection only after it sat idle.

With CONN_HEALTH_CHECKS Django sends `SELECT 1` before the first query of every request:
a round trip (and a wake-up of the database backend) per tile or look-up, a third of the
portal's own time on a small tile. Connections die mostly while they sit unused (idle
time-outs of PostgreSQL, a pooler or a firewall; a restart at night); those are still
checked. A connection that served a request less than HEALTH_CHECK_AFTER_IDLE_SECONDS ago
is taken to be alive: if the database went away within that second, that request fails
and Django closes the connection after it (it does on any error), as without the checks.
"""

import time

from django.contrib.gis.db.backends.postgis.base import (
    DatabaseWrapper as PostGISDatabaseWrapper,
)

HEALTH_CHECK_AFTER_IDLE_SECONDS = 1.0


class DatabaseWrapper(PostGISDatabaseWrapper):
    _last_used_at = float("-inf")

    def close_if_health_check_failed(self) -> None:
        now = time.monotonic()
        if now - self._last_used_at < HEALTH_CHECK_AFTER_IDLE_SECONDS:
            self.health_check_done = True
        self._last_used_at = now
        super().close_if_health_check_failed()
