"""Run the benchmark modules in bench/ (`make bench`); exit non-zero if a goal is missed.

`python -m bench` runs every bench_*.py; `python -m bench bench_tiles bench_whats_here` runs
only those (in the order given).
"""

import importlib
import os
import pkgutil
import sys

import django


def main(names: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rgis.settings.dev")
    django.setup()
    import bench

    available = [
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    ]
    unknown = [name for name in names if name not in available]
    if unknown:
        print(f"no such benchmark: {', '.join(unknown)} (there are: {', '.join(available)})")
        return 2
    failures = 0
    for name in names or available:
        print(f"--- {name}")
        met = importlib.import_module(f"bench.{name}").run()
        failures += not met
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
