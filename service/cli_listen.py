"""Whether ``synthese serve`` and ``demo`` can listen on their address, said before any work and in the user's
language: a port another program holds, an unknown address or one of another machine, a reserved port."""

from __future__ import annotations

import errno

import typer


def _say(lang: str, fr: str, en: str, *, err: bool = False) -> None:
    typer.echo(en if lang.startswith("en") else fr, err=err)


def check_free(host: str, port: int, lang: str) -> None:
    """Refuse an address another program already listens on, with what to do (uvicorn said it in English, after
    the demo's whole synthesis)."""
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:  # no address of this machine, or a port it may not open
            cannot_listen(host, port, exc, lang)
        _say(
            lang,
            f"Impossible d'écouter sur {host}:{port} ({exc.strerror or exc}) : une autre instance tourne peut-être "
            f"déjà (son adresse : http://{host}:{port}). Choisir un autre port : --port {port + 1} (make run : "
            f"PORT={port + 1} make run).",
            f"Cannot listen on {host}:{port} ({exc.strerror or exc}): another instance may already be running "
            f"(its address: http://{host}:{port}). Choose another port: --port {port + 1} (make run: PORT={port + 1} "
            "make run).",
            err=True,
        )
        raise typer.Exit(1) from None


def cannot_listen(host: str, port: int, exc: OSError, lang: str) -> None:
    """Say why ``host:port`` cannot be listened on when no other program holds it, and exit: an unknown
    address, one not of this machine, a port reserved to the administrator (it said "another instance may be
    running, choose another port" whatever the cause)."""
    import socket

    from synthesis.errors import os_reason

    if isinstance(exc, socket.gaierror) or (exc.errno or 0) < 0:  # a name resolution error (EAI_*)
        reason_fr, reason_en = "adresse inconnue", "unknown address"
    elif exc.errno == errno.EADDRNOTAVAIL:
        reason_fr, reason_en = "pas une adresse de cette machine", "not an address of this machine"
    else:
        reason_fr, reason_en = os_reason(exc)
    _say(
        lang,
        f"Impossible d'écouter sur {host}:{port} ({reason_fr}). --host est une adresse de cette machine "
        "(127.0.0.1 : cette machine seule ; 0.0.0.0 : toutes ses adresses) ; un port sous 1024 demande les droits "
        "d'administrateur.",
        f"Cannot listen on {host}:{port} ({reason_en}). --host is an address of this machine (127.0.0.1: this "
        "machine only; 0.0.0.0: all its addresses); a port below 1024 needs administrator rights.",
        err=True,
    )
    raise typer.Exit(1)
