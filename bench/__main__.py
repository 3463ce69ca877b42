"""Run every benchmark module in bench/ (`make bench`); exit non-zero if a goal is missed."""

import importlib
import os
import pkgutil
import sys

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rgis.settings.dev")
    django.setup()
    import bench

    failures = 0
    for module in pkgutil.iter_modules(bench.__path__):
        if not module.name.startswith("bench_"):
            continue
        print(f"--- {module.name}")
        met = importlib.import_module(f"bench.{module.name}").run()
        failures += not met
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
