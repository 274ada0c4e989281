"""The ``synthese`` console script: library commands (``analyse``, ``preview``) plus ``serve`` and ``admin``.

``synthese admin create-tenant NAME`` prints the new tenant's first key on its last line;
``synthese admin create-key --tenant NAME [--read-only]`` adds a key, ``list-keys`` lists them and
``revoke-key --tenant NAME KEY|PREFIX`` revokes one; ``synthese serve`` starts the API
(migrations are applied at start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from service.cli_listen import check_free
from synthesis.cli import LANG_HELP, app
from synthesis.cli_lang import HELP_EN, LANG_HELP_EN

if TYPE_CHECKING:
    from sqlmodel import Session

# The service's modules (SQLModel, SQLAlchemy: 0.4 s) are imported by the commands that use them, so that
# ``synthese analyse`` starts as fast as the library's own CLI.

admin = typer.Typer(help="Administration : tenants et clés d'API.", no_args_is_help=True)
app.add_typer(admin, name="admin")
Lang = Annotated[str, typer.Option(help=LANG_HELP)]


@admin.callback()
def _admin(ctx: typer.Context, lang: Lang = "fr") -> None:
    """Administration: tenants and API keys."""
    # "synthese admin --lang en create-tenant X" (or "synthese --lang en admin ..."): the commands' own --lang
    ctx.default_map = {name: {"lang": lang} for name in ctx.command.commands}  # type: ignore[attr-defined]


HELP_EN.update(
    {
        "admin": {"": "Administration: tenants and API keys.", "lang": LANG_HELP_EN},
        "admin create-tenant": {
            "": "Create a tenant and its first read-write key; the key is printed once, on the last line.",
            "name": "Name of the tenant (the public body).",
            "key_name": "Name of the first key.",
            "lang": LANG_HELP_EN,
        },
        "admin create-key": {
            "": "Add a key to a tenant (--read-only for an auditor); the key is printed on the last line.",
            "tenant": "Name of the tenant.",
            "name": "Name of the key (who acts, in the review history).",
            "read_only": "Auditor's key: read only.",
            "lang": LANG_HELP_EN,
        },
        "admin list-keys": {
            "": "List a tenant's keys: prefix, name, rights, created, revoked (never the key itself).",
            "tenant": "Name of the tenant.",
            "lang": LANG_HELP_EN,
        },
        "admin revoke-key": {
            "": "Revoke a tenant's key, named by the key or by its prefix (list-keys): it gets 401 from then on. "
            "Published reports stay online (take them down with DELETE /api/runs/{id}/publish).",
            "key": "The key, or its prefix as list-keys shows it.",
            "tenant": "Name of the tenant.",
            "lang": LANG_HELP_EN,
        },
        "serve": {
            "": "Start the API (jobs run in the process, unless BROKER_URL is set); DATABASE_URL names the "
            "database.",
            "host": "Address to listen on.",
            "port": "Port to listen on.",
            "lang": LANG_HELP_EN,
        },
        "demo": {
            "": "Import the real sample consultation, synthesise it, publish its report, print its address, "
            "then start the API.",
            "host": "Address to listen on.",
            "port": "Port to listen on.",
            "lang": LANG_HELP_EN,
        },
    }
)


def _session(lang: str) -> Session:
    """A session on the service's database, migrated; an unreachable one said, not a traceback."""
    from sqlalchemy.exc import ArgumentError, OperationalError
    from sqlmodel import Session

    from service.core.config import get_settings
    from service.core.db import make_engine, upgrade_database

    url = get_settings().database_url
    try:
        engine = make_engine(url)
    except ArgumentError as exc:  # not a URL, or a database kind SQLAlchemy has no driver for
        _bad_database_url(url, exc, lang)
    try:
        upgrade_database(engine)
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        _say(
            lang,
            f"Base de données injoignable : {_database()} ({reason}). Vérifier DATABASE_URL, et que le serveur "
            "de base de données tourne.",
            f"Database unreachable: {_database()} ({reason}). Check DATABASE_URL, and that the database server "
            "is running.",
            err=True,
        )
        raise typer.Exit(1) from None
    return Session(engine)


def _bad_database_url(url: str, exc: Exception, lang: str) -> NoReturn:
    """Say that DATABASE_URL cannot name a database, and exit (it ended on SQLAlchemy's traceback). The URL
    itself is not repeated: it may hold a password."""
    from sqlalchemy.exc import NoSuchModuleError

    scheme = url.split("://", 1)[0] if "://" in url else ""
    if isinstance(exc, NoSuchModuleError) and scheme:
        reason_fr, reason_en = f"type de base inconnu : « {scheme} »", f"unknown database kind: '{scheme}'"
    else:
        reason_fr, reason_en = "ce n'est pas une URL de base de données", "it is not a database URL"
    _say(
        lang,
        f"DATABASE_URL invalide ({reason_fr}). Par exemple : sqlite:///data/synthese.db, ou "
        "postgresql://utilisateur:mot-de-passe@hôte:5432/base.",
        f"Invalid DATABASE_URL ({reason_en}). For example: sqlite:///data/synthese.db, or "
        "postgresql://user:password@host:5432/database.",
        err=True,
    )
    raise typer.Exit(1)


def _database() -> str:
    """The database the admin commands write to, as the user can find it: a SQLite file by its absolute path
    (the default, ``./data/synthese.db``, is relative to the folder the command runs in), another database
    by its URL without the password."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    from service.core.config import get_settings

    url = make_url(get_settings().database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return str(Path(url.database).resolve())
    return url.render_as_string(hide_password=True)


def _say(lang: str, fr: str, en: str, *, err: bool = False) -> None:
    typer.echo(en if lang.startswith("en") else fr, err=err)


def _check_lang(lang: str) -> None:
    from synthesis.cli import check_lang, fail
    from synthesis.errors import SynthesisError

    try:
        check_lang(lang)
    except SynthesisError as exc:
        fail(exc, lang)


def _tenant(session: Session, name: str, lang: str, db: str):
    """The tenant ``name``, or exit with what to do."""
    from service import crud

    row = crud.get_tenant_by_name(session=session, name=name)
    if row is None:
        _say(
            lang,
            f'Aucun tenant « {name} » dans {db} (DATABASE_URL). Le créer : synthese admin create-tenant "{name}"',
            f"No tenant '{name}' in {db} (DATABASE_URL). Create it: synthese admin create-tenant \"{name}\"",
            err=True,
        )
        raise typer.Exit(1)
    return row


def _check_names(lang: str, **names: str) -> None:
    """Refuse a tenant's or key's name that is blank, or longer than its column (``tenant``, ``key``: the names
    given), before anything is written: PostgreSQL refused a long one with a traceback, SQLite stored it
    whole."""
    from service.models import ApiKey, Tenant

    for which, value in names.items():
        table = Tenant if which == "tenant" else ApiKey
        limit = table.__table__.c.name.type.length  # type: ignore[attr-defined]
        what_fr, what_en = ("du tenant", "tenant") if which == "tenant" else ("de la clé", "key")
        if not value.strip():  # « Tenant «  » créé »: a name no one can read, nor type again
            eg_fr, eg_en = (
                ("celui de la collectivité", "the public body's")
                if which == "tenant"
                else ("qui s'en sert", "who uses it")
            )
            _say(
                lang,
                f"Nom {what_fr} vide : donner un nom ({eg_fr}).",
                f"The {what_en}'s name is empty: give a name ({eg_en}).",
                err=True,
            )
            raise typer.Exit(1)
        if len(value) > limit:
            _say(
                lang,
                f"Nom {what_fr} trop long : {len(value)} caractères, {limit} caractères au plus. En choisir un "
                "plus court.",
                f"The {what_en}'s name is too long: {len(value)} characters, {limit} characters at most. Choose a "
                "shorter one.",
                err=True,
            )
            raise typer.Exit(1)


def _kind(lang: str, read_only: bool) -> str:
    if lang.startswith("en"):
        return "read-only" if read_only else "read-write"
    return "lecture seule" if read_only else "lecture-écriture"


@admin.command(
    "create-tenant",
    help="Crée un tenant et sa première clé lecture-écriture ; la clé est affichée une seule fois, en dernière ligne.",
)
def create_tenant(
    name: Annotated[str, typer.Argument(help="Nom du tenant (collectivité).")],
    key_name: Annotated[str, typer.Option("--key-name", help="Nom de la première clé.")] = "admin",
    lang: Lang = "fr",
) -> None:
    """Create a tenant and its first read-write key; the key is printed on the last line (shown only once)."""
    from service import crud

    _check_lang(lang)
    _check_names(lang, tenant=name, key=key_name)
    with _session(lang) as s:
        db = _database()
        if crud.get_tenant_by_name(session=s, name=name) is not None:
            _say(
                lang,
                f"Le tenant « {name} » existe déjà dans {db}. Choisir un autre nom, ou lui ajouter une clé : "
                f'synthese admin create-key --tenant "{name}"',
                f"Tenant '{name}' already exists in {db}. Choose another name, or add it a key: "
                f'synthese admin create-key --tenant "{name}"',
                err=True,
            )
            raise typer.Exit(1)
        tenant = crud.create_tenant(session=s, name=name)
        _, key = crud.create_api_key(session=s, tenant_id=tenant.id, name=key_name)
        s.commit()
        _say(
            lang,
            f"Tenant « {name} » créé (id {tenant.id}) dans {db}. Clé d'API (affichée une seule fois) :",
            f"Tenant '{name}' created (id {tenant.id}) in {db}. API key (shown only once):",
        )
        typer.echo(key)


@admin.command(
    "create-key",
    help="Ajoute une clé à un tenant (--read-only pour un auditeur) ; la clé est affichée en dernière ligne.",
)
def create_key(
    tenant: Annotated[str, typer.Option("--tenant", help="Nom du tenant.")],
    name: Annotated[str, typer.Option("--name", help="Nom de la clé (qui agit, dans l'historique).")] = "clé",
    read_only: Annotated[bool, typer.Option("--read-only", help="Clé d'auditeur : lecture seule.")] = False,
    lang: Lang = "fr",
) -> None:
    """Add a key to a tenant (``--read-only`` for auditors); the key is printed on the last line."""
    from service import crud

    _check_lang(lang)
    _check_names(lang, key=name)
    with _session(lang) as s:
        db = _database()
        row = _tenant(s, tenant, lang, db)
        _, key = crud.create_api_key(session=s, tenant_id=row.id, name=name, read_only=read_only)
        s.commit()
        kind = _kind(lang, read_only)
        _say(
            lang,
            f"Clé « {name} » ({kind}) pour « {tenant} », dans {db} (affichée une seule fois) :",
            f"Key '{name}' ({kind}) for '{tenant}', in {db} (shown only once):",
        )
        typer.echo(key)


@admin.command(
    "list-keys",
    help="Liste les clés d'un tenant : préfixe, nom, droits, création, révocation (jamais la clé elle-même).",
)
def list_keys(
    tenant: Annotated[str, typer.Option("--tenant", help="Nom du tenant.")], lang: Lang = "fr"
) -> None:
    """List a tenant's keys: prefix, name, rights, created, revoked (never the key itself)."""
    from service import crud

    _check_lang(lang)
    with _session(lang) as s:
        row = _tenant(s, tenant, lang, _database())
        for k in crud.list_api_keys(session=s, tenant_id=row.id):
            created = f"{k.created_at:%Y-%m-%d %H:%M}"
            revoked = k.revoked_at and f"{k.revoked_at:%Y-%m-%d %H:%M}"
            _say(
                lang,
                f"{k.prefix}…\t{k.name}\t{_kind(lang, k.read_only)}\tcréée le {created}\t"
                + (f"révoquée le {revoked}" if revoked else "active"),
                f"{k.prefix}…\t{k.name}\t{_kind(lang, k.read_only)}\tcreated {created}\t"
                + (f"revoked {revoked}" if revoked else "active"),
            )


@admin.command(
    "revoke-key",
    help="Révoque une clé d'un tenant, désignée par la clé ou par son préfixe (list-keys) : elle reçoit 401 "
    "dès lors. Les rapports publiés restent en ligne (retirez-les par DELETE /api/runs/{id}/publish).",
)
def revoke_key(
    key: Annotated[str, typer.Argument(help="La clé, ou son préfixe affiché par list-keys.")],
    tenant: Annotated[str, typer.Option("--tenant", help="Nom du tenant.")],
    lang: Lang = "fr",
) -> None:
    """Revoke a tenant's key, named by the key or its prefix: it answers 401 from now on."""
    from service import crud

    _check_lang(lang)
    with _session(lang) as s:
        row = _tenant(s, tenant, lang, _database())
        found = crud.find_api_keys(session=s, tenant_id=row.id, key_or_prefix=key.rstrip("…"))
        if len(found) > 1:
            _say(
                lang,
                f"Plusieurs clés pour « {key} » : donnez la clé entière.",
                f"Several keys for '{key}': give the whole key.",
                err=True,
            )
            raise typer.Exit(1)
        if not found:
            _say(
                lang,
                f"Aucune clé de ce tenant pour « {key} » : donnez la clé entière ou son préfixe (list-keys).",
                f"No key of this tenant for '{key}': give the whole key or its prefix (list-keys).",
                err=True,
            )
            raise typer.Exit(1)
        row_key = found[0]
        if row_key.revoked_at is not None:  # nothing to do: said as it is, its first revocation's date kept
            when = f"{row_key.revoked_at:%Y-%m-%d %H:%M}"
            _say(
                lang,
                f"Clé « {row_key.name} » ({row_key.prefix}…) de « {tenant} » déjà révoquée le {when}.",
                f"Key '{row_key.name}' ({row_key.prefix}…) of '{tenant}' already revoked on {when}.",
            )
            return
        crud.revoke_api_key(session=s, key=row_key)
        s.commit()
        _say(
            lang,
            f"Clé « {row_key.name} » ({row_key.prefix}…) de « {tenant} » révoquée.",
            f"Key '{row_key.name}' ({row_key.prefix}…) of '{tenant}' revoked.",
        )


@app.command(
    help="Lance l'API (tâches exécutées dans le processus, sauf si BROKER_URL est défini) ; DATABASE_URL "
    "désigne la base de données."
)
def serve(
    host: Annotated[str, typer.Option("--host", help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port d'écoute.")] = 8000,
    lang: Lang = "fr",
) -> None:
    """Start the API (in-process job runner unless BROKER_URL is set); DATABASE_URL selects the database."""
    import uvicorn

    check_free(host, port, lang)
    uvicorn.run("service.main:create_app", factory=True, host=host, port=port, workers=1)


@app.command(
    help="Importe la consultation d'exemple réelle, la synthétise, publie son rapport, affiche son adresse, "
    "puis lance l'API."
)
def demo(
    host: Annotated[str, typer.Option("--host", help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port d'écoute.")] = 8000,
    lang: Lang = "fr",
) -> None:
    """Import the real sample consultation, synthesise it, publish its report, print the URL, then serve the API."""
    import uvicorn

    from service.core.config import get_settings
    from service.demo import message, prepare_demo

    settings = get_settings()
    base = f"http://{host}:{port}"
    check_free(host, port, lang)  # before the synthesis, which takes a minute or two
    url, key = prepare_demo(settings, base_url=base, lang=lang)
    typer.echo("\n" + message(lang, "ready", url=url, base=base, key=key) + "\n")
    uvicorn.run("service.main:create_app", factory=True, host=host, port=port, workers=1)


def main() -> None:  # pragma: no cover - console entry
    app()
