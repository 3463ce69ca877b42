"""Downloads of a layer version: any published version of any plan, archived ones included."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from geodata.downloads.cache import version_file_open
from geodata.downloads.formats import FORMATS, DownloadRefused, download_filename, download_srid
from geodata.models import LayerVersion
from geodata.selectors import version_get

# A version never changes: its file may be kept by browsers and proxies for a day.
CACHE_CONTROL = "public, max-age=86400"


@require_GET
def version_download(
    request: HttpRequest, slug: str, layer_slug: str, number: int, file_format: str
) -> HttpResponseBase:
    """The version as a GeoPackage, zipped shapefile or GeoJSON, in the CRS asked (?crs=)."""
    if file_format not in FORMATS:
        raise Http404("No such format")
    try:
        version = version_get(slug, layer_slug, number)
    except LayerVersion.DoesNotExist:
        raise Http404("No such version") from None
    try:
        srid = download_srid(request.GET.get("crs"), file_format)
        handle = version_file_open(version, file_format=file_format, srid=srid)
    except DownloadRefused as refusal:
        return render(
            request, "rgis/refused.html", {"message": refusal.message}, status=refusal.status
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_filename(version, file_format, srid),
        content_type=FORMATS[file_format].content_type,
    )
    response["Cache-Control"] = CACHE_CONTROL
    return response
