"""The Taraz demo registry: the Сәулет ПДП's parcels layer turned into parcels.

Through the import core, as a planner would (KAD_NOMER → cadastral number, purpose ИЖС for
all). The demo layer has no addresses: they are made up here. A few plots are reserved and
allocated so that both map layers show something. Running it again adds nothing.
"""

import importlib

from django.apps import apps
from django.db import transaction

from geodata.models import LayerVersion
from parcels.importing.core import parcels_import_from_version
from parcels.importing.mapping import ColumnMapping
from parcels.models import LandPurpose, Parcel, Settlement
from parcels.services import parcel_addresses_set, parcel_status_set

DEMO_LAYER = ("saulet-pdp", "parcels")
DEMO_STREETS = ("Төле би", "Жамбыл", "Байзақ батыр", "Жібек жолы", "Сүлейменов")
DEMO_STREETS_RU = ("Толе би", "Жамбыла", "Байзак батыра", "Жибек жолы", "Сулейменова")
RESERVED_EVERY = 37  # a handful of plots offered now ...
ALLOCATED_EVERY = 23  # ... and some handed out lately


def demo_settlement_get() -> Settlement:
    settlement, _created = Settlement.objects.get_or_create(
        slug="taraz", defaults={"name_kk": "Тараз", "name_ru": "Тараз", "name_en": "Taraz"}
    )
    return settlement


def demo_purposes_ensure() -> None:
    """The standard purposes (migration 0002's list): a flushed test database has none."""
    importlib.import_module("parcels.migrations.0002_land_purposes").purposes_add(apps, None)


def _addresses_fill(version: LayerVersion) -> None:
    """Made-up addresses for the demo parcels that have none (the demo file has none)."""
    addresses: dict[int, tuple[str, str]] = {}
    for pk, fid in Parcel.objects.filter(source_version=version, address_ru="").values_list(
        "pk", "source_fid"
    ):
        index = fid or 0
        street = index % len(DEMO_STREETS)
        house = index // len(DEMO_STREETS) + 1
        addresses[pk] = (
            f"Тараз қ., Сәулет ы/а, {DEMO_STREETS[street]} к-сі, {house}",
            f"г. Тараз, мкр Сәулет, ул. {DEMO_STREETS_RU[street]}, {house}",
        )
    parcel_addresses_set(addresses=addresses)


@transaction.atomic
def demo_parcels_load() -> int:
    """The Сәулет parcels in the registry; returns how many were new (0 on a second run)."""
    settlement = demo_settlement_get()
    demo_purposes_ensure()
    version = (
        LayerVersion.objects.filter(
            layer__plan__slug=DEMO_LAYER[0], layer__slug=DEMO_LAYER[1], is_current=True
        )
        .select_related("layer__plan")
        .first()
    )
    if version is None or Parcel.objects.filter(source_version=version).exists():
        return 0
    report = parcels_import_from_version(
        version=version,
        mapping=ColumnMapping(cadastral_number="KAD_NOMER"),
        settlement=settlement,
        purpose=LandPurpose.objects.get(code="izhs"),
        actor=None,
        commit=True,
    )
    _addresses_fill(version)
    if not Parcel.objects.exclude(status=Parcel.Status.FREE).exists():
        for parcel in Parcel.objects.filter(source_version=version).order_by("cadastral_number"):
            fid = parcel.source_fid or 0
            if fid % RESERVED_EVERY == RESERVED_EVERY - 1:
                status = Parcel.Status.RESERVED
            elif fid % ALLOCATED_EVERY == ALLOCATED_EVERY - 1:
                status = Parcel.Status.ALLOCATED
            else:
                continue
            parcel_status_set(parcel=parcel, status=status, reason="e-RGIS demo data")
    return report.created
