"""The ``synthese`` console script: library commands (``analyse``, ``preview``) plus ``serve`` and ``admin``.

``synthese admin create-tenant NAME`` prints the new tenant's first key on its last line;
``synthese admin create-key --tenant NAME [--read-only]`` adds a key, ``list-keys`` lists them and
``revoke-key --tenant NAME KEY|PREFIX`` revokes one; ``synthese serve`` starts the API
(migrations are applied at start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from synthesis.cli import app

if TYPE_CHECKING:
    from sqlmodel import Session

# The service's modules (SQLModel, SQLAlchemy: 0.4 s) are imported by the commands that use them, so that
# ``synthese analyse`` starts as fast as the library's own CLI.

admin = typer.Typer(help="Administration : tenants et clés d'API.", no_args_is_help=True)
app.add_typer(admin, name="admin")

Lang = Annotated[str, typer.Option("--lang", help="Langue des messages : fr ou en.")]
# What the admin commands say, in French and English (``--lang en``); the key itself is always the last line.
_MESSAGES = {
    "fr": {
        "tenant_exists": "Le tenant « {name} » existe déjà.",
        "tenant_unknown": "Tenant inconnu : « {name} ».",
        "tenant_created": "Tenant « {name} » créé (id {id}). Clé d'API (affichée une seule fois) :",
        "key_created": "Clé « {name} » ({kind}) pour « {tenant} » (affichée une seule fois) :",
        "read_only": "lecture seule",
        "read_write": "lecture-écriture",
        "key_line": "{prefix}…\t{name}\t{kind}\tcréée le {created}\t{state}",
        "active": "active",
        "revoked_on": "révoquée le {when}",
        "no_key": "Aucune clé de ce tenant pour « {key} » : donnez la clé entière ou son préfixe (list-keys).",
        "several_keys": "Plusieurs clés pour « {key} » : donnez la clé entière.",
        "key_revoked": "Clé « {name} » ({prefix}…) de « {tenant} » révoquée.",
    },
    "en": {
        "tenant_exists": "Tenant '{name}' already exists.",
        "tenant_unknown": "Unknown tenant: '{name}'.",
        "tenant_created": "Tenant '{name}' created (id {id}). API key (shown only once):",
        "key_created": "Key '{name}' ({kind}) for '{tenant}' (shown only once):",
        "read_only": "read-only",
        "read_write": "read-write",
        "key_line": "{prefix}…\t{name}\t{kind}\tcreated {created}\t{state}",
        "active": "active",
        "revoked_on": "revoked {when}",
        "no_key": "No key of this tenant for '{key}': give the whole key or its prefix (list-keys).",
        "several_keys": "Several keys for '{key}': give the whole key.",
        "key_revoked": "Key '{name}' ({prefix}…) of '{tenant}' revoked.",
    },
}


def _say(lang: str, message: str, **values: object) -> str:
    return _MESSAGES["en" if lang == "en" else "fr"][message].format(**values)


def _check_lang(lang: str) -> None:
    from synthesis.cli import check_lang, fail
    from synthesis.errors import SynthesisError

    try:
        check_lang(lang)
    except SynthesisError as exc:
        fail(exc, lang)


def _session() -> Session:
    from sqlmodel import Session

    from service.core.config import get_settings
    from service.core.db import make_engine, upgrade_database

    engine = make_engine(get_settings().database_url)
    upgrade_database(engine)
    return Session(engine)


def _tenant(session: Session, name: str, lang: str):
    from service import crud

    row = crud.get_tenant_by_name(session=session, name=name)
    if row is None:
        typer.echo(_say(lang, "tenant_unknown", name=name), err=True)
        raise typer.Exit(1)
    return row


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
    with _session() as s:
        if crud.get_tenant_by_name(session=s, name=name) is not None:
            typer.echo(_say(lang, "tenant_exists", name=name), err=True)
            raise typer.Exit(1)
        tenant = crud.create_tenant(session=s, name=name)
        _, key = crud.create_api_key(session=s, tenant_id=tenant.id, name=key_name)
        s.commit()
        typer.echo(_say(lang, "tenant_created", name=name, id=tenant.id))
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
    with _session() as s:
        row = _tenant(s, tenant, lang)
        _, key = crud.create_api_key(session=s, tenant_id=row.id, name=name, read_only=read_only)
        s.commit()
        kind = _say(lang, "read_only" if read_only else "read_write")
        typer.echo(_say(lang, "key_created", name=name, kind=kind, tenant=tenant))
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
    with _session() as s:
        row = _tenant(s, tenant, lang)
        for k in crud.list_api_keys(session=s, tenant_id=row.id):
            revoked = k.revoked_at and f"{k.revoked_at:%Y-%m-%d %H:%M}"
            state = _say(lang, "revoked_on", when=revoked) if revoked else _say(lang, "active")
            kind = _say(lang, "read_only" if k.read_only else "read_write")
            created = f"{k.created_at:%Y-%m-%d %H:%M}"
            typer.echo(
                _say(lang, "key_line", prefix=k.prefix, name=k.name, kind=kind, created=created, state=state)
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
    with _session() as s:
        row = _tenant(s, tenant, lang)
        found = crud.find_api_keys(session=s, tenant_id=row.id, key_or_prefix=key.rstrip("…"))
        if len(found) != 1:
            typer.echo(_say(lang, "several_keys" if found else "no_key", key=key), err=True)
            raise typer.Exit(1)
        crud.revoke_api_key(session=s, key=found[0])
        s.commit()
        typer.echo(_say(lang, "key_revoked", name=found[0].name, prefix=found[0].prefix, tenant=tenant))


@app.command(
    help="Lance l'API (tâches exécutées dans le processus, sauf si BROKER_URL est défini) ; DATABASE_URL "
    "désigne la base de données."
)
def serve(
    host: Annotated[str, typer.Option("--host", help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port d'écoute.")] = 8000,
) -> None:
    """Start the API (in-process job runner unless BROKER_URL is set); DATABASE_URL selects the database."""
    import uvicorn

    uvicorn.run("service.main:create_app", factory=True, host=host, port=port, workers=1)


@app.command(
    help="Importe la consultation d'exemple réelle, la synthétise, publie son rapport, affiche son adresse, "
    "puis lance l'API."
)
def demo(
    host: Annotated[str, typer.Option("--host", help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port d'écoute.")] = 8000,
) -> None:
    """Import the real sample consultation, synthesise it, publish its report, print the URL, then serve the API."""
    import uvicorn

    from service.core.config import get_settings
    from service.demo import prepare_demo

    settings = get_settings()
    base = f"http://{host}:{port}"
    url, key = prepare_demo(settings, base_url=base)
    typer.echo(f"\nRapport HTML : {url}\nAPI : {base}/docs (clé X-API-Key : {key})\n")
    uvicorn.run("service.main:create_app", factory=True, host=host, port=port, workers=1)


def main() -> None:  # pragma: no cover - console entry
    app()
