"""All routers under ``/api`` (rule 15); every route documents its errors with the one ``ErrorOut`` model."""

from fastapi import APIRouter

from schemas.api import ErrorOut
from service.api.routes import (
    consultations,
    contributions,
    erasures,
    exports,
    imports,
    public,
    review,
    runs,
)

COMMON_ERRORS = {
    401: {"model": ErrorOut, "description": "Missing, unknown or revoked X-API-Key"},
    422: {"model": ErrorOut, "description": "Invalid request or input (code names the problem)"},
}

api_router = APIRouter(prefix="/api")
for module in (consultations, imports, runs, review, exports, contributions, erasures, public):
    api_router.include_router(module.router, responses=COMMON_ERRORS)

public_router = public.public_router
