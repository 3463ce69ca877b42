"""The portal's Django admin site: throttled sign-in, audited password changes, and with
RGIS_ADMIN_OTP a second factor (a TOTP code, django-otp) for everyone who enters it."""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.template.response import TemplateResponse
from django_otp.admin import OTPAdminAuthenticationForm

from rgis.security import sign_in_refusal_message, sign_in_throttled_wait
from staff.selectors import user_password_hash
from staff.services import audit_password_changed


class PortalAdminSite(admin.AdminSite):
    """Django's admin with the sign-in door throttled like the others (rgis.security)."""

    # Properties over Django's class attributes, read per request so that tests (and a
    # restart) can switch RGIS_ADMIN_OTP: mypy sees a property replacing an attribute.
    @property
    def login_form(self) -> Any:  # type: ignore[override]  # a property over an attribute
        if not settings.RGIS_ADMIN_OTP:
            return None  # Django's AdminAuthenticationForm
        return OTPAdminAuthenticationForm

    @property
    def login_template(self) -> str | None:  # type: ignore[override]  # as login_form
        return "otp/admin111/login.html" if settings.RGIS_ADMIN_OTP else None

    def has_permission(self, request: HttpRequest) -> bool:
        """Active staff; with RGIS_ADMIN_OTP, also verified by a one-time code this session."""
        if not super().has_permission(request):
            return False
        if not settings.RGIS_ADMIN_OTP:
            return True
        # OTPMiddleware gives the user is_verified(); the stubs do not know it.
        return request.user.is_verified()  # type: ignore[union-attr]  # see above

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        wait = sign_in_throttled_wait(request)
        if wait:
            response = render(
                request,
                "rgis/refused.html",
                {"message": sign_in_refusal_message(wait)},
                status=429,
            )
            response["Retry-After"] = str(wait * 60)
            return response
        return super().login(request, extra_context)

    def password_change(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        """The admin's own "change my password", recorded in the audit log."""
        with transaction.atomic():
            before = user_password_hash(request.user.pk)
            response = super().password_change(request, extra_context)
            if request.method == "POST" and user_password_hash(request.user.pk) != before:
                # The admin lets in signed-in staff only: request.user is a User here.
                audit_password_changed(
                    actor=request.user,
                    user=request.user,  # type: ignore[arg-type]  # see above
                )
        return response
