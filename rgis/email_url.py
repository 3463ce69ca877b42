"""EMAIL_URL -> Django's EMAIL_* settings (imported by the settings: no Django models here).

    smtp://user:password@host:587/?tls=1   SMTP, STARTTLS when tls=1 (port 25 by default)
    smtps://user:password@host/            SMTP over TLS from the first byte (port 465)
    file:///srv/rgis/mail                  each letter a file in that folder (development)
    console:                               letters printed on standard output
    locmem:                                kept in memory (tests)

User and password are percent-decoded (a password with "@" or "/" is written %40, %2F).
Our own few lines rather than dj-email-url, whose `smtps` means STARTTLS and whose
`file:///abs` path loses its leading slash.
"""

from urllib.parse import parse_qs, unquote, urlsplit

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
TRUE = {"1", "true", "yes", "on"}


def email_settings_parse(url: str) -> dict[str, object]:
    """The EMAIL_* settings an EMAIL_URL stands for; ValueError for an unknown scheme."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        known = ", ".join(sorted(BACKENDS))
        raise ValueError(f"EMAIL_URL: unknown scheme {scheme!r}, expected one of {known}")
    settings: dict[str, object] = {"EMAIL_BACKEND": BACKENDS[scheme]}
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if scheme == "file":
        settings["EMAIL_FILE_PATH"] = unquote(parts.path)
    elif scheme in ("smtp", "smtps"):
        implicit_tls = scheme == "smtps" or query.get("ssl", "").lower() in TRUE
        settings.update(
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=parts.port or (465 if implicit_tls else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=implicit_tls,
            EMAIL_USE_TLS=not implicit_tls and query.get("tls", "").lower() in TRUE,
        )
    if "timeout" in query:
        settings["EMAIL_TIMEOUT"] = float(query["timeout"])
    return settings
