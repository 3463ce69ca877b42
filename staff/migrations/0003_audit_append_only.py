"""The audit log is append-only in the database itself, whatever path a write takes."""

from django.db import migrations

APPEND_ONLY = """
CREATE FUNCTION staff_auditentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER staff_auditentry_append_only
    BEFORE UPDATE OR DELETE ON staff_auditentry
    FOR EACH ROW EXECUTE FUNCTION staff_auditentry_refuse_change();
"""

REMOVE = """
DROP TRIGGER IF EXISTS staff_auditentry_append_only ON staff_auditentry;
DROP FUNCTION IF EXISTS staff_auditentry_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("staff", "0002_roles")]

    operations = [migrations.RunSQL(APPEND_ONLY, REMOVE)]
