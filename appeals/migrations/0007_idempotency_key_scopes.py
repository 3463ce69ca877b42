"""Idempotency keys carry the door they came through: "web:", "staff:", "open311:<partner>:".

Keys already stored get theirs: a partner's appeal keeps "open311:<id>:" (its key was made
so), front-office appeals get "staff:", the rest "web:" (including a web key that was made
to look like a partner's: that is the hole this closes).
"""

from django.db import migrations, models

SCOPE_EXISTING_KEYS = """
UPDATE appeals_appeal SET idempotency_key = left(
    CASE
        WHEN partner_id IS NOT NULL AND idempotency_key LIKE 'open311:' || partner_id || ':%'
            THEN idempotency_key
        WHEN accepted_by_id IS NOT NULL THEN 'staff:' || idempotency_key
        ELSE 'web:' || idempotency_key
    END, 100)
WHERE idempotency_key IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [("appeals", "0006_department_operators")]

    operations = [
        migrations.RunSQL(SCOPE_EXISTING_KEYS, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=models.Q(("idempotency_key__isnull", True))
                | models.Q(("idempotency_key__regex", "^(web|staff|open311:[0-9]+):.")),
                name="appeal_idempotency_key_scoped",
            ),
        ),
    ]
