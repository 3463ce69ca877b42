"""Sign-in doors: a bogus HTTP Basic header on a public API endpoint costs nothing extra.

In the same run: an anonymous GET of a public endpoint (a demo application's place in the
queue, /api/queues/applications/<number>) without and with `Authorization: Basic` of a
real staff user name and a wrong password, alternating. Before issue 12 every such
request hashed the password (~0.2 s with Django's PBKDF2) and wrote a `login_failed`
audit entry. Goals: the ratio with/without <= 1.5x, and the audit log grows by 0 rows.

Runs on the configured database inside one transaction that is rolled back at the end:
the demo queue and the staff user it makes leave nothing behind (but the application
numbers the demo used, a sequence).
"""

import base64
import statistics
import time

from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client

ROUNDS = 200
GOAL = 1.5


def _timed_ms(client: Client, path: str, headers: dict[str, str]) -> tuple[float, int]:
    """Milliseconds one GET took, and its status."""
    start = time.perf_counter()
    response = client.get(path, headers=headers)
    return (time.perf_counter() - start) * 1000, response.status_code


def _measure() -> bool:
    from queues.demo import demo_queues_load
    from queues.models import Application
    from staff.models import AuditEntry

    demo_queues_load()
    application = Application.objects.filter(status="waiting").order_by("filed_at").last()
    if application is None:
        print("no waiting application in the demo queue")
        return False
    if not User.objects.filter(username="bench-admin").exists():
        User.objects.create_user("bench-admin", password="the right one", is_staff=True)
    path = f"/api/queues/applications/{application.number}"
    bogus = base64.b64encode(b"bench-admin:a wrong guess").decode()
    plain_headers: dict[str, str] = {}
    basic_headers = {"Authorization": f"Basic {bogus}"}

    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(5):  # warm caches and the connection
        _timed_ms(client, path, plain_headers)
    audit_before = AuditEntry.objects.count()
    plain, basic = [], []
    statuses: set[tuple[int, int]] = set()
    for _ in range(ROUNDS):
        plain_ms, plain_status = _timed_ms(client, path, plain_headers)
        basic_ms, basic_status = _timed_ms(client, path, basic_headers)
        plain.append(plain_ms)
        basic.append(basic_ms)
        statuses.add((plain_status, basic_status))
    audit_growth = AuditEntry.objects.count() - audit_before

    plain_ms, basic_ms = statistics.median(plain), statistics.median(basic)
    ratio = basic_ms / plain_ms
    print(
        f"{path}: median {plain_ms:.2f} ms without the header, {basic_ms:.2f} ms with a bogus "
        f"Basic header: ratio {ratio:.2f}x (goal <= {GOAL}x)"
    )
    same_answer = statuses == {(200, 200)}
    print(f"statuses (without, with the header): {sorted(statuses)} (goal: 200 both)")
    print(f"audit log growth over {ROUNDS} bogus requests: {audit_growth} rows (goal 0)")
    met = ratio <= GOAL and audit_growth == 0 and same_answer
    print(f"verdict: {'PASS' if met else 'FAIL'}")
    return met


def run() -> bool:
    with transaction.atomic():
        met = _measure()
        transaction.set_rollback(True)
    return met
