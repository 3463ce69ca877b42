"""Followers confirm their address through a link; those already following count as confirmed."""

import secrets

from django.db import migrations, models

import appeals.models


def existing_followers_confirmed(apps, schema_editor):
    follower_model = apps.get_model("appeals", "AppealFollower")
    for follower in follower_model.objects.all():
        follower.token = secrets.token_urlsafe(24)
        follower.confirmed_at = follower.created_at
        follower.save(update_fields=["token", "confirmed_at"])


class Migration(migrations.Migration):
    dependencies = [("appeals", "0004_followers_and_partners")]

    operations = [
        migrations.AddField(
            model_name="appealfollower",
            name="confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="confirmed"),
        ),
        migrations.AddField(
            model_name="appealfollower",
            name="token",
            field=models.CharField(editable=False, max_length=40, null=True),
        ),
        migrations.RunPython(existing_followers_confirmed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="appealfollower",
            name="token",
            field=models.CharField(
                default=appeals.models.follower_token, editable=False, max_length=40, unique=True
            ),
        ),
    ]
