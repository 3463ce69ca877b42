"""What a client may ask of the features: the query parameters, read and checked."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext as _

from geodata.ogc.protocol import CRS84, DEFAULT_LIMIT, MAX_LIMIT, invalid
from rgis.geojson import Bounds, bbox_parse

ITEMS_PARAMETERS = frozenset({"f", "bbox", "bbox-crs", "crs", "limit", "offset"})
ITEM_PARAMETERS = frozenset({"f", "crs"})


@dataclass(frozen=True)
class ItemsQuery:
    """The validated parameters of /items."""

    limit: int
    offset: int
    bbox: Bounds | None
    bbox_text: str | None  # as the client wrote it, for the paging links


def _non_negative_int(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise invalid(_("The parameter %(name)s must be a whole number.") % {"name": name})
    return value


def _crs84_only(request: HttpRequest) -> None:
    for name in ("crs", "bbox-crs"):
        value = request.GET.get(name)
        if value is not None and value != CRS84:
            raise invalid(
                _("Only CRS84 is offered: the parameter %(name)s must be %(crs)s.")
                % {"name": name, "crs": CRS84}
            )


def items_query_parse(request: HttpRequest) -> ItemsQuery:
    """The items parameters, or an InvalidParameterValue refusal a client can act on."""
    unknown = sorted(set(request.GET) - ITEMS_PARAMETERS)
    if unknown:
        raise invalid(
            _("Unknown parameter: %(names)s. Use bbox, limit, offset or f.")
            % {"names": ", ".join(unknown)}
        )
    _crs84_only(request)
    limit = _non_negative_int(request, "limit", DEFAULT_LIMIT)
    if limit < 1:
        raise invalid(_("The parameter limit must be at least 1."))
    # The standard: a limit over the maximum is served as the maximum, not refused.
    limit = min(limit, MAX_LIMIT)
    offset = _non_negative_int(request, "offset", 0)
    bbox_text = request.GET.get("bbox")
    return ItemsQuery(
        limit=limit,
        offset=offset,
        bbox=_bbox_parse(bbox_text) if bbox_text is not None else None,
        bbox_text=bbox_text,
    )


def _bbox_parse(text: str) -> Bounds:
    try:
        # The standard allows a 3D box (heights play no part here) and a flat one.
        return bbox_parse(text, allow_heights=True, allow_flat=True)
    except ValueError:
        raise invalid(
            _(
                "The parameter bbox must be four numbers in CRS84: west,south,east,north "
                "(longitude, latitude), the west not east of the east, the south not north of "
                "the north."
            )
        ) from None


def item_query_check(request: HttpRequest) -> None:
    """One feature takes only f and crs (CRS84); anything else is refused."""
    unknown = sorted(set(request.GET) - ITEM_PARAMETERS)
    if unknown:
        raise invalid(_("Unknown parameter: %(names)s. Use f.") % {"names": ", ".join(unknown)})
    _crs84_only(request)


def feature_id_parse(feature_id: str) -> int | None:
    """The fid a feature id names, or None when it cannot name one (fids are int4)."""
    if not (feature_id.isascii() and feature_id.isdigit()) or int(feature_id) > 2**31 - 1:
        return None
    return int(feature_id)
