"""With the Content-Security-Policy on, the main pages run without a single violation:
every inline script carries the request's nonce, nothing else is loaded or run."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from geodata.demo import demo_districts_load
from geodata.models import District
from tests.conftest import PASSWORD
from tests.factories import QueueFactory, StaffUserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__csp.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def violations(page) -> list[str]:
    return page.evaluate("window.__csp")


def test_public_pages_run_with_no_policy_violation(offline, portal_url):
    demo_districts_load()
    browser = offline()
    browser.context.add_init_script(RECORD_VIOLATIONS)
    page = browser.context.new_page()

    page.goto(f"{portal_url}/en/", wait_until="networkidle")
    expect(page.locator(".rgis-switcher")).to_be_visible()  # drawn by the inline script
    assert violations(page) == []

    for path in ("/en/appeals/new/", "/en/queues/lookup/", "/en/appeals/", "/en/plans/"):
        page.goto(f"{portal_url}{path}", wait_until="networkidle")
        assert violations(page) == [], path


def test_an_injected_inline_script_does_not_run(offline, portal_url):
    browser = offline()
    browser.context.add_init_script(RECORD_VIOLATIONS)
    page = browser.context.new_page()
    page.goto(f"{portal_url}/en/queues/lookup/", wait_until="networkidle")
    # What an XSS would do: add a script with no (or a guessed) nonce.
    page.evaluate(
        """() => {
        window.__ran = false;
        const script = document.createElement("script");
        script.setAttribute("nonce", "guessed");
        script.textContent = "window.__ran = true;";
        document.body.appendChild(script);
    }"""
    )
    assert page.evaluate("window.__ran") is False
    assert any(v.startswith("script-src") for v in violations(page))


def test_the_admin_map_widget_runs_with_no_policy_violation(offline, portal_url):
    demo_districts_load()
    User.objects.create_superuser("root", password=PASSWORD)
    north = District.objects.get(slug="north")
    browser = offline()
    browser.context.add_init_script(RECORD_VIOLATIONS)
    page = browser.context.new_page()
    page.goto(f"{portal_url}/en/admin/login/?next=/en/admin/geodata/district/{north.pk}/change/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".dj_map canvas").first).to_be_visible()
    assert violations(page) == []


def test_staff_pages_with_their_own_styles_run_with_no_policy_violation(offline, portal_url):
    StaffUserFactory(username="operator", role="appeals_operator")
    queue = QueueFactory()
    browser = offline()
    browser.context.add_init_script(RECORD_VIOLATIONS)
    page = browser.context.new_page()

    page.goto(f"{portal_url}/en/queues/{queue.slug}/verify/", wait_until="networkidle")
    expect(page.locator(".ledger-verdict")).to_have_css("border-top-style", "solid")
    assert violations(page) == []

    page.goto(f"{portal_url}/en/staff/login/?next=/en/staff/appeals/new/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("form.front-office")).to_have_css("display", "grid")
    expect(page.locator("#pick-map.leaflet-container")).to_be_visible()  # its inline script
    assert violations(page) == []
    page.goto(f"{portal_url}/en/staff/appeals/", wait_until="networkidle")
    assert violations(page) == []
