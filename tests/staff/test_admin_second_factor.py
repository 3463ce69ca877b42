"""RGIS_ADMIN_OTP: the admin asks for a TOTP code besides the password."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_factor(settings):
    settings.RGIS_ADMIN_OTP = True


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def test_a_password_alone_does_not_open_the_admin(client, second_factor):
    User.objects.create_superuser("root", password=PASSWORD)
    page = client.get("/en/admin/login/").content.decode()
    assert 'name="otp_token"' in page
    response = client.post(
        "/en/admin/login/", {"username": "root", "password": PASSWORD, "next": "/en/admin/"}
    )
    assert response.status_code == 200  # the form again
    assert client.get("/en/admin/").status_code == 302
    # Signed in at the staff page (password only): the admin still asks for the code.
    client.post("/en/staff/login/", {"username": "root", "password": PASSWORD})
    assert client.get("/en/staff/").status_code == 200
    response = client.get("/en/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_password_and_the_code_of_the_device_open_it(client, second_factor, capsys):
    root = User.objects.create_superuser("root", password=PASSWORD)
    call_command("staff_totp_add", "root", "--name", "phone")
    assert capsys.readouterr().out.startswith("otpauth://totp/")
    device = TOTPDevice.objects.get(user=root)
    assert AuditEntry.objects.filter(action="totp_device_add", object_id=str(root.pk)).exists()

    response = client.post(
        "/en/admin/login/",
        {
            "username": "root",
            "password": PASSWORD,
            "otp_device": device.persistent_id,  # offered once the password was right
            "otp_token": current_code(device),
            "next": "/en/admin/",
        },
    )
    assert response.status_code == 302
    assert client.get("/en/admin/").status_code == 200


def test_a_wrong_code_does_not_open_it(client, second_factor):
    root = User.objects.create_superuser("root", password=PASSWORD)
    call_command("staff_totp_add", "root")
    device = TOTPDevice.objects.get(user=root)
    wrong = f"{(int(current_code(device)) + 1) % 10**device.digits:0{device.digits}d}"
    response = client.post(
        "/en/admin/login/",
        {
            "username": "root",
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": wrong,
            "next": "/en/admin/",
        },
    )
    assert response.status_code == 200
    assert client.get("/en/admin/").status_code == 302
