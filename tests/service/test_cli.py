"""``synthese admin create-tenant / create-key`` and the ``serve`` command's registration (issue 6)."""

from __future__ import annotations

from sqlmodel import Session, select
from typer.testing import CliRunner

from service.cli import app
from service.core.config import get_settings
from service.core.db import make_engine
from service.core.security import hash_api_key
from service.models import ApiKey


def test_create_tenant_and_keys(tmp_path, monkeypatch):
    db = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        r = runner.invoke(app, ["admin", "create-tenant", "Métropole de Lille"])
        assert r.exit_code == 0, r.output
        key = r.output.strip().splitlines()[-1]
        assert key.startswith("sk_")
        r = runner.invoke(
            app,
            ["admin", "create-key", "--tenant", "Métropole de Lille", "--read-only", "--name", "auditeur"],
        )
        assert r.exit_code == 0, r.output
        ro_key = r.output.strip().splitlines()[-1]
        assert runner.invoke(app, ["admin", "create-tenant", "Métropole de Lille"]).exit_code == 1
        assert runner.invoke(app, ["admin", "create-key", "--tenant", "Nulle part"]).exit_code == 1
        with Session(make_engine(f"sqlite:///{db}")) as s:
            rows = {k.key_hash: k for k in s.exec(select(ApiKey))}
        assert rows[hash_api_key(key)].read_only is False
        assert rows[hash_api_key(ro_key)].read_only is True and rows[hash_api_key(ro_key)].name == "auditeur"
        assert key not in db.read_bytes().decode("latin-1")  # only the hash is stored
    finally:
        get_settings.cache_clear()


def test_serve_and_library_commands_are_registered():
    out = CliRunner().invoke(app, ["--help"]).output
    for command in ("analyse", "serve", "admin"):
        assert command in out
    assert "--port" in CliRunner().invoke(app, ["serve", "--help"]).output


def test_a_key_is_listed_and_revoked(tmp_path, monkeypatch):
    # keys could be created but never revoked: a leaked key, or one of someone who left, stayed valid for good
    from fastapi.testclient import TestClient

    from service.core.config import Settings
    from service.main import create_app

    db = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        key = runner.invoke(app, ["admin", "create-tenant", "Ville A"]).output.strip().splitlines()[-1]
        other = runner.invoke(app, ["admin", "create-key", "--tenant", "Ville A", "--name", "agent"])
        other_key = other.output.strip().splitlines()[-1]
        b_key = runner.invoke(app, ["admin", "create-tenant", "Ville B"]).output.strip().splitlines()[-1]
        listed = runner.invoke(app, ["admin", "list-keys", "--tenant", "Ville A"]).output
        assert (
            f"{key[:10]}…" in listed and "agent" in listed and key not in listed and b_key[:10] not in listed
        )

        # another tenant's key is not found; then revoked by its prefix as list-keys shows it
        r = runner.invoke(app, ["admin", "revoke-key", "--tenant", "Ville A", b_key])
        assert r.exit_code == 1 and "aucune clé de ce tenant" in r.output.lower()
        r = runner.invoke(app, ["admin", "revoke-key", "--tenant", "Ville A", f"{other_key[:10]}…"])
        assert r.exit_code == 0, r.output
        assert "révoquée" in runner.invoke(app, ["admin", "list-keys", "--tenant", "Ville A"]).output

        settings = Settings(database_url=f"sqlite:///{db}", jobs_autostart=False)
        with TestClient(create_app(settings)) as client:
            refused = client.get("/api/consultations", headers={"X-API-Key": other_key})
            assert refused.status_code == 401 and "révoquée" in refused.json()["message"]
            for kept in (key, b_key):
                assert client.get("/api/consultations", headers={"X-API-Key": kept}).status_code == 200
    finally:
        get_settings.cache_clear()


def test_admin_commands_speak_english_with_lang_en(tmp_path, monkeypatch):
    # the admin commands said everything in French (errors in French and English run together), with no --lang
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        r = runner.invoke(app, ["admin", "create-tenant", "Ville C", "--lang", "en"])
        assert r.exit_code == 0 and r.output.startswith(
            "Tenant 'Ville C' created (id 1). API key (shown only once):"
        )
        assert r.output.strip().splitlines()[-1].startswith("sk_")
        r = runner.invoke(app, ["admin", "create-key", "--tenant", "Ville C", "--read-only", "--lang", "en"])
        assert r.exit_code == 0 and "(read-only) for 'Ville C'" in r.output
        listed = runner.invoke(app, ["admin", "list-keys", "--tenant", "Ville C", "--lang", "en"]).output
        assert (
            "read-write" in listed and "read-only" in listed and "active" in listed and "créée" not in listed
        )
        r = runner.invoke(app, ["admin", "create-tenant", "Ville C", "--lang", "en"])
        assert r.exit_code == 1 and r.output.strip() == "Tenant 'Ville C' already exists."
        r = runner.invoke(app, ["admin", "revoke-key", "sk_nope", "--tenant", "Nulle part"])
        assert r.exit_code == 1 and r.output.strip() == "Tenant inconnu : « Nulle part »."
        r = runner.invoke(app, ["admin", "list-keys", "--tenant", "Ville C", "--lang", "de"])
        assert r.exit_code == 2 and "fr ou en" in r.output
    finally:
        get_settings.cache_clear()
