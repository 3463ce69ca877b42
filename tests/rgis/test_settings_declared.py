"""Every setting the code reads is declared, with its default, in rgis/settings/base.py, and
the portal's own ones (RGIS_*, DATABASE_*) are in the README's configuration table.

The sources are read as Python (not run): `settings.NAME` and `getattr(settings, "NAME")`
(or hasattr) in the apps and the platform, migrations aside.
"""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import global_settings

from rgis.settings import base

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("rgis", "staff", "geodata", "parcels", "queues", "appeals")
OUR_PREFIXES = ("RGIS_", "DATABASE_")
SETTING_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def source_files() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def settings_reads(path: Path) -> Iterator[tuple[str, int, bool]]:
    """(name, line, whether read with a default) of each setting a module reads."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "settings"
            and SETTING_NAME.fullmatch(node.attr)
        ):
            yield node.attr, node.lineno, False
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr")
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "settings"
        ):
            name = node.args[1]
            with_default = node.func.id == "getattr" and len(node.args) > 2
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                yield name.value, node.lineno, with_default
            else:
                yield "<a name computed at run time>", node.lineno, with_default


def all_reads() -> list[tuple[str, str, bool]]:
    return [
        (name, f"{path.relative_to(ROOT)}:{line}", with_default)
        for path in source_files()
        for name, line, with_default in settings_reads(path)
    ]


def readme_configuration_table() -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("\n## Configuration\n")
    end = readme.index("\n## ", start + 1)
    return readme[start:end]


def test_the_scan_finds_the_settings_the_code_reads():
    names = {name for name, _where, _default in all_reads()}
    # A few reads known to exist, in the platform and in apps: the scan is not blind.
    assert {"RGIS_STORAGE_SRID", "RGIS_MAIL_MAX_ATTEMPTS", "RGIS_APPEALS_RATE"} <= names


def test_every_setting_the_code_reads_is_declared_in_base_py():
    declared = {name for name in vars(base) if SETTING_NAME.fullmatch(name)}
    django_own = {name for name in vars(global_settings) if SETTING_NAME.fullmatch(name)}
    undeclared = sorted(
        f"{name} ({where})"
        for name, where, _default in all_reads()
        if name not in declared and name not in django_own
    )
    assert undeclared == [], "Declare these in rgis/settings/base.py, with their default"


def test_every_setting_of_the_portal_is_in_the_readme_configuration_table():
    table = readme_configuration_table()
    django_own = set(vars(global_settings))
    missing = sorted(
        {
            f"{name} ({where})"
            for name, where, _default in all_reads()
            if name.startswith(OUR_PREFIXES)
            and name not in django_own
            and not re.search(rf"`{name}`", table)
        }
    )
    assert missing == [], "List these in the README's configuration table"


def test_no_setting_is_read_with_a_default_of_its_own():
    # The default lives in base.py, once: a second one at the read would hide a typo.
    with_defaults = sorted(where for _name, where, with_default in all_reads() if with_default)
    assert with_defaults == []
