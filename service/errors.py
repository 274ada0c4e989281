"""Service errors (``SynthesisError`` subclasses) and the one handler that maps ``code`` to an HTTP status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from synthesis.errors import SynthesisError


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


def request_lang(request: Request) -> str:
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "fr"


def error_body(exc: SynthesisError, lang: str) -> dict[str, Any]:
    data = exc.to_dict(lang)
    return {"code": data.pop("code"), "message": data.pop("message"), "details": data}


async def synthesis_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """The one handler (rule 13): ``SynthesisError.code`` → HTTP status, body ``ErrorOut``."""
    assert isinstance(exc, SynthesisError)
    headers = {"WWW-Authenticate": "X-API-Key"} if exc.code == "unauthorized" else None
    return JSONResponse(error_body(exc, request_lang(request)), status_code=status_for(exc), headers=headers)


async def _validation_to_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": ""}
    where = ".".join(first["loc"])
    err = RequestError(
        f"Requête invalide : {where} : {first['msg']}",
        f"Invalid request: {where}: {first['msg']}",
        errors=errors,
    )
    return await synthesis_error_handler(request, err)


async def _http_to_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden"}.get(
        exc.status_code, "http_error"
    )
    body = {"code": code, "message": str(exc.detail), "details": {}}
    return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves as ``ErrorOut``; validation and routing errors are translated to the same model."""
    app.add_exception_handler(SynthesisError, synthesis_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_to_error)
    app.add_exception_handler(StarletteHTTPException, _http_to_error)
