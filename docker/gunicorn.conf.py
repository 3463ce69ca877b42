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
# Recycle processes now and then: GDAL and pandas hold on to memory. Not too often: a new
# process opens a new database connection per thread, and the first statements of a new
# PostgreSQL session take 15-25 ms (catalogue caches, PROJ), while a map move alone asks
# for 20-40 tiles; at 1000 requests the workers were recycled every few map moves.
max_requests = 10000
max_requests_jitter = 1000
# Load the app once in the master and fork the workers from it (rgis/wsgi.py warms it up):
# a worker replacing a recycled one is ready at once instead of importing Django and GDAL
# for a second or more of CPU while the others serve, and the first requests it serves are
# not the slow ones. Code changes need a restart (a new container), not a HUP.
preload_app = True


def pre_fork(server: object, worker: object) -> None:
    """Before each fork: no database connection may be shared, and the loaded app is frozen.

    gc.freeze() moves everything loaded so far out of the collector's sight: the workers'
    full collections no longer walk Django's and GDAL's objects (pauses in the slowest
    requests), and do not write to those pages, which stay shared with the master.
    """
    import gc

    from django.db import connections

    connections.close_all()
    gc.freeze()


# The heartbeat file on tmpfs, not on the container's overlay file system.
worker_tmp_dir = "/dev/shm"  # noqa: S108 (private to this container)
# nginx is the only client; Django reads X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = "*"
accesslog = "-"
errorlog = "-"
# No control socket for gunicornc: its default place, $HOME, is read-only in the image.
control_socket_disable = True
