"""Django's PostGIS backend, with health checks only for connections that sat idle (base.py)."""
