import sys
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from geodata.importing.core import ImportOptions
from geodata.importing.errors import CrsRequired
from geodata.models import Layer, Plan
from geodata.services import ImportTarget, layer_file_import
from rgis.errors import Refusal


class Command(BaseCommand):
    help = (
        "Import a zipped shapefile, GeoPackage, GeoJSON or KML/KMZ as a new version of a plan "
        "layer. Without --commit it is a dry run: the same report, nothing kept. The version "
        "is not public until a plan publisher publishes it on the staff pages, or unless "
        "--publish is given (every column but those that look like personal data)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--plan", required=True, help="plan code; created if missing")
        parser.add_argument("--layer", required=True, help="layer code; created if missing")
        parser.add_argument("--crs", help="EPSG:28412, a PROJ string or WKT (overrides .prj)")
        parser.add_argument("--encoding", help="text encoding of the DBF: cp1251, cp866, ...")
        parser.add_argument("--source-layer", help="the layer to take from a multi-layer file")
        parser.add_argument(
            "--plan-kind", choices=[k.value for k in Plan.Kind], default=Plan.Kind.DETAILED_PLAN
        )
        parser.add_argument(
            "--layer-kind", choices=[k.value for k in Layer.Kind], default=Layer.Kind.OTHER
        )
        parser.add_argument("--user", help="staff user name to record as the uploader")
        parser.add_argument("--commit", action="store_true", help="keep the import")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="with --commit: publish the version at once, as the server's operator, "
            "leaving out the columns that look like IINs, names or phone numbers",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']}.")
        commit = bool(options["commit"])
        publish = bool(options["publish"])
        if publish and not commit:
            raise CommandError("--publish needs --commit: a dry run publishes nothing.")
        import_options = ImportOptions(
            encoding=options["encoding"],
            crs=options["crs"],
            source_layer=options["source_layer"],
        )
        try:
            report = layer_file_import(
                upload=path,
                original_name=path.name,
                target=ImportTarget(
                    plan_slug=str(options["plan"]),
                    layer_slug=str(options["layer"]),
                    plan_kind=str(options["plan_kind"]),
                    layer_kind=str(options["layer_kind"]),
                ),
                options=import_options,
                user=user,
                progress=self._progress,
                commit=commit,
                publish=publish,
                publisher_name="server operator (manage.py import_layer --publish)",
            )
        except CrsRequired as refusal:
            raise CommandError(
                f"{refusal} Use --crs, for example --crs EPSG:28412, or a PROJ string."
            ) from None
        except Refusal as refusal:
            raise CommandError(str(refusal)) from None
        sys.stderr.write("\n")
        self._report(report)

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        percent = int(100 * done / total) if total else 100
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {percent:3d}% {done}/{total}")
        sys.stderr.flush()

    def _report(self, report: dict[str, Any]) -> None:
        geometry = report["geometry"]
        changes = report["changes"]
        lines = [
            f"{'Imported' if report['committed'] else 'Dry run (nothing kept)'}: "
            f"{report['layer']} version {report['version']}",
            f"  source: {report['source_filename']} ({report['format']}, "
            f"layer {report['source_layer']})",
            f"  encoding: {report['encoding']}   CRS: {report['crs']} -> "
            f"EPSG:{report['storage_srid']}",
            f"  features: {report['feature_count']} ({report['geometry_type']})",
            f"  repaired: {geometry['repaired']}   unrepairable: {geometry['unrepairable']}   "
            f"promoted to multi: {geometry['promoted_to_multi']}",
            f"  null geometries: {geometry['null']}   empty: {geometry['empty']}   "
            f"Z dropped: {geometry['z_dropped']}",
            f"  against version {changes['previous'] or '-'}: +{changes['added']} "
            f"-{changes['removed']} ~{changes['changed']} (matched on "
            f"{changes['key'] or 'content'}); area {changes['area_before_ha']:.2f} ha -> "
            f"{changes['area_after_ha']:.2f} ha",
        ]
        if not report["committed"]:
            lines.append("Run again with --commit to keep it.")
        elif report.get("published"):
            hidden = ", ".join(report["hidden_fields"]) or "none"
            lines.append(f"Published. Columns kept from the public: {hidden}")
        else:
            lines.append(
                "Not public yet: a plan publisher publishes it on the staff pages "
                "(or import again with --publish)."
            )
        self.stdout.write("\n".join(lines))
