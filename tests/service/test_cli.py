"""``synthese admin create-tenant / create-key`` and the ``serve`` command's registration (issue 6)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from service.cli import app
from service.core.config import get_settings
from service.core.db import make_engine
from service.core.security import hash_api_key
from service.models import ApiKey, Tenant


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
        assert r.exit_code == 0 and r.output.startswith("Tenant 'Ville C' created (id 1) in ")
        assert "API key (shown only once):" in r.output
        assert r.output.strip().splitlines()[-1].startswith("sk_")
        r = runner.invoke(app, ["admin", "create-key", "--tenant", "Ville C", "--read-only", "--lang", "en"])
        assert r.exit_code == 0 and "(read-only) for 'Ville C'" in r.output
        listed = runner.invoke(app, ["admin", "list-keys", "--tenant", "Ville C", "--lang", "en"]).output
        assert (
            "read-write" in listed and "read-only" in listed and "active" in listed and "créée" not in listed
        )
        r = runner.invoke(app, ["admin", "create-tenant", "Ville C", "--lang", "en"])
        assert r.exit_code == 1 and r.output.startswith("Tenant 'Ville C' already exists in ")
        r = runner.invoke(app, ["admin", "revoke-key", "sk_nope", "--tenant", "Nulle part"])
        assert r.exit_code == 1 and r.output.startswith("Aucun tenant « Nulle part » dans ")
        r = runner.invoke(app, ["admin", "list-keys", "--tenant", "Ville C", "--lang", "de"])
        assert r.exit_code == 2 and "fr ou en" in r.output
    finally:
        get_settings.cache_clear()


def test_every_command_and_option_has_its_english_help():
    # --lang en gave English messages, but the help of every command stayed French only
    from typer.main import get_command

    from synthesis.cli_lang import localise

    def helps(lang: str) -> dict[str, str]:
        root = get_command(app)
        localise(root, lang)
        found = {}

        def walk(command, path):
            found[path] = command.help or ""
            for param in command.params:
                found[f"{path} {param.name}"] = getattr(param, "help", None) or ""
            for name, sub in getattr(command, "commands", {}).items():
                walk(sub, f"{path} {name}".strip())

        walk(root, "")
        return found

    try:
        french, english = helps("fr"), helps("en")
    finally:
        helps("fr")  # typer's words back in French for the next tests
    untranslated = sorted(k for k in french if english[k] == french[k])
    assert untranslated == []
    assert all(french.values()), [k for k, v in french.items() if not v]


def test_admin_says_which_database_and_what_to_do_next_in_both_languages(tmp_path, monkeypatch):
    # run from another folder, create-tenant wrote to a new ./data/synthese.db there, and printed a key the
    # running server refused, never saying where it had written; its errors were "Le tenant « X » existe déjà
    # / tenant already exists", half in each language whatever the user's, with no next step
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///./data/admin.db")
    get_settings.cache_clear()
    db = str(tmp_path / "data" / "admin.db")
    try:
        runner = CliRunner()
        r = runner.invoke(app, ["admin", "create-tenant", "Ville A"])
        assert r.exit_code == 0 and f"Tenant « Ville A » créé (id 1) dans {db}." in r.output
        r = runner.invoke(app, ["admin", "create-tenant", "Ville A", "--lang", "en"])
        assert r.exit_code == 1
        assert f"Tenant 'Ville A' already exists in {db}." in r.output and "existe" not in r.output
        assert 'synthese admin create-key --tenant "Ville A"' in r.output
        r = runner.invoke(app, ["admin", "create-key", "--tenant", "Ville B"])
        assert r.exit_code == 1 and f"Aucun tenant « Ville B » dans {db}" in r.output
        assert "tenant already" not in r.output and 'synthese admin create-tenant "Ville B"' in r.output
        r = runner.invoke(app, ["admin", "create-key", "--tenant", "Ville A", "--read-only", "--lang", "en"])
        assert r.exit_code == 0 and f"(read-only) for 'Ville A', in {db} (shown only once):" in r.output
    finally:
        get_settings.cache_clear()


def test_admin_on_an_unreachable_database_says_so(monkeypatch):
    # a PostgreSQL that does not answer gave a two-screen traceback of psycopg and SQLAlchemy
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://synthese:motdepasse@127.0.0.1:1/synthese")
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(app, ["admin", "create-tenant", "Ville A"])
    finally:
        get_settings.cache_clear()
    assert r.exit_code == 1
    assert "Base de données injoignable : postgresql+psycopg://synthese:***@127.0.0.1:1/synthese" in r.output
    assert "Traceback" not in r.output and "motdepasse" not in r.output


def test_demo_speaks_english_with_lang_en(tmp_path, capsys):
    # `synthese demo --lang en` (what `make run` does, for an English-speaking operator) said everything in
    # French: the import, the running synthesis, the report's address
    from service.core.config import Settings
    from service.demo import message, prepare_demo
    from tests.utils.data import SAMPLES

    lines = (SAMPLES / "granddebat_fiscalite_sample.csv").read_text(encoding="utf-8").splitlines(True)
    sample = tmp_path / "extrait.csv"
    sample.write_text("".join(lines[:41]), encoding="utf-8")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'demo.db'}", environment="test")
    url, key = prepare_demo(settings, sample=sample, base_url="http://127.0.0.1:8000", lang="en")
    said = capsys.readouterr().err
    assert "Import of extrait.csv: 40 rows read" in said and "Synthesis running" in said
    assert "Import de" not in said and "Synthèse" not in said
    assert message("en", "ready", url=url, base="http://127.0.0.1:8000", key=key).startswith("HTML report: ")
    assert url.startswith("http://127.0.0.1:8000/r/") and key.startswith("sk_")


def test_a_failed_demo_says_why_in_the_operator_s_language(tmp_path, monkeypatch, capsys):
    # the demo printed the run's stored error as a Python dict, its message in French whatever --lang said:
    # "The synthesis failed: {'code': 'settings_error', 'message': 'min_cluster_size (50) dépasse ...', ...}"
    import pytest
    import typer

    from service.core.config import Settings
    from service.demo import prepare_demo
    from service.jobs import tasks
    from synthesis.errors import SettingsError
    from tests.utils.data import SAMPLES

    def fails(engine, run, progress):
        raise SettingsError("le réglage ne convient pas", "the setting does not fit", value=50)

    monkeypatch.setattr(tasks, "_compute", fails)
    lines = (SAMPLES / "granddebat_fiscalite_sample.csv").read_text(encoding="utf-8").splitlines(True)
    sample = tmp_path / "extrait.csv"
    sample.write_text("".join(lines[:11]), encoding="utf-8")
    for lang, said, unsaid in (
        ("en", "The synthesis failed: the setting does not fit", "réglage"),
        ("fr", "La synthèse a échoué : le réglage ne convient pas", "setting"),
    ):
        settings = Settings(database_url=f"sqlite:///{tmp_path / f'demo-{lang}.db'}", environment="test")
        with pytest.raises(typer.Exit) as exit_:
            prepare_demo(settings, sample=sample, base_url="http://127.0.0.1:8000", lang=lang)
        err = capsys.readouterr().err
        assert exit_.value.exit_code == 1
        assert said in err and unsaid not in err and "{" not in err, err


def test_demo_and_serve_on_a_taken_port_say_so_before_any_work(tmp_path, monkeypatch):
    # `make run` while another one served: the demo imported and synthesised the sample for a minute or two,
    # then uvicorn logged "[Errno 98] ... address already in use" in English and stopped
    import socket

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    get_settings.cache_clear()
    try:
        with socket.create_server(("127.0.0.1", 0)) as taken:
            port = taken.getsockname()[1]
            fr = CliRunner().invoke(app, ["demo", "--port", str(port)])
            en = CliRunner().invoke(app, ["serve", "--port", str(port), "--lang", "en"])
    finally:
        get_settings.cache_clear()
    assert fr.exit_code == en.exit_code == 1
    assert f"Impossible d'écouter sur 127.0.0.1:{port}" in fr.output and f"--port {port + 1}" in fr.output
    assert f"Cannot listen on 127.0.0.1:{port}" in en.output
    assert not (tmp_path / "demo.db").exists()  # nothing imported, nothing synthesised


def test_admin_takes_lang_before_its_command_too(tmp_path, monkeypatch):
    # "synthese admin --lang en ..." (or "--help --lang en") answered "No such option: --lang", and
    # "synthese --lang en admin create-tenant X" spoke French
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'admin.db'}")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        helped = runner.invoke(app, ["admin", "--help", "--lang", "en"], env={"COLUMNS": "200"})
        assert helped.exit_code == 0 and "Administration: tenants and API keys." in helped.output
        r = runner.invoke(app, ["admin", "--lang", "en", "create-tenant", "Ville A"])
        assert r.exit_code == 0 and "Tenant 'Ville A' created (id 1)" in r.output
        r = runner.invoke(app, ["--lang", "en", "admin", "create-key", "--tenant", "Ville A"])
        assert r.exit_code == 0 and "(read-write) for 'Ville A'" in r.output
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_name_longer_than_its_column_is_refused_before_anything_is_written(tmp_path, monkeypatch, database):
    # tenants' and keys' names hold 200 characters: PostgreSQL refused a longer one with a DataError traceback
    # ("value too long for type character varying(200)"), SQLite stored it whole
    import uuid

    from tests.service.conftest import POSTGRES_URL, drop_schema, postgres_engine

    schema = f"cli_{uuid.uuid4().hex[:12]}"
    if database == "postgres":
        postgres_engine(schema).dispose()
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        long = "Communauté d'agglomération " * 8  # 216 characters
        for lang, said in (("fr", "200 caractères au plus"), ("en", "200 characters at most")):
            r = runner.invoke(app, ["admin", "create-tenant", long, "--lang", lang])
            assert r.exit_code == 1 and said in r.output and "Traceback" not in r.output, r.output
        assert runner.invoke(app, ["admin", "create-tenant", "Ville"]).exit_code == 0
        r = runner.invoke(app, ["admin", "create-key", "--tenant", "Ville", "--name", long, "--lang", "en"])
        assert r.exit_code == 1 and "200 characters at most" in r.output, r.output
        with Session(make_engine(url)) as s:
            assert [t.name for t in s.exec(select(Tenant))] == ["Ville"] and len(
                s.exec(select(ApiKey)).all()
            ) == 1
    finally:
        get_settings.cache_clear()
        if database == "postgres":
            drop_schema(schema)


def test_a_key_revoked_again_is_said_to_be_revoked_already(tmp_path, monkeypatch):
    # revoke-key on a key revoked yesterday said "Clé « agent » (...) révoquée." as if it had just been revoked,
    # while it kept its first revocation's date
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        runner.invoke(app, ["admin", "create-tenant", "Ville A"])
        key = runner.invoke(app, ["admin", "create-key", "--tenant", "Ville A", "--name", "agent"])
        prefix = key.output.strip().splitlines()[-1][:10]
        first = runner.invoke(app, ["admin", "revoke-key", "--tenant", "Ville A", prefix])
        assert first.exit_code == 0 and "déjà" not in first.output
        for lang, said in (("fr", "déjà révoquée le "), ("en", "already revoked on ")):
            again = runner.invoke(app, ["admin", "revoke-key", "--tenant", "Ville A", prefix, "--lang", lang])
            assert again.exit_code == 0 and said in again.output, again.output
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_port_out_of_range_is_a_usage_error_not_a_traceback(tmp_path, monkeypatch, command):
    # "synthese serve --port 99999" ended on an OverflowError traceback ("bind(): port must be 0-65535")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    runner = CliRunner()
    for port, fr, en in (
        (
            "99999",
            "Valeur invalide pour --port : la valeur doit être au plus 65535.",
            "less than or equal to 65535",
        ),
        ("0", "Valeur invalide pour --port : la valeur doit être au moins 1.", "greater than or equal to 1"),
    ):
        said_fr = runner.invoke(app, [command, "--port", port], env={"COLUMNS": "200"})
        said_en = runner.invoke(app, [command, "--port", port, "--lang", "en"], env={"COLUMNS": "200"})
        assert said_fr.exit_code == said_en.exit_code == 2 and said_fr.exception.__class__ is SystemExit
        assert fr in said_fr.output and f"Invalid value for '--port': Input should be {en}" in said_en.output
    assert not (tmp_path / "demo.db").exists()


@pytest.mark.parametrize(
    ("host", "fr", "en"),
    [
        ("nulle-part.invalid", "adresse inconnue", "unknown address"),
        ("192.0.2.1", "pas une adresse de cette machine", "not an address of this machine"),
    ],
)
def test_an_address_that_is_not_this_machines_is_said_so_not_a_taken_port(host, fr, en):
    # an unknown --host, or one of another machine, was told "another instance may already be running:
    # choose another port", with the system's English reason inside the French message
    runner = CliRunner()
    said_fr = runner.invoke(app, ["serve", "--host", host], env={"COLUMNS": "300"})
    said_en = runner.invoke(app, ["serve", "--host", host, "--lang", "en"], env={"COLUMNS": "300"})
    assert said_fr.exit_code == said_en.exit_code == 1
    assert (
        f"Impossible d'écouter sur {host}:8000 ({fr}). --host est une adresse de cette machine"
        in said_fr.output
    )
    assert f"Cannot listen on {host}:8000 ({en}). --host is an address of this machine" in said_en.output
    assert "autre instance" not in said_fr.output and "another instance" not in said_en.output


@pytest.mark.parametrize(
    ("url", "fr", "en"),
    [
        (
            "bogus://admin:s3cret@hote/base",
            "type de base inconnu : « bogus »",
            "unknown database kind: 'bogus'",
        ),
        ("pas une url", "ce n'est pas une URL de base de données", "it is not a database URL"),
    ],
)
def test_a_database_url_that_names_no_database_is_said_not_a_traceback(monkeypatch, url, fr, en):
    # the admin commands ended on SQLAlchemy's NoSuchModuleError / ArgumentError traceback
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        said_fr = runner.invoke(app, ["admin", "create-tenant", "Lille"], env={"COLUMNS": "300"})
        said_en = runner.invoke(app, ["admin", "list-keys", "--tenant", "Lille", "--lang", "en"])
    finally:
        get_settings.cache_clear()
    assert said_fr.exit_code == said_en.exit_code == 1
    assert f"DATABASE_URL invalide ({fr}). Par exemple : sqlite:///" in said_fr.output
    assert f"Invalid DATABASE_URL ({en}). For example: sqlite:///" in said_en.output
    assert "s3cret" not in said_fr.output + said_en.output  # a password is never repeated


def test_a_blank_tenant_or_key_name_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    # "synthese admin create-tenant ''" answered « Tenant «  » créé (id 1) », a tenant no one could name again
    db = tmp_path / "admin.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        blank = runner.invoke(app, ["admin", "create-tenant", "  "])
        assert blank.exit_code == 1 and "Nom du tenant vide : donner un nom" in blank.output
        no_key = runner.invoke(app, ["admin", "create-tenant", "Lille", "--key-name", "", "--lang", "en"])
        assert (
            no_key.exit_code == 1 and "The key's name is empty: give a name (who uses it)." in no_key.output
        )
        assert not db.exists()
        assert runner.invoke(app, ["admin", "create-tenant", "Lille"]).exit_code == 0
        key = runner.invoke(app, ["admin", "create-key", "--tenant", "Lille", "--name", " "])
        assert key.exit_code == 1 and "Nom de la clé vide" in key.output
    finally:
        get_settings.cache_clear()
