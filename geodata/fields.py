"""A version's attribute fields in the order of the uploaded file.

jsonb keeps no key order of its own (it sorts keys by length), so the order the publisher's
file had comes from the import report; every door that shows attributes (the version page,
what's here, the OGC API, the downloads) lists them so.
"""

from collections.abc import Iterable

from geodata.models import LayerVersion


def version_file_fields(version: LayerVersion) -> list[str]:
    """The fields in the order the file lists them (from the import report)."""
    return [str(name) for name in (version.report or {}).get("fields", [])]


def version_public_field_order(version: LayerVersion) -> list[str]:
    """The version's public attributes in the order the file lists them."""
    hidden = set(version.hidden_fields)
    return [name for name in version_file_fields(version) if name not in hidden]


def in_file_order(names: Iterable[str], file_order: Iterable[str]) -> list[str]:
    """The names the file lists, in its order, then the others in the order given."""
    present = dict.fromkeys(names)  # an ordered set
    listed = [name for name in dict.fromkeys(file_order) if name in present]
    taken = set(listed)
    return listed + [name for name in present if name not in taken]
