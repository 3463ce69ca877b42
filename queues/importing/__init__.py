"""Bulk import of an existing queue register (CSV or XLSX) with a report of refused rows.

One core, three doors: the officers' import page, `manage.py queue_import` and the tests.
The core is core.register_import; its parts read the file (reading.py), check the rows
(checking.py), write the accepted ones (writing.py) and report (report.py); uploads.py keeps
an officer's file between the preview and the confirmation.
"""
