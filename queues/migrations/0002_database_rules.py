"""Rules the database keeps whatever path writes (psql, a script, a bug): see queues/models.py."""

from django.db import migrations

APPEND_ONLY = """
-- One escape hatch: the test suite empties every table between browser tests and says so
-- with the connection setting rgis.test_flush (rgis/settings/test.py); nothing else sets it.
CREATE FUNCTION queues_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('rgis.test_flush', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the queue ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER queues_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON queues_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION queues_refuse_change();
CREATE TRIGGER queues_ledgerentry_no_truncate
    BEFORE TRUNCATE ON queues_ledgerentry
    FOR EACH STATEMENT EXECUTE FUNCTION queues_refuse_change();
CREATE TRIGGER queues_ledgerroot_append_only
    BEFORE UPDATE OR DELETE ON queues_ledgerroot
    FOR EACH ROW EXECUTE FUNCTION queues_refuse_change();
CREATE TRIGGER queues_ledgerroot_no_truncate
    BEFORE TRUNCATE ON queues_ledgerroot
    FOR EACH STATEMENT EXECUTE FUNCTION queues_refuse_change();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER queues_ledgerroot_no_truncate ON queues_ledgerroot;
DROP TRIGGER queues_ledgerroot_append_only ON queues_ledgerroot;
DROP TRIGGER queues_ledgerentry_no_truncate ON queues_ledgerentry;
DROP TRIGGER queues_ledgerentry_append_only ON queues_ledgerentry;
DROP FUNCTION queues_refuse_change();
"""

# The purpose is the queue's (a queue never changes purpose); a person who received a plot
# for a purpose may not queue for it again (once in a lifetime, Land Code art. 9).
APPLICATION_RULES = """
CREATE FUNCTION queues_application_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT purpose_id INTO NEW.purpose_id FROM queues_queue WHERE id = NEW.queue_id;
    IF NEW.status IN ('waiting', 'offered')
       AND (TG_OP = 'INSERT' OR OLD.status NOT IN ('waiting', 'offered'))
       AND EXISTS (
           SELECT 1 FROM queues_application other
           WHERE other.iin_digest = NEW.iin_digest AND other.purpose_id = NEW.purpose_id
             AND other.status = 'allocated' AND other.id <> NEW.id)
    THEN
        RAISE EXCEPTION 'application_plot_once_per_purpose: this person has already received '
                        'a plot for this purpose' USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER queues_application_rules
    BEFORE INSERT OR UPDATE OF status, queue_id, iin_digest ON queues_application
    FOR EACH ROW EXECUTE FUNCTION queues_application_rules();
"""

DROP_APPLICATION_RULES = """
DROP TRIGGER queues_application_rules ON queues_application;
DROP FUNCTION queues_application_rules();
"""

# Waiting applications per queue and filing day (UTC): a position is then the sum over the
# days before the application's own plus a count inside its day, a few thousand rows at
# most, instead of counting up to a million index entries.
QUEUE_DAYS = """
CREATE FUNCTION queues_queueday_add(queue bigint, filed timestamptz, delta integer)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO queues_queueday (queue_id, day, waiting)
    VALUES (queue, (filed AT TIME ZONE 'UTC')::date, delta)
    ON CONFLICT (queue_id, day) DO UPDATE SET waiting = queues_queueday.waiting + delta;
$$;

CREATE FUNCTION queues_queueday_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'waiting' THEN
        PERFORM queues_queueday_add(OLD.queue_id, OLD.filed_at, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'waiting' THEN
        PERFORM queues_queueday_add(NEW.queue_id, NEW.filed_at, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER queues_queueday_follow
    AFTER INSERT OR UPDATE OF status, filed_at, queue_id OR DELETE ON queues_application
    FOR EACH ROW EXECUTE FUNCTION queues_queueday_follow();
CREATE TRIGGER queues_queueday_truncate
    AFTER TRUNCATE ON queues_application
    FOR EACH STATEMENT EXECUTE FUNCTION queues_queueday_reset();
"""

QUEUE_DAYS_RESET = """
CREATE FUNCTION queues_queueday_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM queues_queueday;
    RETURN NULL;
END $$;
"""

DROP_QUEUE_DAYS = """
DROP TRIGGER queues_queueday_truncate ON queues_application;
DROP TRIGGER queues_queueday_follow ON queues_application;
DROP FUNCTION queues_queueday_follow();
DROP FUNCTION queues_queueday_add(bigint, timestamptz, integer);
DROP FUNCTION queues_queueday_reset();
"""

REMOVAL_REASONS = [
    # DOMAIN: the grounds are unconfirmed; staff edit this list in the admin.
    ("plot-received", "Жер учаскесін алды", "Получил земельный участок", "Received a plot"),
    ("own-request", "Өз өтініші бойынша", "По собственному заявлению", "At own request"),
    ("death", "Қайтыс болуына байланысты", "В связи со смертью", "Death"),
    ("duplicate", "Қайталап тіркелу", "Повторная регистрация", "Duplicate registration"),
    (
        "citizenship-lost",
        "Азаматтығын жоғалтуы",
        "Утрата гражданства",
        "Loss of citizenship",
    ),
]


def removal_reasons_add(apps, schema_editor):
    RemovalReason = apps.get_model("queues", "RemovalReason")
    for code, kk, ru, en in REMOVAL_REASONS:
        RemovalReason.objects.get_or_create(
            code=code, defaults={"name_kk": kk, "name_ru": ru, "name_en": en}
        )


class Migration(migrations.Migration):
    dependencies = [("queues", "0001_initial")]

    operations = [
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
        migrations.RunSQL(APPLICATION_RULES, DROP_APPLICATION_RULES),
        migrations.RunSQL(QUEUE_DAYS_RESET + QUEUE_DAYS, DROP_QUEUE_DAYS),
        migrations.RunPython(removal_reasons_add, migrations.RunPython.noop),
        # Numbers of applications registered through the portal (imported ones keep theirs).
        migrations.RunSQL(
            "CREATE SEQUENCE queues_application_number_seq",
            "DROP SEQUENCE queues_application_number_seq",
        ),
    ]
