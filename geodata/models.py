import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class NamedInThreeLanguages:
    """Models with name_kk, name_ru and name_en fields."""

    name_kk: str

    @property
    def name(self) -> str:
        """The name in the active language (Kazakh when none is active or it is blank)."""
        language = (get_language() or "kk")[:2]
        return getattr(self, f"name_{language}", "") or self.name_kk


class District(NamedInThreeLanguages, models.Model):
    """A city district (the administrative division the akimat works by)."""

    slug = models.SlugField(_("code"), unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    geometry = models.MultiPolygonField(_("boundary"), srid=settings.RGIS_STORAGE_SRID)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where the boundary comes from.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Plan(NamedInThreeLanguages, models.Model):
    """A master plan (генплан) or a detailed planning project (ПДП)."""

    class Kind(models.TextChoices):
        MASTER_PLAN = "master_plan", _("Master plan")
        DETAILED_PLAN = "detailed_plan", _("Detailed planning project")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLIC_DISCUSSION = "public_discussion", _("Public discussion")
        APPROVED = "approved", _("Approved")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(_("code"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    approval_body = models.CharField(_("approved by"), max_length=300, blank=True)
    approval_number = models.CharField(_("decision number"), max_length=100, blank=True)
    approval_date = models.DateField(_("decision date"), null=True, blank=True)
    area = models.MultiPolygonField(
        _("area covered"), srid=settings.RGIS_STORAGE_SRID, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["kind", "slug"]
        constraints = [
            # An approved plan names the decision that approved it (order No. 505).
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | (~models.Q(approval_number="") & models.Q(approval_date__isnull=False)),
                name="approved_plan_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_draft(self) -> bool:
        return self.status != self.Status.APPROVED


class Layer(NamedInThreeLanguages, models.Model):
    """A thematic layer of a plan: functional zones, red lines, parcels, ..."""

    class Kind(models.TextChoices):
        FUNCTIONAL_ZONES = "functional_zones", _("Functional zones")
        RED_LINES = "red_lines", _("Red lines")
        SETBACK_LINES = "setback_lines", _("Building setback lines")
        PARCELS = "parcels", _("Parcels")
        BUILDINGS = "buildings", _("Buildings")
        ENGINEERING_NETWORKS = "engineering_networks", _("Engineering networks")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="layers")
    slug = models.SlugField(_("code"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    # Vector tiles: dense layers (parcels) are not drawn at city-wide zooms.
    min_zoom = models.PositiveSmallIntegerField(_("smallest zoom drawn"), default=10)
    max_zoom = models.PositiveSmallIntegerField(_("largest zoom with its own tiles"), default=16)
    # The map colours features by this attribute (e.g. a zone code), value -> colour.
    style_attribute = models.CharField(_("attribute to colour by"), max_length=100, blank=True)
    style_colours = models.JSONField(_("colours by value"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("layer")
        verbose_name_plural = _("layers")
        ordering = ["plan", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="layer_slug_per_plan"),
            models.CheckConstraint(
                condition=models.Q(min_zoom__lte=models.F("max_zoom"), max_zoom__lte=22),
                name="layer_zoom_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.slug}/{self.slug}"


class LayerVersion(models.Model):
    """One upload of a layer. None is overwritten; at most one of a layer is current.

    An import makes an unpublished version that only staff see. Publishing it (capability
    publish_plans) makes it the current one, the version every public door serves, with
    only the attributes the publisher chose (`public_fields`; `hidden_fields` are the rest).
    """

    layer = models.ForeignKey(Layer, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=False)
    source_filename = models.CharField(_("source file"), max_length=500)
    source_format = models.CharField(_("format"), max_length=30)
    source_layer = models.CharField(_("layer in the file"), max_length=300, blank=True)
    source_crs = models.TextField(_("source coordinate system"))
    source_encoding = models.CharField(_("source encoding"), max_length=30, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    feature_count = models.PositiveIntegerField(_("features"), default=0)
    geometry_type = models.CharField(_("geometry type"), max_length=30, blank=True)
    extent = models.PolygonField(_("extent"), srid=settings.RGIS_STORAGE_SRID, null=True)
    report = models.JSONField(_("import report"), default=dict)
    changes = models.JSONField(_("changes against the previous version"), default=dict)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    public_fields = ArrayField(
        models.TextField(), verbose_name=_("public attributes"), default=list, blank=True
    )
    # The version's other attribute keys: the SQL of tiles, look-ups and the OGC API strips
    # them with jsonb's "-" operator, cheaper per feature than picking the public ones.
    hidden_fields = ArrayField(
        models.TextField(), verbose_name=_("attributes kept from the public"), default=list
    )

    class Meta:
        verbose_name = _("layer version")
        verbose_name_plural = _("layer versions")
        ordering = ["layer", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["layer", "number"], name="version_number_per_layer"),
            models.UniqueConstraint(
                fields=["layer"],
                condition=models.Q(is_current=True),
                name="one_current_version_per_layer",
            ),
            # What the public sees has been published by someone allowed to.
            models.CheckConstraint(
                condition=models.Q(is_current=False) | models.Q(published_at__isnull=False),
                name="current_version_is_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.layer} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Feature(models.Model):
    """A feature of a layer version, with every attribute it was uploaded with."""

    version = models.ForeignKey(LayerVersion, on_delete=models.CASCADE, related_name="features")
    fid = models.PositiveIntegerField(_("feature number in the file"))
    attributes = models.JSONField(_("attributes"), default=dict)
    geometry = models.GeometryField(_("geometry"), srid=settings.RGIS_STORAGE_SRID, null=True)

    class Meta:
        verbose_name = _("feature")
        verbose_name_plural = _("features")
        constraints = [models.UniqueConstraint(fields=["version", "fid"], name="fid_per_version")]

    def __str__(self) -> str:
        return f"{self.version} #{self.fid}"


class FeaturePart(models.Model):
    """Pieces of big polygons (ST_Subdivide), so point-in-polygon look-ups stay fast."""

    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="parts")
    version = models.ForeignKey(LayerVersion, on_delete=models.CASCADE, related_name="+")
    geometry = models.GeometryField(srid=settings.RGIS_STORAGE_SRID)

    def __str__(self) -> str:
        return f"part of {self.feature_id}"


class ImportJob(models.Model):
    """An upload on its way to becoming a layer version: inspected, then imported by a job."""

    class Status(models.TextChoices):
        INSPECTED = "inspected", _("Ready to import")
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Importing")
        SUCCEEDED = "succeeded", _("Imported")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    source_file = models.FileField(upload_to="imports/%Y/%m/", max_length=500)
    source_filename = models.CharField(max_length=500)
    options = models.JSONField(default=dict)
    inspection = models.JSONField(default=dict)
    layer = models.ForeignKey(Layer, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INSPECTED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    error = models.TextField(blank=True)
    version = models.ForeignKey(
        LayerVersion, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_filename} ({self.status})"
