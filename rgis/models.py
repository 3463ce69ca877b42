"""Portal-wide state that belongs to no domain app: the flood-control counts."""

from django.db import models


class RateCount(models.Model):
    """How often one client did one thing in the current window (rgis.ratelimit)."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "rgis_rate_count"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
