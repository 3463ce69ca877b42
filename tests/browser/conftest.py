"""Browser tests: Playwright driving Debian's Chromium against a live portal.

The live server serves static files through whitenoise from the collected, compressed
files, as production does, so the transfer sizes the browser sees are the real ones.
"""

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext, Route, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
# tests are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("RGIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _NoStaticFilesHandler:
    """Let whitenoise in the middleware serve static files instead of Django's finders."""

    def __new__(cls, application):
        return application


@pytest.fixture(scope="session")
def portal_url(django_db_setup, django_db_blocker) -> Iterator[str]:
    with django_db_blocker.unblock():
        thread = LiveServerThread("127.0.0.1", _NoStaticFilesHandler)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
        thread.terminate()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OfflineContext:
    """A browser context in which every request off the portal's origin is blocked."""

    def __init__(self, browser: Browser, portal_url: str, **options) -> None:
        self.origin = portal_url
        self.blocked: list[str] = []
        self.context: BrowserContext = browser.new_context(**options)
        self.context.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url)._replace(path="", query="", fragment="").geturl() == self.origin:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("internetdisconnected")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def offline(browser, portal_url) -> Iterator:
    """Factory of offline browser contexts, closed after the test."""
    made: list[OfflineContext] = []

    def make(**options) -> OfflineContext:
        context = OfflineContext(browser, portal_url, **options)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
