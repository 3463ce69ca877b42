from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HearingsConfig(AppConfig):
    name = "hearings"
    verbose_name = _("Public hearings")

    def ready(self) -> None:
        from hearings.selectors.discussion import hearings_open_now
        from rgis.demo import demo_loader_register
        from rgis.notices import notice_provider_register
        from rgis.personal import personal_field_register

        # The commenter's identity, encrypted; the IIN with its look-up hash too.
        for column in ("author_name_encrypted", "author_email_encrypted", "author_phone_encrypted"):
            personal_field_register("hearings.Comment", encrypted=column)
        personal_field_register(
            "hearings.Comment", encrypted="author_iin_encrypted", digest="author_iin_digest"
        )
        # After the plans (20) and parcels (30): the hearing shows the demo ПДП's parcels.
        demo_loader_register(
            order=60, name="hearing comment(s)", load="hearings.demo.demo_hearing_load"
        )
        # The home page tells a visitor which hearings take comments now.
        notice_provider_register(
            order=10,
            name="open hearings",
            template="hearings/includes/home_notice.html",
            notices=hearings_open_now,
        )
