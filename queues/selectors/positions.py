"""Places in line: of one application, of a page of them, and a resident's standing by number.

A position is a sum over the queue's day rows (QueueDay, kept by a trigger) plus a count
inside one filing day, whatever the queue's length.
"""

import datetime
from dataclasses import dataclass

from django.db import connections, router

from parcels.models import LandPurpose, Settlement
from queues.models import Application

# The waiting applications filed on earlier days (QueueDay, kept by a trigger), plus those
# of the same day ahead in (filed_at, number) order: a few thousand day rows and one day's
# index entries, whatever the queue's length. The plain `filed_at <= ` bound is implied by
# the row comparison, but without it the planner cannot see how few rows that day holds.
POSITION_SQL = """
SELECT coalesce((SELECT sum(waiting) FROM queues_queueday
                 WHERE queue_id = %(queue)s AND day < %(day)s), 0)
     + (SELECT count(*) FROM queues_application
        WHERE queue_id = %(queue)s AND status = 'waiting'
          AND filed_at >= %(day_start)s AND filed_at <= %(filed_at)s
          AND (filed_at, number) < (%(filed_at)s, %(number)s))
"""


def applications_ahead(application: Application) -> int:
    """How many waiting applications are ahead of this one in its queue."""
    filed = application.filed_at.astimezone(datetime.UTC)
    day_start = filed.replace(hour=0, minute=0, second=0, microsecond=0)
    alias = router.db_for_read(Application)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            POSITION_SQL,
            {
                "queue": application.queue_id,
                "day": day_start.date(),
                "day_start": day_start,
                "filed_at": application.filed_at,
                "number": application.number,
            },
        )
        return int(cursor.fetchone()[0])


def application_position(application: Application) -> int | None:
    """Place in line (ahead + 1) of a waiting application; None when it is not waiting."""
    if application.status != Application.Status.WAITING:
        return None
    return applications_ahead(application) + 1


# The same count as POSITION_SQL for many applications at once (a page of the staff list):
# one statement whatever the page size.
POSITIONS_SQL = """
SELECT t.id,
       coalesce((SELECT sum(waiting) FROM queues_queueday
                 WHERE queue_id = %(queue)s
                   AND day < (t.filed_at AT TIME ZONE 'UTC')::date), 0)
     + (SELECT count(*) FROM queues_application a
        WHERE a.queue_id = %(queue)s AND a.status = 'waiting'
          AND a.filed_at >= date_trunc('day', t.filed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
          AND (a.filed_at, a.number) < (t.filed_at, t.number)) + 1
FROM unnest(%(ids)s::bigint[], %(filed)s::timestamptz[], %(numbers)s::text[])
     AS t(id, filed_at, number)
"""


def application_positions(queue_id: int, applications: list[Application]) -> dict[int, int]:
    """Places in line of the waiting applications among `applications` (one query)."""
    waiting = [a for a in applications if a.status == Application.Status.WAITING]
    if not waiting:
        return {}
    alias = router.db_for_read(Application)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            POSITIONS_SQL,
            {
                "queue": queue_id,
                "ids": [a.pk for a in waiting],
                "filed": [a.filed_at for a in waiting],
                "numbers": [a.number for a in waiting],
            },
        )
        return {int(pk): int(position) for pk, position in cursor.fetchall()}


@dataclass(frozen=True)
class Standing:
    """Where one application stands, as the public position look-up tells it."""

    number: str
    filed_at: datetime.datetime
    status: str
    queue_slug: str
    settlement: Settlement
    purpose: LandPurpose
    ahead: int | None  # waiting applications ahead; None when this one is not waiting

    @property
    def position(self) -> int | None:
        return None if self.ahead is None else self.ahead + 1

    @property
    def status_label(self) -> str:
        return str(Application.Status(self.status).label)

    @property
    def queue_name(self) -> str:
        return f"{self.settlement.name}: {self.purpose.name}"


# The same count as POSITION_SQL, fed from the application's own row: one statement and
# one round trip for the resident's look-up by number.
STANDING_SQL = """
WITH me AS (
    SELECT a.number, a.filed_at, a.status, a.queue_id, q.slug,
           s.name_kk AS s_kk, s.name_ru AS s_ru, s.name_en AS s_en,
           p.name_kk AS p_kk, p.name_ru AS p_ru, p.name_en AS p_en
    FROM queues_application a
    JOIN queues_queue q ON q.id = a.queue_id
    JOIN parcels_settlement s ON s.id = q.settlement_id
    JOIN parcels_landpurpose p ON p.id = q.purpose_id
    WHERE a.number = %(number)s
)
SELECT me.number, me.filed_at, me.status, me.slug, me.s_kk, me.s_ru, me.s_en,
       me.p_kk, me.p_ru, me.p_en,
       CASE WHEN me.status = 'waiting' THEN
           coalesce((SELECT sum(d.waiting) FROM queues_queueday d
                     WHERE d.queue_id = me.queue_id
                       AND d.day < (me.filed_at AT TIME ZONE 'UTC')::date), 0)
         + (SELECT count(*) FROM queues_application o
            WHERE o.queue_id = me.queue_id AND o.status = 'waiting'
              AND o.filed_at >= date_trunc('day', me.filed_at, 'UTC')
              AND o.filed_at <= me.filed_at
              AND (o.filed_at, o.number) < (me.filed_at, me.number))
       END
FROM me
"""


def application_standing(number: str) -> Standing | None:
    """Status and place in line of the application with this number (None: no such one)."""
    alias = router.db_for_read(Application)
    with connections[alias].cursor() as cursor:
        cursor.execute(STANDING_SQL, {"number": number})
        row = cursor.fetchone()
    if row is None:
        return None
    number, filed_at, status, slug, s_kk, s_ru, s_en, p_kk, p_ru, p_en, ahead = row
    return Standing(
        number=number,
        filed_at=filed_at,
        status=status,
        queue_slug=slug,
        settlement=Settlement(name_kk=s_kk, name_ru=s_ru, name_en=s_en),
        purpose=LandPurpose(name_kk=p_kk, name_ru=p_ru, name_en=p_en),
        ahead=None if ahead is None else int(ahead),
    )
