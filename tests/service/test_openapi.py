"""OpenAPI (issue 6): every route has a summary, a description and documented errors in the one error model;
request bodies carry examples."""

from __future__ import annotations

from service.core.config import Settings
from service.main import create_app


def test_every_route_is_described():
    spec = create_app(
        Settings(database_url="sqlite://", run_migrations=False, jobs_autostart=False)
    ).openapi()
    assert "ErrorOut" in spec["components"]["schemas"]
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            where = f"{method.upper()} {path}"
            assert op.get("summary") and op.get("description"), where
            assert op.get("operationId"), where
            if path != "/api/health":
                refs = [
                    r.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
                    for code, r in op["responses"].items()
                    if code.startswith("4")
                ]
                assert refs and all(ref.endswith("/ErrorOut") for ref in refs), where
    for name in ("ConsultationCreate", "RunCreate", "RenameTheme", "MergeThemes", "MoveContribution"):
        assert spec["components"]["schemas"][name].get("examples"), name
