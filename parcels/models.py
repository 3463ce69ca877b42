"""The parcel registry: land plots with their cadastral number, status and boundary.

Settlements and target purposes live here too: a queue is kept per settlement and purpose
(queues app), and a plot is offered only to a queue of its own settlement and purpose.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import RegexValidator
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from geodata.models import NamedInThreeLanguages

# Region-district-quarter-plot, e.g. 06-097-012-345 (DOMAIN: the shape is sure, the codes
# are not; the region and district codes of this city are settings).
CADASTRAL_NUMBER_PATTERN = r"^[0-9]{2}-[0-9]{3}-[0-9]{3}-[0-9]{3}$"
cadastral_number_validator = RegexValidator(
    CADASTRAL_NUMBER_PATTERN,
    _("A cadastral number has the form NN-NNN-NNN-NNN, e.g. 06-097-012-345."),
)


class Settlement(NamedInThreeLanguages, models.Model):
    """A city, town or village whose akimat keeps land-plot queues."""

    slug = models.SlugField(_("code"), unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class LandPurpose(NamedInThreeLanguages, models.Model):
    """A target purpose a plot is granted for (ИЖС, ЛПХ, gardening, dacha); configurable."""

    code = models.SlugField(_("code"), unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    standard_area_ha = models.DecimalField(
        _("standard plot area, ha"), max_digits=8, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("target purpose")
        verbose_name_plural = _("target purposes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Parcel(models.Model):
    """A land plot of the state land cadastre as the akimat hands it out."""

    class Status(models.TextChoices):
        FREE = "free", _("free")
        RESERVED = "reserved", _("reserved for allocation")
        ALLOCATED = "allocated", _("allocated")
        OCCUPIED = "occupied", _("occupied")

    class Category(models.TextChoices):
        # Land Code of the Republic of Kazakhstan, article 1.
        AGRICULTURAL = "agricultural", _("agricultural land")
        SETTLEMENTS = "settlements", _("land of settlements")
        INDUSTRY = "industry", _("industry, transport, communications, defence and other")
        PROTECTED = "protected", _("specially protected natural areas")
        FOREST = "forest", _("forest fund")
        WATER = "water", _("water fund")
        RESERVE = "reserve", _("reserve land")

    cadastral_number = models.CharField(
        _("cadastral number"), max_length=14, unique=True, validators=[cadastral_number_validator]
    )
    address_kk = models.CharField(_("address (Kazakh)"), max_length=300, blank=True)
    address_ru = models.CharField(_("address (Russian)"), max_length=300, blank=True)
    area_ha = models.DecimalField(_("area, ha"), max_digits=10, decimal_places=4)
    category = models.CharField(
        _("land category"), max_length=20, choices=Category.choices, default=Category.SETTLEMENTS
    )
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="parcels", verbose_name=_("settlement")
    )
    purpose = models.ForeignKey(
        LandPurpose,
        on_delete=models.PROTECT,
        related_name="parcels",
        verbose_name=_("target purpose"),
    )
    purpose_text_kk = models.CharField(_("target purpose (Kazakh)"), max_length=300, blank=True)
    purpose_text_ru = models.CharField(_("target purpose (Russian)"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.FREE
    )
    plan = models.ForeignKey(
        "geodata.Plan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parcels",
        verbose_name=_("plan"),
    )
    # Where the boundary came from: the layer version and the feature in it.
    source_version = models.ForeignKey(
        "geodata.LayerVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported from"),
    )
    source_fid = models.PositiveIntegerField(_("feature in the source"), null=True, blank=True)
    geometry = models.MultiPolygonField(_("boundary"), srid=settings.RGIS_STORAGE_SRID)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # When the status last changed (parcel_status_set): "allocated in the last 90 days".
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["cadastral_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cadastral_number__regex=CADASTRAL_NUMBER_PATTERN),
                name="parcel_cadastral_number_shape",
            ),
            models.CheckConstraint(condition=Q(area_ha__gt=0), name="parcel_area_positive"),
        ]
        indexes = [
            models.Index(fields=["status", "settlement", "purpose"], name="parcel_status_idx"),
            # Search: a cadastral-number prefix (LIKE 'NN-NNN%' needs the pattern opclass
            # under a non-C collation) and addresses by substring (icontains is
            # UPPER(col) LIKE UPPER(%q%), which trigram indexes on UPPER(col) serve).
            models.Index(
                fields=["cadastral_number"],
                name="parcel_number_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            GinIndex(
                OpClass(Upper("address_kk"), name="gin_trgm_ops"), name="parcel_address_kk_trgm"
            ),
            GinIndex(
                OpClass(Upper("address_ru"), name="gin_trgm_ops"), name="parcel_address_ru_trgm"
            ),
            # The map layers' revision: the latest change of any parcel.
            models.Index(fields=["updated_at"], name="parcel_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.cadastral_number

    @property
    def address(self) -> str:
        if (get_language() or "kk")[:2] == "kk":
            return self.address_kk or self.address_ru
        return self.address_ru or self.address_kk

    @property
    def purpose_text(self) -> str:
        if (get_language() or "kk")[:2] == "kk":
            return self.purpose_text_kk or self.purpose_text_ru
        return self.purpose_text_ru or self.purpose_text_kk
