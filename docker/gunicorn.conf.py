"""Gunicorn settings for the e-RGIS image, sized for a 2-core machine.

Override from the environment: WEB_CONCURRENCY (processes), GUNICORN_THREADS (threads in
each), GUNICORN_TIMEOUT (seconds), PORT. Every thread holds its own database connection
(kept DATABASE_CONN_MAX_AGE seconds), so one container opens up to
WEB_CONCURRENCY x GUNICORN_THREADS connections to the primary, and as many to each replica.
"""

import os

bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]  # noqa: S104 (only the proxy reaches it)
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Long requests (a big upload being saved) get this long; imports themselves run in jobs.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then: GDAL and pandas hold on to memory.
max_requests = 1000
max_requests_jitter = 100
# The heartbeat file on tmpfs, not on the container's overlay file system.
worker_tmp_dir = "/dev/shm"  # noqa: S108 (private to this container)
# nginx is the only client; Django reads X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = "*"
accesslog = "-"
errorlog = "-"
# No control socket for gunicornc: its default place, $HOME, is read-only in the image.
control_socket_disable = True
