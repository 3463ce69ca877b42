"""Reads of the queues that carry rules: positions in line."""

import datetime

from django.db import connections, router

from queues.models import Application

# The waiting applications filed on earlier days (QueueDay, kept by a trigger), plus those
# of the same day ahead in (filed_at, number) order: a few thousand day rows and one day's
# index entries, whatever the queue's length.
POSITION_SQL = """
SELECT coalesce((SELECT sum(waiting) FROM queues_queueday
                 WHERE queue_id = %(queue)s AND day < %(day)s), 0)
     + (SELECT count(*) FROM queues_application
        WHERE queue_id = %(queue)s AND status = 'waiting'
          AND filed_at >= %(day_start)s AND (filed_at, number) < (%(filed_at)s, %(number)s))
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
