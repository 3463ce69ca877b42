"""User administration cannot raise anyone above the editor, and is fully audited.

Each test posts to the real admin URLs as a user of the administrator role (which holds
auth.change_user) and checks the answer and the account's row afterwards.
"""

import json

import pytest
from django.contrib.auth.models import Group, Permission, User

from staff.models import AuditEntry
from tests.conftest import PASSWORD
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


def change_form_data(client, user: User, **changes) -> dict:
    """What the admin's change form of `user` posts unchanged, with `changes` applied."""
    page = client.get(f"/en/admin/auth/user/{user.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data: dict = {}
    for name, value in form.initial.items():
        if name not in form.fields or name == "password" or value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif name in ("groups", "user_permissions"):
            data[name] = [item.pk for item in value]
        elif name == "date_joined":
            data["date_joined_0"] = value.strftime("%Y-%m-%d")
            data["date_joined_1"] = value.strftime("%H:%M:%S")
        elif name == "last_login":
            continue
        else:
            data[name] = value
    data.update(changes)
    return data


def test_an_administrator_cannot_make_himself_superuser_nor_change_his_own_role(staff_client):
    client, admin_user = staff_client("administrator")
    page = client.get(f"/en/admin/auth/user/{admin_user.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="groups"' not in page
    every_permission = list(Permission.objects.values_list("pk", flat=True))
    data = change_form_data(
        client,
        admin_user,
        is_superuser="on",
        user_permissions=every_permission,
        groups=[],
        first_name="Boss",
    )
    response = client.post(f"/en/admin/auth/user/{admin_user.pk}/change/", data)
    assert response.status_code == 302
    admin_user = User.objects.get(pk=admin_user.pk)
    assert admin_user.first_name == "Boss"  # his own name he may change
    assert not admin_user.is_superuser
    assert not admin_user.user_permissions.exists()
    assert list(admin_user.groups.values_list("name", flat=True)) == ["administrator"]


def test_an_administrator_cannot_grant_single_permissions(staff_client):
    client, _admin_user = staff_client("administrator")
    colleague = StaffUserFactory(username="aigerim", role="planner")
    page = client.get(f"/en/admin/auth/user/{colleague.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    delete_user = Permission.objects.get(codename="delete_user")
    data = change_form_data(client, colleague, is_superuser="on", user_permissions=[delete_user.pk])
    client.post(f"/en/admin/auth/user/{colleague.pk}/change/", data)
    colleague = User.objects.get(pk=colleague.pk)
    assert not colleague.is_superuser
    assert not colleague.user_permissions.exists()


def test_an_administrator_gives_only_roles_within_his_own_capabilities(staff_client):
    client, _admin_user = staff_client("administrator")
    colleague = StaffUserFactory(username="aigerim")
    mighty = Group.objects.create(name="user_remover")
    mighty.permissions.add(Permission.objects.get(codename="delete_user"))

    data = change_form_data(client, colleague, groups=[mighty.pk])
    response = client.post(f"/en/admin/auth/user/{colleague.pk}/change/", data)
    assert response.status_code == 200  # the form again, with the refusal
    assert "is not one of the available choices" in response.content.decode()
    assert not colleague.groups.exists()

    planner = Group.objects.get(name="planner")
    data = change_form_data(client, colleague, groups=[planner.pk])
    assert client.post(f"/en/admin/auth/user/{colleague.pk}/change/", data).status_code == 302
    assert list(colleague.groups.values_list("name", flat=True)) == ["planner"]


def test_an_administrator_cannot_edit_a_superuser_nor_reset_its_password(staff_client):
    client, _admin_user = staff_client("administrator")
    root = User.objects.create_superuser("root", password=PASSWORD)
    response = client.post(
        f"/en/admin/auth/user/{root.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 403
    response = client.post(
        f"/en/admin/auth/user/{root.pk}/change/",
        {"username": "root", "first_name": "Owned", "is_active": "on"},
    )
    assert response.status_code == 403
    root = User.objects.get(pk=root.pk)
    assert root.check_password(PASSWORD)
    assert root.first_name == ""
    assert not AuditEntry.objects.filter(action="password_change").exists()


def test_an_administrator_cannot_edit_an_account_holding_more_than_he_does(staff_client):
    client, _admin_user = staff_client("administrator")
    other = StaffUserFactory(username="remover")
    other.user_permissions.add(Permission.objects.get(codename="delete_user"))
    response = client.post(
        f"/en/admin/auth/user/{other.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 403
    assert User.objects.get(pk=other.pk).check_password(PASSWORD)


def test_password_changes_are_audited_without_the_password(staff_client):
    client, admin_user = staff_client("administrator")
    colleague = StaffUserFactory(username="aigerim", role="planner")
    response = client.post(
        f"/en/admin/auth/user/{colleague.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    colleague = User.objects.get(pk=colleague.pk)
    assert colleague.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="password_change")
    assert entry.actor == admin_user
    assert entry.object_id == str(colleague.pk)
    stored = json.dumps([entry.before, entry.after, entry.object_repr])
    assert NEW_PASSWORD not in stored
    assert colleague.password not in stored

    # The admin's own "change my password" page too.
    response = client.post(
        "/en/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    own = AuditEntry.objects.filter(action="password_change", object_id=str(admin_user.pk))
    assert own.count() == 1
    assert NEW_PASSWORD not in json.dumps(own.get().after)


def test_the_bulk_delete_action_spares_accounts_above_the_editor(client):
    remover = StaffUserFactory(username="remover", role="administrator")
    remover.user_permissions.add(Permission.objects.get(codename="delete_user"))
    root = User.objects.create_superuser("root", password=PASSWORD)
    client.force_login(remover)
    response = client.post(
        "/en/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": [root.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert User.objects.filter(pk=root.pk).exists()
    assert not AuditEntry.objects.filter(action="delete").exists()
