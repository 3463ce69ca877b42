"""The demo data of `manage.py load_demo`, loaded by the apps that own it.

Each app registers its loaders in AppConfig.ready(); the command runs them in `order` and
prints one summary line. The platform names no app: a new app adds its demo data here
without a change to the command. A loader is named by its dotted path and imported only
when the command runs: the demo modules pull in the import core (GDAL, pandas), which a
process that never loads demo data need not import at start-up.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DemoLoader:
    order: int  # lower runs first (districts before the plans that lie in them)
    name: str  # what it counts, for the summary line: "district(s)"
    path: str  # dotted path of a function () -> int: loads what is missing, counts the new

    def load(self) -> int:
        return cast(Callable[[], int], import_string(self.path))()


_demo_loaders: dict[str, DemoLoader] = {}


def demo_loader_register(*, order: int, name: str, load: str) -> None:
    """Declare a demo loader (called by apps in AppConfig.ready(); one per name)."""
    _demo_loaders[name] = DemoLoader(order, name, load)


def demo_loaders() -> tuple[DemoLoader, ...]:
    """The registered loaders in the order they run."""
    return tuple(sorted(_demo_loaders.values(), key=lambda loader: loader.order))
