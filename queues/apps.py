from django.apps import AppConfig


class QueuesConfig(AppConfig):
    name = "queues"

    def ready(self) -> None:
        from rgis.db import append_only_table_register

        # The public ledger and its daily roots: the app role may only read and append.
        append_only_table_register("queues_ledgerentry", "queues_ledgerroot")
