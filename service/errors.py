"""Service errors (``SynthesisError`` subclasses) and the one handler that maps ``code`` to an HTTP status."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from synthesis.errors import SynthesisError

log = logging.getLogger(__name__)


class NotFoundError(SynthesisError):
    """The resource does not exist or belongs to another tenant (never says which)."""

    code = "not_found"


class UnauthorizedError(SynthesisError):
    """No API key, or an unknown or revoked one."""

    code = "unauthorized"


class ForbiddenError(SynthesisError):
    """The key is read-only and the request writes."""

    code = "forbidden"


class ConflictError(SynthesisError):
    """The resource is not in a state that allows the request (e.g. a report of an unfinished run)."""

    code = "conflict"


class ReviewError(SynthesisError):
    """A review action cannot apply to the report as it stands."""

    code = "invalid_review"


class RequestError(SynthesisError):
    """The request's body, query or form fields are invalid."""

    code = "invalid_request"


class TooLargeError(SynthesisError):
    """The upload is larger than the deployment accepts."""

    code = "payload_too_large"


STATUS_BY_CODE: dict[str, int] = {
    "invalid_request": 422,
    "invalid_file": 422,
    "empty_file": 422,
    "invalid_encoding": 422,
    "invalid_archive": 422,
    "archive_too_large": 413,
    "invalid_mapping": 422,
    "unknown_format": 422,
    "invalid_settings": 422,
    "unknown_embedder": 422,
    "backend_not_installed": 422,
    "invalid_review": 422,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "payload_too_large": 413,
}


def status_for(exc: SynthesisError) -> int:
    """HTTP status of ``exc``: its code, else the nearest parent's code, else 400."""
    for cls in type(exc).__mro__:
        code = getattr(cls, "code", None)
        if code in STATUS_BY_CODE:
            return STATUS_BY_CODE[code]
    return 400


def headers_lang(headers: Mapping[str, str]) -> str:
    """The caller's language from its headers: "en" with ``Accept-Language: en…``, else "fr"."""
    return "en" if headers.get("accept-language", "").lower().startswith("en") else "fr"


def request_lang(request: Request) -> str:
    return headers_lang(request.headers)


ECHO_CHARS = 200  # longest input (a column name, a value) an error repeats; longer ones end with "…"
MESSAGE_CHARS = 4000


def _cap(text: str, limit: int = ECHO_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _long_strings(value: Any, found: set[str]) -> Any:
    """``value`` with every string longer than ``ECHO_CHARS`` cut (collected in ``found``)."""
    if isinstance(value, str):
        if len(value) > ECHO_CHARS:
            found.add(value)
            return _cap(value)
        return value
    if isinstance(value, list | tuple):
        return [_long_strings(v, found) for v in value]
    if isinstance(value, dict):
        return {k: _long_strings(v, found) for k, v in value.items()}
    return value


def error_body(exc: SynthesisError, lang: str) -> dict[str, Any]:
    """``ErrorOut`` of ``exc`` in ``lang``; an input it echoes (a 5 MB column name, say) is cut, in the details
    and where the message quotes it."""
    data = exc.to_dict(lang)
    code, message = data.pop("code"), str(data.pop("message"))
    found: set[str] = set()
    details = _long_strings(data, found)
    for text in sorted(found, key=len, reverse=True):
        message = message.replace(text, _cap(text))
    return {"code": code, "message": _cap(message, MESSAGE_CHARS), "details": details}


async def synthesis_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """The one handler (rule 13): ``SynthesisError.code`` → HTTP status, body ``ErrorOut``."""
    assert isinstance(exc, SynthesisError)
    headers = {"WWW-Authenticate": "X-API-Key"} if exc.code == "unauthorized" else None
    return JSONResponse(error_body(exc, request_lang(request)), status_code=status_for(exc), headers=headers)


# Validation errors by pydantic type: (French, English) templates over the error's ``ctx``.
_INTEGER = ("doit être un nombre entier", "must be an integer")
_NUMBER = ("doit être un nombre", "must be a number")
_VALIDATION_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("champ obligatoire manquant", "field required"),
    "extra_forbidden": ("champ inconnu", "unknown field"),
    "string_too_short": (
        "doit contenir au moins {min_length} caractère(s)",
        "must have at least {min_length} character(s)",
    ),
    "string_too_long": (
        "doit contenir au plus {max_length} caractères",
        "must have at most {max_length} characters",
    ),
    "too_short": (
        "doit contenir au moins {min_length} élément(s)",
        "must have at least {min_length} item(s)",
    ),
    "too_long": ("doit contenir au plus {max_length} éléments", "must have at most {max_length} items"),
    "greater_than": ("doit être supérieur à {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("doit être supérieur ou égal à {ge}", "must be greater than or equal to {ge}"),
    "less_than": ("doit être inférieur à {lt}", "must be less than {lt}"),
    "less_than_equal": ("doit être inférieur ou égal à {le}", "must be less than or equal to {le}"),
    "int_type": _INTEGER,
    "int_parsing": _INTEGER,
    "int_parsing_size": _INTEGER,
    "int_from_float": _INTEGER,
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "finite_number": ("doit être un nombre fini", "must be a finite number"),
    "string_type": ("doit être une chaîne de caractères", "must be a string"),
    "string_unicode": ("doit être un texte Unicode valide", "must be valid Unicode text"),
    "bool_type": ("doit être un booléen (true ou false)", "must be a boolean (true or false)"),
    "bool_parsing": ("doit être un booléen (true ou false)", "must be a boolean (true or false)"),
    "dict_type": ("doit être un objet JSON", "must be a JSON object"),
    "model_type": ("doit être un objet JSON", "must be a JSON object"),
    "model_attributes_type": ("doit être un objet JSON", "must be a JSON object"),
    "list_type": ("doit être une liste", "must be a list"),
    "literal_error": ("doit valoir {expected}", "must be {expected}"),
    "enum": ("doit valoir {expected}", "must be {expected}"),
    "json_invalid": ("JSON illisible", "invalid JSON"),
    "json_type": ("doit être du JSON", "must be JSON"),
    "mapping_text_or_answers": (
        "« text » (un texte par ligne) ou « answers » (une colonne par question) est requis, pas les deux",
        "'text' (one text per row) or 'answers' (one column per question) is required, not both",
    ),
    "mapping_question_with_answers": (
        "« question » ne va pas avec « answers » : chaque colonne de « answers » est une question",
        "'question' cannot go with 'answers': each column of 'answers' is a question",
    ),
    "mapping_answers_twice": (
        "une colonne est nommée deux fois dans « answers »",
        "a column is named twice in 'answers'",
    ),
    "control_characters": (
        "ne doit pas contenir de caractères de contrôle",
        "must not contain control characters",
    ),
}


def _validation_message(error: dict[str, Any], lang: str) -> str:
    templates = _VALIDATION_MESSAGES.get(str(error.get("type", "")))
    if templates is None:
        return "valeur invalide" if lang == "fr" else "invalid value"
    template = templates[1 if lang == "en" else 0]
    ctx = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    if "expected" in ctx and lang == "fr":
        ctx["expected"] = ctx["expected"].replace(" or ", " ou ")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].strip()


def _loc(error: dict[str, Any]) -> str:
    return ".".join(str(p) for p in error.get("loc", ()))


def describe_validation_errors(errors: Sequence[Any], lang: str) -> str:
    """The first error of a pydantic or FastAPI validation, ``where : what`` in ``lang`` (no pydantic URL)."""
    if not errors:
        return "requête invalide" if lang == "fr" else "invalid request"
    first = errors[0]
    where, what = _loc(first), _validation_message(first, lang)
    text = f"{where} : {what}" if lang == "fr" else f"{where}: {what}"
    if len(errors) > 1:
        more = len(errors) - 1
        text += f" (et {more} autre(s) erreur(s))" if lang == "fr" else f" (and {more} more error(s))"
    return text if where else what


def _refused(request: Request) -> UnauthorizedError | ForbiddenError | None:
    """The 401 (no valid key) or 403 (read-only key on a route that writes) a keyed route owes its caller, when
    the request fails before the key is checked: FastAPI reads the body (JSON, multipart form) before any
    dependency, so an unreadable body was answered 400/422 to anyone. Only ``/api`` routes take keys
    (``/api/health`` aside)."""
    path = request.url.path
    if not path.startswith("/api/") or path.rstrip("/") == "/api/health":
        return None
    from sqlmodel import Session

    from service.api.deps import check_api_key, get_write_key

    try:
        with Session(request.app.state.engine) as session:
            key = check_api_key(session, request.headers.get("x-api-key"))
        if _depends_on(getattr(request.scope.get("route"), "dependant", None), get_write_key):
            get_write_key(key)
    except (UnauthorizedError, ForbiddenError) as exc:
        return exc
    return None


def _depends_on(dependant: Any, call: Any) -> bool:
    """Whether a route's dependency tree calls ``call``."""
    if dependant is None:
        return False
    return dependant.call is call or any(_depends_on(d, call) for d in dependant.dependencies)


async def _validation_to_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if (refused := _refused(request)) is not None:
        return await synthesis_error_handler(request, refused)
    lang = request_lang(request)
    raw = list(exc.errors())
    errors = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": _validation_message(e, lang),
            "type": e.get("type", ""),
        }
        for e in raw
    ]
    err = RequestError(
        f"Requête invalide : {describe_validation_errors(raw, 'fr')}",
        f"Invalid request: {describe_validation_errors(raw, 'en')}",
        errors=errors,
    )
    return await synthesis_error_handler(request, err)


# Routing and body-parsing errors (raised by Starlette and FastAPI with English details).
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}
_HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    400: ("Requête mal formée", "Bad request"),
    401: ("Authentification requise", "Authentication required"),
    403: ("Accès refusé", "Forbidden"),
    404: ("Adresse inconnue : {path}", "Unknown address: {path}"),
    405: ("Méthode {method} non autorisée pour {path}", "Method {method} not allowed for {path}"),
    406: ("Format de réponse demandé non disponible", "Requested response format not available"),
    409: ("Conflit avec l'état de la ressource", "Conflict with the resource's state"),
    411: ("En-tête Content-Length requis", "Content-Length header required"),
    413: ("Requête trop volumineuse", "Request too large"),
    415: ("Type de contenu non pris en charge", "Unsupported content type"),
    422: ("Requête invalide", "Invalid request"),
    429: ("Trop de requêtes : réessayez plus tard", "Too many requests: try again later"),
    500: ("Erreur interne du service", "Internal service error"),
    503: ("Service momentanément indisponible", "Service temporarily unavailable"),
}
# Known details of Starlette and FastAPI (regex → French, English).
_DETAILS: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(r"Request body larger than (\d+) bytes"),
        "Requête trop volumineuse (limite : {0} octets)",
        "Request too large (limit: {0} bytes)",
    ),
    (
        re.compile(r"There was an error parsing the body"),
        "Corps de la requête illisible",
        "The request body could not be parsed",
    ),
    (
        re.compile(r"Invalid multipart data\.?"),
        "Données multipart invalides (formulaire d'envoi mal formé)",
        "Invalid multipart data (malformed upload form)",
    ),
    (
        re.compile(r"Missing boundary in multipart\.?"),
        "Séparateur (boundary) absent de l'en-tête Content-Type multipart",
        "Missing boundary in the multipart Content-Type header",
    ),
    (
        re.compile(r"(?:Field|Part) exceeded maximum size of (\d+)KB\.?"),
        "Champ de formulaire trop long (au plus {0} Ko)",
        "Form field too long (at most {0} KB)",
    ),
    (
        re.compile(r"Too many files\. Maximum number of files is (\d+)\.?"),
        "Trop de fichiers (au plus {0})",
        "Too many files (at most {0})",
    ),
    (
        re.compile(r"Too many fields\. Maximum number of fields is (\d+)\.?"),
        "Trop de champs de formulaire (au plus {0})",
        "Too many form fields (at most {0})",
    ),
    (
        re.compile(r'The Content-Disposition header field "name" must be provided\.?'),
        "Champ de formulaire sans nom (Content-Disposition)",
        "Form field without a name (Content-Disposition)",
    ),
]


def http_message(status: int, detail: Any, method: str, path: str) -> tuple[str, str]:
    """(French, English) message of a routing or parsing error: a known detail, else the status's message."""
    if isinstance(detail, str):
        for pattern, fr, en in _DETAILS:
            if m := pattern.fullmatch(detail.strip()):
                return fr.format(*m.groups()), en.format(*m.groups())
    fr, en = _HTTP_MESSAGES.get(status, ("Erreur HTTP {status}", "HTTP error {status}"))
    values = {"status": status, "method": method[:20], "path": path if len(path) <= 200 else path[:200] + "…"}
    return fr.format(**values), en.format(**values)


async def _http_to_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and (refused := _refused(request)) is not None:
        return await synthesis_error_handler(request, refused)  # a form that could not be parsed
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    fr, en = http_message(exc.status_code, exc.detail, request.method, request.url.path)
    details: dict[str, Any] = {}
    allow = (exc.headers or {}).get("Allow") or (exc.headers or {}).get("allow")
    if allow:
        details["allowed_methods"] = [m.strip() for m in allow.split(",") if m.strip()]
    body = {"code": code, "message": en if request_lang(request) == "en" else fr, "details": details}
    return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))


async def _data_to_error(request: Request, exc: Exception) -> JSONResponse:
    """A value the database refuses (PostgreSQL: a NUL character in a text, a number out of range): the request's
    fault, answered 422 rather than 500 (the session is rolled back by its owner)."""
    log.warning("value refused by the database on %s %s: %s", request.method, request.url.path, exc)
    err = RequestError(
        "Valeur refusée par la base de données (caractère nul ou de contrôle, nombre hors limites…)",
        "Value refused by the database (NUL or control character, number out of range…)",
    )
    return await synthesis_error_handler(request, err)


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves as ``ErrorOut``; validation and routing errors are translated to the same model."""
    app.add_exception_handler(SynthesisError, synthesis_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_to_error)
    app.add_exception_handler(StarletteHTTPException, _http_to_error)
    app.add_exception_handler(DataError, _data_to_error)
