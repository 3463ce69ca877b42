"""Every write of the queues, by concept: applications, back-dating, offers, refusals,
removals, lot draws, the ledger and its daily roots (the bulk import is queues/importing/).

A service does its writes in one transaction, appends the matching ledger events in it and
records staff actions in the audit log; e-mails go out through background jobs on commit
(queues/tasks.py). The steps every change of an application shares are in transitions.py.

Lock order, the same in every service so two officers never deadlock: the queue row (the
ledger's lock too), then the offer, then the parcel, then the application.
"""
