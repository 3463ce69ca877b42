"""Every write of the geodata app."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geodata.importing.core import ImportOptions, Progress, feature_parts_fill, layer_import
from geodata.importing.errors import ImportRejected
from geodata.importing.inspection import source_inspect
from geodata.models import District, ImportJob, Layer, LayerVersion, Plan
from geodata.selectors import (
    published_layer_memo_clear,
    version_attribute_keys,
    version_column_choices,
)
from geodata.tasks import import_job_run_enqueue
from rgis.changes import map_data_changed
from rgis.errors import Refusal, refusal_from
from staff.roles import capability
from staff.services import audit_record, audit_snapshot

MANAGE_PLANS = capability("manage_plans")
PUBLISH_PLANS = capability("publish_plans")
# A failed import changed nothing: the planner may fix the options and start it again.
IMPORT_RESTARTABLE = (ImportJob.Status.INSPECTED, ImportJob.Status.FAILED)


class PublishRefused(Refusal):
    """This version cannot be published as asked; nothing changed."""

    status = 409


def district_upsert(
    *, slug: str, name_kk: str, name_ru: str, name_en: str, geometry: GEOSGeometry, source: str
) -> tuple[District, bool]:
    """Create or update a district by its code; returns it and whether it was created."""
    boundary = (
        MultiPolygon(geometry, srid=geometry.srid) if isinstance(geometry, Polygon) else geometry
    )
    if boundary.srid != settings.RGIS_STORAGE_SRID:
        boundary = boundary.transform(settings.RGIS_STORAGE_SRID, clone=True)
    with transaction.atomic():
        district = District.objects.filter(slug=slug).first() or District(slug=slug)
        created = district.pk is None
        district.name_kk, district.name_ru, district.name_en = name_kk, name_ru, name_en
        # A MultiPolygon by now (a Polygon is wrapped above), typed as the GEOSGeometry given.
        district.geometry = boundary  # type: ignore[assignment]  # see above
        district.source = source
        district.full_clean()
        district.save()
        map_data_changed()
    return district, created


# Dense layers are drawn from street level only; zoning is readable city-wide.
LAYER_MIN_ZOOM: dict[str, int] = {
    Layer.Kind.PARCELS.value: 14,
    Layer.Kind.BUILDINGS.value: 14,
    Layer.Kind.FUNCTIONAL_ZONES.value: 10,
}


def layer_style_set(
    *, layer: Layer, attribute: str, colours: dict[str, str], actor: User | None = None
) -> Layer:
    """Colour the layer's features on the map by an attribute (value -> #rrggbb)."""
    before = audit_snapshot(layer)
    layer.style_attribute = attribute
    layer.style_colours = colours
    with transaction.atomic():
        layer.full_clean()
        layer.save(update_fields=["style_attribute", "style_colours"])
        audit_record(
            actor=actor,
            action="layer.style",
            instance=layer,
            before=before,
            after=audit_snapshot(layer),
        )
        map_data_changed()
    return layer


def plan_get_or_create(
    *,
    slug: str,
    kind: str = Plan.Kind.DETAILED_PLAN,
    name_kk: str = "",
    name_ru: str = "",
    actor: User | None = None,
) -> tuple[Plan, bool]:
    """The plan with this code, created as a draft if it does not exist yet."""
    with transaction.atomic():
        plan = Plan.objects.filter(slug=slug).first()
        if plan is not None:
            return plan, False
        plan = Plan(slug=slug, kind=kind, name_kk=name_kk or slug, name_ru=name_ru or slug)
        try:
            plan.full_clean()
        except ValidationError as error:
            raise refusal_from(error) from None
        plan.save()
        audit_record(actor=actor, action="plan.create", instance=plan, after=audit_snapshot(plan))
    return plan, True


def layer_get_or_create(
    *,
    plan: Plan,
    slug: str,
    kind: str = Layer.Kind.OTHER,
    name_kk: str = "",
    name_ru: str = "",
    actor: User | None = None,
) -> tuple[Layer, bool]:
    """The plan's layer with this code, created if it does not exist yet."""
    with transaction.atomic():
        layer = Layer.objects.filter(plan=plan, slug=slug).first()
        if layer is not None:
            return layer, False
        layer = Layer(
            plan=plan,
            slug=slug,
            kind=kind,
            name_kk=name_kk or slug,
            name_ru=name_ru or slug,
            min_zoom=LAYER_MIN_ZOOM.get(kind, 12),
        )
        try:
            layer.full_clean()
        except ValidationError as error:
            raise refusal_from(error) from None
        layer.save()
        audit_record(
            actor=actor, action="layer.create", instance=layer, after=audit_snapshot(layer)
        )
    return layer, True


@dataclass(frozen=True)
class ImportTarget:
    """Where an import goes: a plan and a layer in it, each created when missing.

    Kinds and names only count for what is created; an existing plan or layer is kept
    as it is.
    """

    plan_slug: str
    layer_slug: str
    plan_kind: str = Plan.Kind.DETAILED_PLAN
    layer_kind: str = Layer.Kind.OTHER
    plan_name_kk: str = ""
    plan_name_ru: str = ""
    layer_name_kk: str = ""
    layer_name_ru: str = ""


def import_target_resolve(*, target: ImportTarget, actor: User | None) -> Layer:
    """The layer an import goes into, creating its plan and itself as drafts if missing."""
    with transaction.atomic():  # a refused layer leaves no new, empty plan behind
        plan, _created = plan_get_or_create(
            slug=target.plan_slug,
            kind=target.plan_kind,
            name_kk=target.plan_name_kk,
            name_ru=target.plan_name_ru,
            actor=actor,
        )
        layer, _created = layer_get_or_create(
            plan=plan,
            slug=target.layer_slug,
            kind=target.layer_kind,
            name_kk=target.layer_name_kk,
            name_ru=target.layer_name_ru,
            actor=actor,
        )
    return layer


def layer_version_publish(
    *,
    version: LayerVersion,
    public_fields: list[str] | None,
    actor: User | None,
    actor_username: str = "",
) -> LayerVersion:
    """Make an imported version the one the public sees, with only `public_fields`.

    None takes the default choice: every column but those that look like personal data.
    `actor` must hold publish_plans; None is the server's operator (a management command,
    named by `actor_username` in the audit log).
    """
    if actor is not None and not actor.has_perm(PUBLISH_PLANS):
        raise PublishRefused(_("Only a plan publisher may publish a layer version."), status=403)
    with transaction.atomic():
        layer = Layer.objects.select_for_update().get(pk=version.layer_id)
        version = LayerVersion.objects.select_for_update().get(pk=version.pk)
        if version.is_published:
            raise PublishRefused(
                _("Version %(number)s of this layer is already published.")
                % {"number": version.number}
            )
        keys = version_attribute_keys(version)
        if public_fields is None:
            public_fields = [c.name for c in version_column_choices(version) if c.public_by_default]
        unknown = sorted(set(public_fields) - set(keys))
        if unknown:
            raise PublishRefused(
                _("This version has no attribute %(names)s.") % {"names": ", ".join(unknown)},
                status=400,
            )
        chosen = set(public_fields)
        previous = layer.versions.filter(is_current=True).first()
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        version.public_fields = [name for name in keys if name in chosen]
        version.hidden_fields = [name for name in keys if name not in chosen]
        version.is_current = True
        version.published_at = timezone.now()
        version.published_by = actor
        version.save(
            update_fields=[
                "is_current",
                "published_at",
                "published_by",
                "public_fields",
                "hidden_fields",
            ]
        )
        audit_record(
            actor=actor,
            actor_username=actor_username,
            action="layer.publish",
            instance=version,
            before={"current_version": previous.number if previous else None},
            after={
                "current_version": version.number,
                "public_fields": version.public_fields,
                "hidden_fields": version.hidden_fields,
            },
        )
        # Tiles asked without ?v= in this process show it at once; again after commit,
        # since a request in between may have remembered the old one.
        published_layer_memo_clear()
        transaction.on_commit(published_layer_memo_clear)
        map_data_changed()
    return version


def import_job_create(
    *, upload: UploadedFile, user: User | None, options: ImportOptions, language: str
) -> ImportJob:
    """Store an upload and inspect it; a file that cannot be imported leaves nothing behind."""
    job = ImportJob(created_by=user, source_filename=Path(upload.name or "upload").name)
    job.options = {**options.as_dict(), "language": language}
    job.source_file.save(job.source_filename, upload, save=False)
    try:
        job.inspection = source_inspect(Path(job.source_file.path), job.source_filename, options)
    except ImportRejected:
        job.source_file.delete(save=False)
        raise
    job.save()
    return job


def import_job_reinspect(*, job: ImportJob, options: ImportOptions) -> ImportJob:
    """Inspect again with the planner's encoding, CRS or layer choice."""
    if job.status not in IMPORT_RESTARTABLE:
        raise ImportRejected(_("This upload has already been imported or is importing."))
    job.inspection = source_inspect(Path(job.source_file.path), job.source_filename, options)
    job.options = {**job.options, **options.as_dict()}
    job.save(update_fields=["inspection", "options"])
    return job


def import_job_start(
    *, job: ImportJob, layer: Layer, options: ImportOptions, user: User | None
) -> ImportJob:
    """Queue the import of an inspected upload into `layer`; a worker runs it."""
    if job.status not in IMPORT_RESTARTABLE:
        raise ImportRejected(_("This upload has already been imported or is importing."))
    if not (options.crs or job.inspection.get("crs", {}).get("chosen")):
        raise ImportRejected(
            _("The file does not say its coordinate system: choose one before importing.")
        )
    with transaction.atomic():
        job.layer = layer
        job.options = {**job.options, **options.as_dict()}
        job.status = ImportJob.Status.QUEUED
        job.progress_total = int(job.inspection.get("feature_count") or 0)
        job.save()
        audit_record(
            actor=user,
            action="layer.import_queued",
            instance=layer,
            after={"job": str(job.pk), "file": job.source_filename, "options": job.options},
        )
        import_job_run_enqueue(job)
    return job


def import_job_start_into(
    *, job: ImportJob, target: ImportTarget, options: ImportOptions, user: User | None
) -> ImportJob:
    """Queue the import into `target`; a refused start leaves no new, empty plan or layer."""
    with transaction.atomic():
        layer = import_target_resolve(target=target, actor=user)
        return import_job_start(job=job, layer=layer, options=options, user=user)


def layer_file_import(
    *,
    upload: Path,
    original_name: str,
    target: ImportTarget | Layer,
    options: ImportOptions,
    user: User | None,
    progress: Progress | None = None,
    commit: bool = False,
    publish: bool = False,
    publisher_name: str = "",
) -> dict[str, Any]:
    """Import a file on the server as a new version of `target`; returns the import report.

    `target` is a layer, or the plan and layer to find or create. Without commit it is a
    dry run: the same report, and nothing kept, not even a new plan or layer. publish=True
    (with commit) publishes the version at once, with the default column choice, as the
    server's operator (`publisher_name` in the audit log): only the import_layer command
    and the demo data do that.
    """
    if publish and not commit:
        raise ValueError("A dry run publishes nothing: publish needs commit.")
    with transaction.atomic():
        layer = (
            target
            if isinstance(target, Layer)
            else import_target_resolve(target=target, actor=user)
        )
        report = layer_import(
            upload=upload,
            original_name=original_name,
            layer=layer,
            options=options,
            user=user,
            progress=progress,
            commit=commit,
        )
        if publish:
            published = layer_version_publish(
                version=LayerVersion.objects.get(pk=report["version_id"]),
                public_fields=None,
                actor=None,
                actor_username=publisher_name,
            )
            report["published"] = True
            report["public_fields"] = published.public_fields
            report["hidden_fields"] = published.hidden_fields
        if not commit:
            transaction.set_rollback(True)
    return report


def feature_parts_rebuild() -> list[tuple[LayerVersion, int]]:
    """Cut every current functional-zones version into parts again; (version, parts) each.

    For versions imported before imports did it themselves; each version's parts are
    replaced in a transaction of its own.
    """
    versions = LayerVersion.objects.filter(
        is_current=True, layer__kind=Layer.Kind.FUNCTIONAL_ZONES
    ).select_related("layer__plan")
    rebuilt = []
    for version in versions:
        with transaction.atomic():
            rebuilt.append((version, feature_parts_fill(version)))
    return rebuilt
