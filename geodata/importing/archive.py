"""Unpack an upload safely: zip bombs, path tricks and symlinks are refused before extraction."""

import shutil
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from geodata.importing.errors import ImportRejected

MEGABYTE = 1024 * 1024
ZIP_SUFFIXES = {".zip", ".kmz"}
PLAIN_SUFFIXES = {".gpkg", ".geojson", ".json", ".kml"}


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's real name: Windows zips without the UTF-8 flag hold cp866 names."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("cp866")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _safe_relative_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):
        raise ImportRejected(
            _("The archive holds a file with an absolute path (%(name)s). It was refused.")
            % {"name": name}
        )
    if ".." in path.parts:
        raise ImportRejected(
            _("The archive holds a file that points outside it (%(name)s). It was refused.")
            % {"name": name}
        )
    return path


def zip_check(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """Refuse hostile archives; return the file entries with their safe relative paths."""
    max_total = settings.RGIS_IMPORT_MAX_UNPACKED_MB * MEGABYTE
    max_ratio = settings.RGIS_IMPORT_MAX_COMPRESSION_RATIO
    entries = archive.infolist()
    if len(entries) > settings.RGIS_IMPORT_MAX_ZIP_ENTRIES:
        raise ImportRejected(
            _("The archive holds %(count)s files; at most %(limit)s are accepted.")
            % {"count": len(entries), "limit": settings.RGIS_IMPORT_MAX_ZIP_ENTRIES}
        )
    total = 0
    checked = []
    for info in entries:
        name = _entry_name(info)
        path = _safe_relative_path(name)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ImportRejected(
                _("The archive holds a symbolic link (%(name)s). Links are refused.")
                % {"name": name}
            )
        if info.is_dir():
            continue
        total += info.file_size
        if total > max_total:
            raise ImportRejected(
                _("Unpacked, the archive would exceed %(limit)s MB. Split it into smaller files.")
                % {"limit": settings.RGIS_IMPORT_MAX_UNPACKED_MB}
            )
        # Tiny files compress absurdly well; only judge the ratio where it matters.
        if info.file_size > MEGABYTE and info.file_size > max_ratio * max(info.compress_size, 1):
            raise ImportRejected(
                _(
                    "The archive is compressed more than %(ratio)s times (%(name)s): it looks "
                    "like a zip bomb and was refused."
                )
                % {"ratio": max_ratio, "name": name}
            )
        checked.append((info, path))
    return checked


def _extract(
    archive: zipfile.ZipFile, entries: list[tuple[zipfile.ZipInfo, PurePosixPath]], target: Path
) -> None:
    budget = settings.RGIS_IMPORT_MAX_UNPACKED_MB * MEGABYTE
    for info, relative in entries:
        destination = target.joinpath(*relative.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        # Count real bytes too: a forged header must not let more through.
        with archive.open(info) as source, open(destination, "wb") as sink:
            while chunk := source.read(MEGABYTE):
                budget -= len(chunk)
                if budget < 0:
                    raise ImportRejected(
                        _("Unpacked, the archive would exceed %(limit)s MB.")
                        % {"limit": settings.RGIS_IMPORT_MAX_UNPACKED_MB}
                    )
                sink.write(chunk)


def upload_unpack(upload: Path, original_name: str, workdir: Path) -> Path:
    """Put the upload's files into workdir; returns the directory to search for data."""
    if not upload.is_file():
        # Web nodes and workers must share MEDIA_ROOT (docs/scaling.md).
        raise ImportRejected(_("The uploaded file is no longer on the server. Upload it again."))
    suffix = Path(original_name).suffix.lower()
    if suffix in ZIP_SUFFIXES:
        if not zipfile.is_zipfile(upload):
            raise ImportRejected(
                _("“%(name)s” is not a zip archive (or it is damaged). Zip the files again.")
                % {"name": original_name}
            )
        try:
            with zipfile.ZipFile(upload) as archive:
                entries = zip_check(archive)
                _extract(archive, entries, workdir)
        except (zipfile.BadZipFile, EOFError, zlib.error) as error:
            raise ImportRejected(
                _("The archive “%(name)s” is damaged and cannot be unpacked.")
                % {"name": original_name}
            ) from error
        return workdir
    if suffix in PLAIN_SUFFIXES:
        # Keep the planner's file name: messages name it, and GDAL names a GeoJSON or KML
        # layer after its file.
        name = Path(original_name.replace("\\", "/")).name
        if name.startswith("._") or len(name.encode()) > 200:
            name = f"upload{suffix}"
        shutil.copyfile(upload, workdir / name)
        return workdir
    if suffix in {".shp", ".dbf", ".shx"}:
        raise ImportRejected(
            _(
                "A shapefile is several files. Put the .shp, .shx, .dbf and .prj (and .cpg, "
                "if there is one) into one zip archive and upload that."
            )
        )
    raise ImportRejected(
        _(
            "Files of type “%(suffix)s” are not accepted. Upload a zipped shapefile, a "
            "GeoPackage (.gpkg), GeoJSON or KML/KMZ."
        )
        % {"suffix": suffix or original_name}
    )
