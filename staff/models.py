from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class Capability(models.Model):
    """Holds the portal-wide staff permissions that roles are made of; it has no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("manage_plans", _("Upload and revise plans and their layers")),
            ("publish_plans", _("Publish and archive plans")),
            ("manage_parcels", _("Import and edit land parcels")),
            ("manage_queues", _("Register and verify queue applications")),
            ("allocate_plots", _("Offer and allocate plots to the queue")),
            ("handle_appeals", _("Register, route and answer appeals")),
            ("moderate_content", _("Moderate what the public sees")),
            ("view_audit_log", _("Read the audit log")),
            ("manage_staff", _("Manage staff accounts and roles")),
            ("organise_hearings", _("Organise public hearings on plans")),
        ]

    def __str__(self) -> str:
        return "capability"


class AuditEntry(models.Model):
    """One staff action. Append-only: a database trigger refuses UPDATE and DELETE."""

    at = models.DateTimeField(_("when"), db_default=Now(), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # staff who acted are deactivated, never deleted
        related_name="audit_entries",
    )
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_repr}"
