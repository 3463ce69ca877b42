from django.apps import AppConfig


class QueuesConfig(AppConfig):
    name = "queues"

    def ready(self) -> None:
        from rgis.db import append_only_table_register
        from rgis.demo import demo_loader_register
        from rgis.personal import personal_field_register

        # The public ledger and its daily roots: the app role may only read and append.
        append_only_table_register("queues_ledgerentry", "queues_ledgerroot")
        # The applicant's IIN, encrypted, and its look-up hash (personal_data_rotate).
        personal_field_register(
            "queues.Application", encrypted="iin_encrypted", digest="iin_digest"
        )
        demo_loader_register(
            order=40, name="queue application(s)", load="queues.demo.demo_queues_load"
        )
