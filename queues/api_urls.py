"""The published queue ledgers: /api/queues/ ... (see queues/ledger_api.py)."""

from django.urls import path

from queues import ledger_api

app_name = "queues_api"
urlpatterns = [
    path("", ledger_api.queues_api, name="list"),
    path("ledger_verify.py", ledger_api.verify_script, name="verify_script"),
    path("<slug:slug>/ledger", ledger_api.queue_ledger_api, name="ledger"),
    path("<slug:slug>/ledger.jsonl", ledger_api.queue_ledger_download, name="ledger_download"),
    path("<slug:slug>/roots", ledger_api.queue_roots_api, name="roots"),
]
