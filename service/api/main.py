"""All routers under ``/api`` (rule 15)."""

from fastapi import APIRouter

from service.api.routes import consultations, contributions, exports, imports, review, runs

api_router = APIRouter(prefix="/api")
for module in (consultations, imports, runs, review, exports, contributions):
    api_router.include_router(module.router)
