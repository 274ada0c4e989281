"""The API's documentation page (``/docs``) served from this process: FastAPI's default page loads Swagger UI
from cdn.jsdelivr.net, so it stayed blank on the offline or intranet machines public bodies run the service
on. Swagger UI's files come from the ``swagger-ui-bundle`` package; ReDoc, which loads from a CDN too, is off.

That Swagger UI (4.x) reads OpenAPI 2.0 and 3.0.n only, and said "Unable to render this definition" of the
service's 3.1 description: the page is given the same description written as OpenAPI 3.0 (:func:`as_openapi_30`)
at :data:`SWAGGER_SPEC`; ``/openapi.json`` stays the 3.1 one.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs-assets"
SWAGGER_SPEC = "/docs/openapi-3.0.json"
# the major version of the bundled Swagger UI (its folder: .../swagger-ui-4.15.5); 5 reads OpenAPI 3.1
_SWAGGER_MAJOR = int(m.group(1)) if (m := re.search(r"swagger-ui-(\d+)\.", str(swagger_ui_path))) else 4


def install_docs(app: FastAPI) -> None:
    """Serve ``/docs`` and its assets (under :data:`ASSETS`) locally; ``app`` is built with ``docs_url=None``
    and ``redoc_url=None``."""
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get(SWAGGER_SPEC, include_in_schema=False)
    def swagger_spec() -> JSONResponse:
        doc = app.openapi()
        return JSONResponse(doc if _SWAGGER_MAJOR >= 5 else as_openapi_30(doc))

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=SWAGGER_SPEC,
            title=f"{app.title} — API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"deepLinking": False},  # see DOCS_STYLE
        )
        return HTMLResponse(accessible_docs(bytes(page.body).decode()))


# The documentation page to RGAA 4.1 / WCAG 2.1 AA as axe-core checks it (tests/browser/test_served.py):
# FastAPI's page declares no language (Swagger UI's own words, and the routes' descriptions, are English);
# Swagger UI's texts had a contrast of 2:1 to 3.8:1 (the version badge, the description's address, "Authorize",
# the white methods on their pale badges), darkened here to 4.5:1 at least; deep links, off, nested a link in
# each route's button (two controls in one).
DOCS_LANG = "en"
DOCS_STYLE = (
    "<style>.swagger-ui .info .title small.version-stamp, .swagger-ui .info .title small:not(.version-stamp)"
    " { background: #5c6370; } .swagger-ui .info .url { color: #1f5fad; }"
    " .swagger-ui .btn.authorize { color: #0d6b3f; border-color: #0d6b3f; }"
    " .swagger-ui .btn.authorize svg { fill: #0d6b3f; }"
    + "".join(
        f" .swagger-ui .opblock.opblock-{method} .opblock-summary-method {{ background: {colour}; }}"
        for method, colour in (
            ("get", "#1f5fad"),
            ("post", "#0d6b3f"),
            ("put", "#8a4b00"),
            ("patch", "#00695c"),
            ("delete", "#b3261e"),
        )
    )
    + "</style>"
)


def accessible_docs(html: str) -> str:
    """Swagger UI's page ``html`` with its language declared and :data:`DOCS_STYLE` in its head."""
    html = re.sub(r"<html>", f'<html lang="{DOCS_LANG}">', html, count=1)
    return html.replace("</head>", DOCS_STYLE + "</head>", 1)


def as_openapi_30(doc: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI 3.1 description written as 3.0 (a copy): ``null`` among a schema's types becomes
    ``nullable``, ``const`` a one-value ``enum``, a schema's ``examples`` its first ``example``."""
    return {**_schema_30(doc), "openapi": "3.0.3"}


def _schema_30(node: Any) -> Any:
    if isinstance(node, list):
        return [_schema_30(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _schema_30(v) for k, v in node.items()}
    for key in ("anyOf", "oneOf"):
        options = out.get(key)
        if isinstance(options, list) and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            out.pop(key)
            out["nullable"] = True
            if len(rest) == 1 and "$ref" not in rest[0]:
                out = {**rest[0], **out}
            elif rest:
                out[key] = rest
    if isinstance(out.get("type"), list):
        types = [t for t in out["type"] if t != "null"]
        out["nullable"] = out.get("nullable", False) or len(types) < len(out["type"])
        out["type"] = types[0] if len(types) == 1 else out["type"]
    if "const" in out and isinstance(out.get("type"), str):
        out["enum"] = [out.pop("const")]
    if (
        isinstance(out.get("examples"), list) and "type" in out
    ):  # a schema's examples (JSON Schema's), not a media type's
        examples = out.pop("examples")
        if examples:
            out.setdefault("example", examples[0])
    return out
