"""The two rules of a hearing's dates that span two tables, kept by the database too.

Order No. 505: an open meeting is held no earlier than 20 calendar days after the
announcement (on Almaty's calendar), and the comment window does not close before the last
meeting (proposals made there belong in it). hearings.rules.schedule_problems says the same
in words before anything is written; these triggers keep any other path (the admin, a
script, a race between two organisers) from breaking it.
"""

from django.db import migrations

TRIGGERS = """
CREATE FUNCTION hearings_meeting_schedule_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    hearing hearings_hearing%ROWTYPE;
BEGIN
    SELECT * INTO hearing FROM hearings_hearing WHERE id = NEW.hearing_id;
    IF (NEW.starts_at AT TIME ZONE 'Asia/Almaty')::date < hearing.announced_on + 20 THEN
        RAISE EXCEPTION 'hearing_meeting_20_days: a meeting is held no earlier than 20 days after the announcement'
            USING ERRCODE = 'check_violation';
    END IF;
    IF hearing.closes_at < NEW.starts_at THEN
        RAISE EXCEPTION 'hearing_window_after_meetings: the comment window closes before a meeting'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER hearings_meeting_schedule
    BEFORE INSERT OR UPDATE ON hearings_meeting
    FOR EACH ROW EXECUTE FUNCTION hearings_meeting_schedule_check();

CREATE FUNCTION hearings_hearing_schedule_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM hearings_meeting
        WHERE hearing_id = NEW.id
          AND ((starts_at AT TIME ZONE 'Asia/Almaty')::date < NEW.announced_on + 20
               OR starts_at > NEW.closes_at)
    ) THEN
        RAISE EXCEPTION 'hearing_schedule: a meeting is too early after the announcement or after the window closes'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER hearings_hearing_schedule
    BEFORE UPDATE OF announced_on, closes_at ON hearings_hearing
    FOR EACH ROW EXECUTE FUNCTION hearings_hearing_schedule_check();
"""

DROP = """
DROP TRIGGER IF EXISTS hearings_hearing_schedule ON hearings_hearing;
DROP FUNCTION IF EXISTS hearings_hearing_schedule_check();
DROP TRIGGER IF EXISTS hearings_meeting_schedule ON hearings_meeting;
DROP FUNCTION IF EXISTS hearings_meeting_schedule_check();
"""


class Migration(migrations.Migration):
    dependencies = [("hearings", "0001_initial")]

    operations = [migrations.RunSQL(TRIGGERS, DROP)]
