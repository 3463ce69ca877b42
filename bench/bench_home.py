"""Home page: server time to build the folium map page, against a plain page of the portal.

Reference: the search page with no query (same base template, middleware and language
handling, no map). Goal: the map page costs at most 4x the plain page, so the map shell
adds little on top of what every page pays.
"""

import statistics
import time

from django.test import Client

ROUNDS = 200
GOAL = 4.0


def _median_ms(client: Client, path: str) -> float:
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings)


def run() -> bool:
    client = Client(HTTP_HOST="127.0.0.1")
    _median_ms(client, "/kk/")  # warm caches and connections
    reference = _median_ms(client, "/kk/search/")
    home = _median_ms(client, "/kk/")
    ratio = home / reference
    print(f"home page median {home:.2f} ms, plain page {reference:.2f} ms: ratio {ratio:.2f}x")
    met = ratio <= GOAL
    print(f"verdict: {'PASS' if met else 'FAIL'} (goal <= {GOAL}x)")
    return met
