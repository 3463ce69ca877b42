"""The audit log refuses TRUNCATE too (0003 refuses UPDATE and DELETE row by row).

One escape hatch, as for the queue ledger (queues migration 0002): the test suite empties
every table between transactional tests and says so with the connection setting
rgis.test_flush (rgis/settings/test.py); nothing else sets it.
"""

from django.db import migrations

NO_TRUNCATE = """
CREATE FUNCTION staff_auditentry_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('rgis.test_flush', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER staff_auditentry_no_truncate
    BEFORE TRUNCATE ON staff_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION staff_auditentry_refuse_truncate();
"""

ALLOW_TRUNCATE = """
DROP TRIGGER staff_auditentry_no_truncate ON staff_auditentry;
DROP FUNCTION staff_auditentry_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("staff", "0006_shared_cache")]

    operations = [migrations.RunSQL(NO_TRUNCATE, ALLOW_TRUNCATE)]
