"""Who a client is for the rate limits: an IPv6 subscriber by its /64, each resident behind
a trusted load balancer on its own, and nothing a client writes in X-Forwarded-For believed.

Each test follows an appeal by e-mail (the follow form allows RGIS_APPEALS_RATE per client)
as the resident or the attacker would, with the addresses the web process would see."""

import pytest

from appeals.models import AppealFollower
from tests.appeals.public_seed import appeal_filed

pytestmark = pytest.mark.django_db

NGINX = "172.18.0.5"  # our proxy, on Docker's private network
BALANCER = "10.0.0.2"  # a load balancer in front of it, on the LAN


@pytest.fixture
def follow(client, settings):
    """POST the follow form as a client seen from `remote` with `headers`; the status."""
    settings.RGIS_APPEALS_RATE = "1/10m"
    number = appeal_filed().number
    emails = iter(range(100))

    def post(remote: str, **headers: str) -> int:
        response = client.post(
            f"/en/appeals/{number}/follow/",
            {"email": f"resident{next(emails)}@example.kz"},
            REMOTE_ADDR=remote,
            **headers,
        )
        return response.status_code

    return post


def test_two_addresses_of_one_ipv6_subscriber_share_one_count(follow):
    assert follow("2001:db8:1:2::10") == 200
    response = follow("2001:db8:1:2:dead:beef:0:1")
    assert response == 429
    assert follow("2001:db8:1:3::10") == 200  # another subscriber's /64
    assert AppealFollower.objects.count() == 2


def test_the_ipv6_prefix_is_a_setting(follow, settings):
    settings.RGIS_RATE_IPV6_PREFIX = 56
    assert follow("2001:db8:1:200::1") == 200
    assert follow("2001:db8:1:2ff::1") == 429  # the same /56


def test_two_residents_behind_a_trusted_balancer_are_counted_apart(follow):
    # The balancer adds the resident's address; our nginx adds the balancer's.
    first = follow(NGINX, HTTP_X_FORWARDED_FOR=f"203.0.113.7, {BALANCER}", HTTP_X_REAL_IP=BALANCER)
    second = follow(
        NGINX, HTTP_X_FORWARDED_FOR=f"198.51.100.9, {BALANCER}", HTTP_X_REAL_IP=BALANCER
    )
    again = follow(NGINX, HTTP_X_FORWARDED_FOR=f"203.0.113.7, {BALANCER}", HTTP_X_REAL_IP=BALANCER)
    assert (first, second, again) == (200, 200, 429)


def test_a_balancer_with_a_public_address_is_trusted_once_configured(follow, settings):
    settings.RGIS_TRUSTED_PROXIES = ["127.0.0.0/8", "172.16.0.0/12", "192.0.2.0/28"]
    assert follow(NGINX, HTTP_X_FORWARDED_FOR="203.0.113.7, 192.0.2.3") == 200
    assert follow(NGINX, HTTP_X_FORWARDED_FOR="198.51.100.9, 192.0.2.4") == 200
    assert follow(NGINX, HTTP_X_FORWARDED_FOR="203.0.113.7, 192.0.2.3") == 429


def test_a_forged_forwarded_for_from_an_untrusted_address_changes_nothing(follow):
    # Straight to the app from the internet: the header is the attacker's own words.
    assert follow("203.0.113.66", HTTP_X_FORWARDED_FOR="198.51.100.1") == 200
    assert follow("203.0.113.66", HTTP_X_FORWARDED_FOR="198.51.100.2") == 429
    assert follow("203.0.113.66", HTTP_X_REAL_IP="198.51.100.3") == 429


def test_a_forged_forwarded_for_through_our_proxy_changes_nothing(follow):
    # Through nginx, which appends the address it was reached from to what the client wrote.
    assert follow(NGINX, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.66") == 200
    assert follow(NGINX, HTTP_X_FORWARDED_FOR="10.0.0.9, 203.0.113.66") == 429
    assert follow(NGINX, HTTP_X_FORWARDED_FOR="garbage, 203.0.113.66") == 429
    assert follow(NGINX, HTTP_X_FORWARDED_FOR="203.0.113.67") == 200  # someone else
