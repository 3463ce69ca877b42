"""The production files hold together: services, required secrets, documented variables.

No Docker engine runs on the CI machines, so `docker compose config` cannot run here;
this reads the same files and checks what that command would, plus our own rules.
"""

import re
from pathlib import Path

import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
DOCKER = BASE_DIR / "docker"


def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yml").read_text())


def test_compose_has_the_five_services_built_from_our_dockerfile():
    services = compose()["services"]
    assert set(services) == {"db", "web", "worker", "scheduler", "proxy"}
    for name in ("web", "worker", "scheduler"):
        build = services[name]["build"]
        assert (DOCKER / build["context"] / build["dockerfile"]).resolve() == (
            DOCKER / "Dockerfile"
        )
    assert services["db"]["image"].startswith("postgis/postgis:15")
    assert services["worker"]["command"][-3:] == ["db_worker", "--queue-name", "*"]
    # The daily ledger roots: an idempotent command in a loop (the worker cannot schedule).
    assert "python manage.py queue_publish_roots" in services["scheduler"]["command"][-1]


def test_secrets_are_required_from_the_environment_never_written_down():
    text = (DOCKER / "compose.yml").read_text()
    assert re.search(r"SECRET_KEY: \$\{SECRET_KEY:\?", text)
    assert re.search(r"RGIS_PERSONAL_DATA_KEY: \$\{RGIS_PERSONAL_DATA_KEY:\?", text)
    assert re.search(r"POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?", text)
    example = (DOCKER / ".env.example").read_text()
    assert re.search(r"^SECRET_KEY=$", example, re.M)
    assert re.search(r"^RGIS_PERSONAL_DATA_KEY=$", example, re.M)
    assert re.search(r"^POSTGRES_PASSWORD=$", example, re.M)


def test_every_variable_compose_reads_is_documented_in_the_env_example():
    text = (DOCKER / "compose.yml").read_text()
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)", text))
    documented = set(
        re.findall(r"^#?\s*([A-Z_][A-Z0-9_]*)=", (DOCKER / ".env.example").read_text(), re.M)
    )
    assert used - documented == set()


def test_the_proxy_limits_uploads_and_caches_tiles():
    template = (DOCKER / "nginx.conf.template").read_text()
    assert "client_max_body_size ${RGIS_MAX_UPLOAD_MB}m" in template
    assert re.search(r"location /tiles/ \{[^}]*proxy_cache rgis_tiles", template, re.S)
    assert re.search(r"location /static/", template)


def test_the_proxy_takes_big_bodies_only_on_the_planners_import_paths():
    template = (DOCKER / "nginx.conf.template").read_text()
    server = template.split("server {", 1)[1]
    assert re.search(r"^    client_max_body_size \$\{RGIS_MAX_REQUEST_MB\}m;", server, re.M)
    imports = re.search(
        r'location ~ "([^"]+)" \{\s*client_max_body_size \$\{RGIS_MAX_UPLOAD_MB\}m;', server
    )
    assert imports is not None
    import_paths = re.compile(imports[1])
    for path in ("/api/imports/", "/kk/staff/imports/new/", "/ru/staff/queues/taraz/import/"):
        assert import_paths.match(path), path
    for path in ("/kk/appeals/new/", "/open311/v2/requests.json", "/ru/staff/appeals/1/answer/"):
        assert not import_paths.match(path), path


def test_an_upload_too_big_for_the_proxy_gets_a_page_in_the_three_languages():
    template = (DOCKER / "nginx.conf.template").read_text()
    page = re.search(r"error_page 413 /static/(\S+);", template)
    assert page is not None
    html = (BASE_DIR / "rgis" / "static" / page[1]).read_text()
    for language, words in (("kk", "Файл тым үлкен"), ("ru", "Файл слишком большой")):
        assert f'lang="{language}"' in html and words in html
    assert "The file is too large" in html
