from pathlib import Path
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from geodata.importing.core import ImportOptions
from geodata.models import Layer, Plan
from geodata.services import ImportTarget, import_target_resolve
from parcels.importing.core import parcels_import_from_file, parcels_import_from_version
from parcels.importing.mapping import ColumnMapping
from parcels.importing.report import ParcelImportReport
from parcels.models import LandPurpose, Settlement
from parcels.selectors import parcel_layer_version_find
from rgis.errors import Refusal

MAPPING_OPTIONS = {
    "cadastral_number": "--cadastral-number",
    "address_kk": "--address-kk",
    "address_ru": "--address-ru",
    "area_ha": "--area",
    "category": "--category",
    "purpose": "--purpose-column",
    "purpose_text_kk": "--purpose-text-kk",
    "purpose_text_ru": "--purpose-text-ru",
}


class DryRunDone(Exception):
    """Rolls back the plan and layer a dry run of a file created."""


class Command(BaseCommand):
    help = (
        "Turn the features of a parcels layer (its current version, or --version N), or of a "
        "file imported through the layer import core, into registry parcels. Without "
        "--commit it is a dry run: the same report, nothing kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--layer", required=True, help="<plan>.<layer>, e.g. saulet-pdp.parcels"
        )
        parser.add_argument(
            "--layer-version", type=int, help="version number (default: the current)"
        )
        parser.add_argument("--file", type=Path, help="import this file as a new version first")
        parser.add_argument("--crs", help="with --file: EPSG:28412, a PROJ string or WKT")
        parser.add_argument("--encoding", help="with --file: DBF encoding, cp1251, cp866, ...")
        parser.add_argument("--settlement", required=True, help="settlement code, e.g. taraz")
        parser.add_argument("--purpose", help="target purpose code for every parcel, e.g. izhs")
        parser.add_argument(
            "--purpose-value",
            action="append",
            default=[],
            metavar="VALUE=CODE",
            help="a value of the purpose column and its purpose code (repeatable)",
        )
        parser.add_argument("--plan", help="plan code the parcels belong to (default: the layer's)")
        for target, flag in MAPPING_OPTIONS.items():
            parser.add_argument(
                flag, dest=f"column_{target}", default="", help=f"column of {target}"
            )
        parser.add_argument("--user", help="staff user name to record in the audit log")
        parser.add_argument("--commit", action="store_true", help="keep the import")

    def handle(self, *args: object, **options: object) -> None:
        settlement = Settlement.objects.filter(slug=options["settlement"]).first()
        if settlement is None:
            raise CommandError(f"No settlement with code {options['settlement']}.")
        purpose = None
        if options["purpose"]:
            purpose = LandPurpose.objects.filter(code=options["purpose"]).first()
            if purpose is None:
                codes = ", ".join(LandPurpose.objects.values_list("code", flat=True))
                raise CommandError(f"No purpose {options['purpose']}. Known: {codes}.")
        plan = None
        if options["plan"]:
            plan = Plan.objects.filter(slug=options["plan"]).first()
            if plan is None:
                raise CommandError(f"No plan with code {options['plan']}.")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']}.")
        values = {}
        for pair in cast(list[str], options["purpose_value"]):  # argparse's append: a list
            value, sep, code = str(pair).rpartition("=")
            if not sep:
                raise CommandError(f"--purpose-value {pair}: write VALUE=CODE.")
            values[value] = code
        mapping = ColumnMapping.from_dict(
            {
                **{target: options[f"column_{target}"] for target in MAPPING_OPTIONS},
                "purpose_values": values,
            }
        )
        plan_slug, _dot, layer_slug = str(options["layer"]).partition(".")
        commit = bool(options["commit"])
        common: dict[str, Any] = {
            "mapping": mapping,
            "settlement": settlement,
            "purpose": purpose,
            "plan": plan,
            "actor": user,
            "commit": commit,
        }
        report: ParcelImportReport | None = None
        try:
            if options["file"]:
                report = self._from_file(options, plan_slug, layer_slug, user, commit, common)
            else:
                number = options["layer_version"]
                version = parcel_layer_version_find(
                    plan_slug, layer_slug, number if isinstance(number, int) else None
                )
                if version is None:
                    raise CommandError(
                        f"No {'version ' + str(number) if number else 'current version'} of "
                        f"layer {plan_slug}.{layer_slug}."
                    )
                report = parcels_import_from_version(version=version, **common)
        except DryRunDone:
            pass  # reported before the rollback
        except Refusal as refusal:
            raise CommandError(str(refusal)) from None
        if report is not None:
            self._report(report)

    def _from_file(
        self,
        options: dict,
        plan_slug: str,
        layer_slug: str,
        user: User | None,
        commit: bool,
        common: dict,
    ) -> ParcelImportReport:
        path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        report: ParcelImportReport
        with transaction.atomic():
            layer = import_target_resolve(
                target=ImportTarget(
                    plan_slug=plan_slug, layer_slug=layer_slug, layer_kind=Layer.Kind.PARCELS
                ),
                actor=user,
            )
            report = parcels_import_from_file(
                upload=path,
                original_name=path.name,
                layer=layer,
                options=ImportOptions(encoding=options["encoding"], crs=options["crs"]),
                **common,
            )
            if not commit:
                self._report(report)
                raise DryRunDone  # the new plan and layer go too
        return report

    def _report(self, report: ParcelImportReport) -> None:
        lines = [
            f"{'Imported' if report.committed else 'Dry run (nothing kept)'}: {report.source} "
            f"-> settlement {report.settlement}",
            f"  rows: {report.total}   new: {report.created}   updated: {report.updated} "
            f"(status kept on {report.status_kept})   unchanged: {report.unchanged}   "
            f"refused: {len(report.refused)}",
            f"  areas measured from the boundary: {report.area_computed}",
        ]
        lines += [
            f"  row {row.row} (fid {row.fid}) {row.cadastral_number or '-'}: {row.reason}"
            for row in report.refused
        ]
        if not report.committed:
            lines.append("Run again with --commit to keep it.")
        self.stdout.write("\n".join(lines))
