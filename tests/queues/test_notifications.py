import pytest
from django.core import mail
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from queues.models import Application
from queues.services.applications import application_verify
from queues.services.offers import offer_accept, offer_to_head
from queues.services.removals import application_remove
from tests.factories import StaffUserFactory
from tests.queues.factories import ParcelFactory, applications_register, refuse_on_behalf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _said(msgid, language="ru", **values):
    """What the mail says in a language (the mails are in Kazakh and Russian)."""
    with translation.override(language):
        text = gettext(msgid)
        return text % {k: str(v) for k, v in values.items()} if values else text


def _near_head_text(application, language="ru"):
    with translation.override(language):
        queue = application.queue.name
    return _said(
        'Your application %(number)s in the queue "%(queue)s" is near the head of the queue.',
        language,
        number=application.number,
        queue=queue,
    )


def _near_mails(applications):
    return [
        m
        for a in applications
        for m in _mails_to(a.email)
        if _near_head_text(a, "ru") in m.body and _near_head_text(a, "kk") in m.body
    ]


def _mails_to(address):
    return [message for message in mail.outbox if address in message.to]


def test_status_changes_are_mailed_in_kazakh_and_russian_with_the_number_and_a_link(
    queue, run_jobs, django_capture_on_commit_callbacks
):
    [first, _second] = applications_register(queue, 2, email=True)
    parcel = ParcelFactory()
    with django_capture_on_commit_callbacks(execute=True):
        offer = offer_to_head(queue=queue, parcel=parcel, actor=None)
    run_jobs()

    [offered] = [m for m in _mails_to(first.email) if parcel.cadastral_number in m.body]
    assert first.number in offered.subject
    assert first.number in offered.body
    assert f"lookup/?number={first.number}" in offered.body
    # Both state languages in the one mail: the body is rendered once per language.
    assert offered.body.count(first.number) >= 2
    assert offered.body.count("----------") == 1

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_verify(application=first, actor=None)
        offer_accept(offer=offer, actor=None)
    run_jobs()
    [allocated] = _mails_to(first.email)
    for language in ("kk", "ru"):
        allocated_text = _said(
            "The land plot %(parcel)s is allocated to you.",
            language,
            parcel=parcel.cadastral_number,
        )
        assert allocated_text in allocated.body


def test_back_to_waiting_and_removal_are_mailed(
    queue, run_jobs, removal_reason, django_capture_on_commit_callbacks
):
    first, second = applications_register(queue, 2, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        offer = offer_to_head(queue=queue, parcel=ParcelFactory(), actor=None)
    run_jobs()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        refuse_on_behalf(offer, StaffUserFactory(role="queue_officer"))
    run_jobs()
    [back] = _mails_to(first.email)
    assert (
        _said("Your application is waiting in the queue again, in its original place.") in back.body
    )
    assert len(_mails_to(second.email)) == 1  # the parcel passed to them

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_remove(application=first, reason=removal_reason, actor=None)
    run_jobs()
    [removed] = _mails_to(first.email)
    assert _said("Your application was removed from the queue.") in removed.body
    assert _said("Your application was removed from the queue.", "kk") in removed.body
    assert removal_reason.name_ru in removed.body and removal_reason.name_kk in removed.body


@override_settings(RGIS_QUEUE_NOTIFY_WITHIN=2)
def test_near_the_head_is_mailed_once(
    queue, run_jobs, removal_reason, django_capture_on_commit_callbacks
):
    applications = applications_register(queue, 4, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        application_remove(application=applications[0], reason=removal_reason, actor=None)
    run_jobs()
    near = _near_mails(applications)
    assert sorted(m.to[0] for m in near) == sorted([applications[1].email, applications[2].email])
    assert Application.objects.filter(near_head_notified_at__isnull=False).count() == 2

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_remove(application=applications[1], reason=removal_reason, actor=None)
    run_jobs()
    near = _near_mails(applications)
    # Only the newcomer within two places; the one told before is not told again.
    assert [m.to[0] for m in near] == [applications[3].email]


def test_applicants_without_an_address_get_no_job(queue, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    applications_register(queue, 1)
    with django_capture_on_commit_callbacks(execute=True):
        offer_to_head(queue=queue, parcel=ParcelFactory(), actor=None)
    names = [r.task_path for r in DBTaskResult.objects.all()]
    assert not any("status_notify" in name for name in names)


def test_the_link_is_absolute_when_the_portal_address_is_set(
    queue, run_jobs, settings, django_capture_on_commit_callbacks
):
    settings.RGIS_PUBLIC_URL = "https://rgis.taraz.kz/"
    [first] = applications_register(queue, 1, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        offer_to_head(queue=queue, parcel=ParcelFactory(), actor=None)
    run_jobs()
    [message] = _mails_to(first.email)
    assert f"https://rgis.taraz.kz/kk/queues/lookup/?number={first.number}" in message.body
    assert f"https://rgis.taraz.kz/ru/queues/lookup/?number={first.number}" in message.body
    # Nothing personal beyond the number: the mail names no one.
    assert first.full_name not in message.body
