"""Open311 GeoReport v2 documents: categories as services, appeals as service requests.

Each document is first a plain structure (dicts and lists), then written as JSON or as
XML through ElementTree (never by string concatenation, so text is always escaped).
Requests are built field by field from public fields only: the applicant's identity is
never read here.
"""

import datetime
import json
import xml.etree.ElementTree as ET  # noqa: S405 - writing XML only, never parsing it
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals.deadlines import office_closes
from appeals.models import Appeal, Category

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

# Open311: an appeal waiting for an answer is open; anything after it is closed.
OPEN = "open"
CLOSED = "closed"
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    OPEN: tuple(Appeal.OPEN_STATUSES),
    CLOSED: tuple(s for s in Appeal.Status.values if s not in Appeal.OPEN_STATUSES),
}

# In XML a list is an element holding one element per item, named after the item.
XML_ITEMS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def w3c(moment: datetime.datetime | None) -> str | None:
    """A moment as W3C / ISO 8601 with the city's offset, e.g. 2026-03-02T10:15:00+05:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _due_moment(day: datetime.date) -> datetime.datetime:
    # Due "on" a day means by the end of that working day.
    return timezone.make_aware(datetime.datetime.combine(day, office_closes()))


# Services --------------------------------------------------------------------------------


def needs_identity(category: Category) -> bool:
    """Art. 63: the applicant's IIN is required unless the category takes anonymous reports."""
    return not category.allows_anonymous


def service_document(category: Category) -> dict[str, Any]:
    """One category as an Open311 service, named in the active language."""
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": _(
            "Appeals about “%(name)s”, answered by %(department)s within 15 working days."
        )
        % {"name": category.name, "department": category.department.name},
        "metadata": needs_identity(category),
        "type": "realtime",
        "keywords": ", ".join(
            dict.fromkeys(
                name
                for name in (category.slug, category.name_kk, category.name_ru, category.name_en)
                if name
            )
        ),
        "group": category.department.name,
    }


def service_definition_document(category: Category) -> dict[str, Any]:
    """The attributes a request of this category takes (the applicant's IIN and name)."""
    required = needs_identity(category)
    iin_help = (
        _("The applicant's IIN (Administrative Procedural Code, art. 63); never published.")
        if required
        else _("The applicant's IIN; leave it blank for an anonymous report.")
    )
    return {
        "service_code": category.slug,
        "attributes": [
            {
                "variable": True,
                "code": "iin",
                "datatype": "string",
                "required": required,
                "datatype_description": _("12 digits"),
                "order": 1,
                "description": iin_help,
                "values": [],
            },
            {
                "variable": True,
                "code": "full_name",
                "datatype": "string",
                "required": False,
                "datatype_description": _("Surname, given name and patronymic"),
                "order": 2,
                "description": _(
                    "The applicant's full name; when blank, last_name and first_name are used. "
                    "Never published."
                ),
                "values": [],
            },
        ],
    }


# Requests --------------------------------------------------------------------------------


def open311_status(status: str) -> str:
    return OPEN if status in Appeal.OPEN_STATUSES else CLOSED


def _status_notes(appeal: Appeal) -> str:
    label = str(appeal.get_status_display())
    if appeal.status in (Appeal.Status.ANSWERED, Appeal.Status.CLOSED) and appeal.answer:
        return f"{label}: {appeal.answer}"
    note = getattr(appeal, "status_note", "") or ""
    if appeal.status in (Appeal.Status.FORWARDED, Appeal.Status.REJECTED) and note:
        return f"{label}: {note}"
    return label


def request_document(appeal: Appeal, *, media_url: str | None) -> dict[str, Any]:
    """One appeal as an Open311 service request: public fields only."""
    updated = getattr(appeal, "updated_at", None) or appeal.received_at
    return {
        "service_request_id": appeal.number,
        "status": open311_status(appeal.status),
        "status_notes": _status_notes(appeal),
        "service_name": appeal.category.name,
        "service_code": appeal.category.slug,
        "description": "" if appeal.description_hidden else appeal.description,
        "agency_responsible": appeal.department.name,
        "service_notice": _("Answer due by %(date)s (15 working days, extended when needed).")
        % {"date": appeal.due.isoformat()},
        "requested_datetime": w3c(appeal.received_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": w3c(_due_moment(appeal.due)),
        "address": appeal.address,
        "lat": round(appeal.location.y, 6),
        "long": round(appeal.location.x, 6),
        "media_url": media_url,
    }


def post_answer_document(appeal: Appeal) -> dict[str, Any]:
    """The answer to a POST: the number at once, and the token (tokens/{token})."""
    return {
        "service_request_id": appeal.number,
        "token": appeal.partner_token,
        "service_notice": _("Registered; the answer is due by %(date)s.")
        % {"date": appeal.due.isoformat()},
        "account_id": None,
    }


# Writing ---------------------------------------------------------------------------------


def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml_fill(element: ET.Element, key: str, value: Any) -> None:
    child = ET.SubElement(element, key)
    if isinstance(value, dict):
        for sub_key, sub_value in value.items():
            _xml_fill(child, sub_key, sub_value)
    elif isinstance(value, list):
        item_tag = XML_ITEMS.get(key, "item")
        for item in value:
            if isinstance(item, dict):
                item_element = ET.SubElement(child, item_tag)
                for sub_key, sub_value in item.items():
                    _xml_fill(item_element, sub_key, sub_value)
            else:
                ET.SubElement(child, item_tag).text = _xml_text(item)
    else:
        child.text = _xml_text(value)


def xml_bytes(root_tag: str, item_tag: str | None, document: Any) -> bytes:
    """A list of items under `root_tag` (each `item_tag`), or one dict as `root_tag`."""
    root = ET.Element(root_tag)
    items = document if isinstance(document, list) else [document]
    for item in items:
        parent = ET.SubElement(root, item_tag) if item_tag else root
        for key, value in item.items():
            _xml_fill(parent, key, value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def respond(
    document: Any, fmt: str, *, root: str, item: str | None, status: int = 200
) -> HttpResponse:
    """The document as JSON or XML with the spec's content type."""
    if fmt == "xml":
        return HttpResponse(xml_bytes(root, item, document), content_type=XML_TYPE, status=status)
    body = json.dumps(document, ensure_ascii=False)
    return HttpResponse(body, content_type=JSON_TYPE, status=status)


def errors_respond(fmt: str, status: int, description: str) -> HttpResponse:
    """An error as the spec writes it: [{"code": 400, "description": "..."}]."""
    return respond(
        [{"code": status, "description": description}],
        fmt,
        root="errors",
        item="error",
        status=status,
    )
