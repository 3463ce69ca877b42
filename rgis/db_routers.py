"""Send reads to PostgreSQL streaming replicas when there are any, writes to the primary.

Replicas are configured with DATABASE_REPLICA_URLS (see docs/scaling.md). A request that
has written stays on the primary for its reads through Django's own rule: inside
`transaction.atomic()` every query uses the connection of the write.
"""

import random
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model

# Always read from the primary: sessions and accounts (a visitor who just signed in must
# not look signed out because a replica lags), the audit log, and the job queue, whose
# worker claims rows with SELECT ... FOR UPDATE inside a transaction on the primary.
PRIMARY_ONLY_APPS = frozenset(
    # rgis: the rate-limit counts; a lagging replica would let a flood through.
    {"sessions", "auth", "contenttypes", "admin", "staff", "django_tasks_database", "rgis"}
)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        replicas = replica_aliases()
        # Inside a transaction on the primary, read from it: a replica may lag behind.
        if (
            not replicas
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections["default"].in_atomic_block
        ):
            return "default"
        return random.choice(replicas)  # noqa: S311 (load spreading, not security)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Every alias holds the same data: replicas mirror the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
