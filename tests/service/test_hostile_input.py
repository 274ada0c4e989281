"""Hostile or odd requests (fuzzing findings): every one is a 4xx ``{code, message, details}`` in French (English
with Accept-Language: en), never a 500; nothing is half-written; the service keeps answering."""

from __future__ import annotations

import io
import json
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.models import Contribution, Import, Run
from tests.service.conftest import service_app
from tests.service.factories import FAST_SETTINGS, MAPPING_FIELDS, consultation_rows, to_csv
from tests.service.helpers import clusters, make_run, upload

HUGE = [2**31, 2**63, 2**70, 10**20]
EN = {"Accept-Language": "en"}


def _error(r, status: int | tuple[int, ...], code: str | None = None) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert r.status_code in statuses, (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"code", "message", "details"} and body["message"], body
    if code is not None:
        assert body["code"] == code, body
    return body


def _counts(engine) -> tuple[int, int]:
    with Session(engine) as s:
        return (
            s.exec(select(func.count()).select_from(Contribution)).one(),
            s.exec(select(func.count()).select_from(Import)).one(),
        )


def _consultation(client, h) -> int:
    return client.post("/api/consultations", json={"title": "t"}, headers=h).json()["id"]


def _preview(client, h, name: str, content: bytes, **data):
    return client.post(
        "/api/imports/preview",
        files={"file": (name, content, "application/octet-stream")},
        data=data,
        headers=h,
    )


# --- ids and offsets past what a column holds -------------------------------------------------------------


@pytest.mark.parametrize("n", HUGE)
def test_huge_ids_in_paths_and_queries_are_404_or_422(client, keys, n):
    h = keys.h()
    cid = _consultation(client, h)
    for method, path in [
        ("GET", f"/api/consultations/{n}"),
        ("DELETE", f"/api/consultations/{n}"),
        ("GET", f"/api/consultations/{n}/runs"),
        ("GET", f"/api/runs/{n}"),
        ("GET", f"/api/runs/{n}/report"),
        ("GET", f"/api/contributions/{n}"),
    ]:
        _error(client.request(method, path, headers=h), 404, "not_found")
    _error(client.post(f"/api/consultations/{n}/runs", json={}, headers=h), 404, "not_found")
    _error(client.get("/api/consultations", params={"offset": n}, headers=h), 422, "invalid_request")
    r = client.post(
        f"/api/consultations/{cid}/runs", json={"settings": FAST_SETTINGS, "carry_review_from": n}, headers=h
    )
    _error(r, (404, 422))
    assert client.get("/api/health").status_code == 200


def test_huge_ids_in_review_bodies_are_422(client, keys, runner):
    h = keys.h()
    done = make_run(client, runner, h)
    theme = clusters(done.report)[0]["cluster_id"]
    base = f"/api/runs/{done.run_id}"
    for n in HUGE:
        _error(client.get(f"{base}/compare/{n}", headers=h), 404, "not_found")
        _error(client.get(f"{base}/clusters/{theme}/members", params={"offset": n}, headers=h), 422)
        r = client.post(f"{base}/moves", json={"contribution_id": n, "to_cluster_id": None}, headers=h)
        _error(r, 422, "invalid_request")
        r = client.post(f"{base}/clusters/{theme}/quotes/reject", json={"contribution_id": n}, headers=h)
        _error(r, 422, "invalid_request")
        _error(client.post(f"{base}/clusters/{theme}/split", json={"min_cluster_size": n}, headers=h), 422)
    assert client.get(f"{base}/review", headers=h).json()["count"] == 0


# --- upload file names ----------------------------------------------------------------------------------------


def _raw_upload(client, path: str, h, name: bytes, content: bytes, fields: dict[str, str]):
    """A multipart upload with ``name`` as the file name byte for byte (httpx would escape a NUL)."""
    boundary = b"BNDname"
    parts = [
        b"--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="'
        + k.encode()
        + b'"\r\n\r\n'
        + v.encode()
        for k, v in fields.items()
    ]
    parts.append(
        b"--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="file"; filename="'
        + name
        + b'"\r\nContent-Type: text/csv\r\n\r\n'
        + content
    )
    body = b"\r\n".join(parts) + b"\r\n--" + boundary + b"--\r\n"
    headers = {**h, "Content-Type": "multipart/form-data; boundary=" + boundary.decode()}
    return client.post(path, content=body, headers=headers)


@pytest.mark.parametrize(
    "name",
    [
        b"a\x00b.csv",
        b"x" * 300 + b".csv",
        "é".encode() * 200 + b".csv",
        b"../../etc/passwd.csv",
        b"..",
        b"\x00",
    ],
    ids=["nul", "300_bytes", "400_bytes_utf8", "path", "dotdot", "only_nul"],
)
def test_odd_upload_names_are_stored_safely(client, keys, engine, name):
    h = keys.h()
    cid = _consultation(client, h)
    content = to_csv(consultation_rows())
    r = _raw_upload(client, f"/api/consultations/{cid}/imports", h, name, content, MAPPING_FIELDS)
    assert r.status_code == 201, r.text
    stored = r.json()["filename"]
    assert "\x00" not in stored and "/" not in stored and 0 < len(stored) <= 500
    with Session(engine) as s:
        assert s.exec(select(Import.filename)).one() == stored
    r = _raw_upload(client, "/api/imports/preview", h, name, content, {})
    assert r.status_code == 200, r.text
    assert "\x00" not in r.json()["file_name"]


def test_an_upload_without_extension_is_read_by_its_content(client, keys):
    # ".csv" was added to a name without extension: a JSON export named "export" was read as CSV
    h = keys.h()
    content = json.dumps(
        [{"id": f"a{i}", "texte": f"Avis numéro {i} sur les transports"} for i in range(3)]
    ).encode()
    r = _preview(client, h, "export", content)
    assert r.status_code == 200 and r.json()["format"] == "json" and r.json()["columns"] == ["id", "texte"], (
        r.text
    )
    cid = _consultation(client, h)
    r = _raw_upload(
        client, f"/api/consultations/{cid}/imports", h, b"export", content, {"text_column": "texte"}
    )
    assert r.status_code == 201 and r.json()["format"] == "json" and r.json()["accepted"] == 3, r.text


def test_nul_characters_that_would_reach_the_database_are_4xx(client, keys, runner, engine):
    """PostgreSQL refuses a NUL in any text (SQLite stores it): a NUL in a path or form field is the caller's
    fault, a 4xx on both."""
    h = keys.h()
    done = make_run(client, runner, h)
    r = client.get(f"/api/runs/{done.run_id}/clusters/a%00b/members", headers=h)
    _error(r, (404, 422))
    before = _counts(engine)
    r = upload(
        client, done.consultation_id, to_csv(consultation_rows()), h, question_text="Q\x00x", id_column=""
    )
    _error(r, 422, "invalid_request")
    assert _counts(engine) == before


# --- files that break the readers -----------------------------------------------------------------------------


def _deep_json() -> bytes:
    return b"[" * 100_000 + b"]" * 100_000


def test_deeply_nested_json_is_an_invalid_file(client, keys, engine):
    h = keys.h()
    cid = _consultation(client, h)
    _error(upload(client, cid, _deep_json(), h, name="x.json"), 422)
    _error(_preview(client, h, "x.json", _deep_json()), 422)
    assert _counts(engine) == (0, 0)
    r = upload(client, cid, b"avis\nbonjour\n", h, mapping="[" * 100_000)
    body = _error(r, 422, "invalid_request")
    assert "mapping" in body["message"] and len(body["message"]) < 1000
    assert upload(client, cid, to_csv(consultation_rows()), h).status_code == 201


def _xlsx_with_doctype(doctype: str, cell: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["id", "avis"])
    ws.append([9, "PLACEHOLDER"])
    for i in range(5):
        ws.append([i, f"réponse {i}"])
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = re.sub(r"^<\?xml[^>]*\?>", "", text)
                text = '<?xml version="1.0"?>' + doctype + text.replace("PLACEHOLDER", cell)
                data = text.encode()
            dst.writestr(item, data)
    return out.getvalue()


LAUGHS = (
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    + "]>"
)
XXE = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>'


@pytest.mark.parametrize("doctype,cell", [(LAUGHS, "&i;"), (XXE, "&e;")], ids=["billion_laughs", "xxe"])
def test_xlsx_with_entities_is_an_invalid_file(client, keys, engine, doctype, cell):
    h = keys.h()
    cid = _consultation(client, h)
    content = _xlsx_with_doctype(doctype, cell)
    for r in (
        upload(client, cid, content, h, name="x.xlsx", author_column=""),
        _preview(client, h, "x.xlsx", content),
    ):
        body = _error(r, 422)
        assert body["code"] in ("invalid_file", "binary_file"), body
        assert "aaaaaaaaaa" not in r.text
    assert _counts(engine) == (0, 0)
    assert upload(client, cid, to_csv(consultation_rows()), h).status_code == 201


@pytest.mark.parametrize("encoding", ["utf-16", "rot13", "base64", "nope-8", "utf-32"])
def test_preview_with_an_unusable_encoding_is_422_naming_it(client, keys, encoding):
    h = keys.h()
    r = _preview(client, h, "e.csv", to_csv(consultation_rows()), encoding=encoding)
    body = _error(r, 422, "invalid_encoding")
    assert encoding in body["message"], body


# --- run settings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "setting,value",
    [
        ("umap_epochs", 1_000_000_000),
        ("fit_max", 10**9),
        ("min_cluster_size", 10**9),
        ("min_samples", 10**9),
        ("embed_workers", 10**6),
        ("campaign_min_size", 2**70),
    ],
)
def test_run_settings_that_size_the_work_are_bounded(client, keys, engine, setting, value):
    h = keys.h()
    cid = _consultation(client, h)
    r = client.post(f"/api/consultations/{cid}/runs", json={"settings": {setting: value}}, headers=h)
    body = _error(r, 422, "invalid_request")
    assert setting in body["message"]
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Run)).one() == 0


# --- messages: French by default, English on request, no pydantic text ------------------------------------


def test_routing_and_parsing_errors_speak_french_or_english(client, keys):
    h = keys.h()
    cid = _consultation(client, h)
    cases = [
        (lambda x: client.get("/api/nowhere", headers=x), 404, "not_found"),
        (lambda x: client.put("/api/consultations", headers=x), 405, "method_not_allowed"),
        (
            lambda x: client.post(
                "/api/consultations", content=b"{bad json", headers={**x, "Content-Type": "application/json"}
            ),
            422,
            "invalid_request",
        ),
        (
            lambda x: client.post(
                f"/api/consultations/{cid}/imports",
                content=b"garbage",
                headers={**x, "Content-Type": "multipart/form-data"},
            ),
            (400, 422),
            None,
        ),
        (
            lambda x: client.post(
                f"/api/consultations/{cid}/imports",
                content=b"--b\r\nnot a part",
                headers={**x, "Content-Type": "multipart/form-data; boundary=b"},
            ),
            (400, 422),
            None,
        ),
    ]
    english = re.compile(
        r"Not Found|Method Not Allowed|error parsing|Invalid multipart|Missing boundary|Field required"
    )
    for call, status, code in cases:
        fr = _error(call(h), status, code)
        en = _error(call({**h, **EN}), status, code)
        assert not english.search(fr["message"]), fr
        assert fr["message"] != en["message"], (fr, en)
    assert _error(client.put("/api/consultations", headers=h), 405)["details"]["allowed_methods"]


def test_validation_errors_are_translated_without_pydantic_text(client, keys):
    h = keys.h()
    cid = _consultation(client, h)
    cases = [
        ("/api/consultations", {"title": ""}, "title", "au moins 1 caractère", "at least 1 character"),
        ("/api/consultations", {}, "title", "champ obligatoire", "field required"),
        ("/api/consultations", {"title": "x" * 501}, "title", "au plus 500", "at most 500"),
        ("/api/consultations", {"title": 3}, "title", "chaîne de caractères", "must be a string"),
        ("/api/consultations", {"title": "t", "owner": 1}, "owner", "champ inconnu", "unknown field"),
        (
            f"/api/consultations/{cid}/runs",
            {"settings": {"n_neighbors": 1}},
            "n_neighbors",
            "supérieur ou égal à 2",
            "greater than or equal to 2",
        ),
        (
            f"/api/consultations/{cid}/runs",
            {"settings": {"n_neighbors": "many"}},
            "n_neighbors",
            "nombre entier",
            "must be an integer",
        ),
    ]
    for path, body, field, fr_text, en_text in cases:
        fr = _error(client.post(path, json=body, headers=h), 422, "invalid_request")
        en = _error(client.post(path, json=body, headers={**h, **EN}), 422, "invalid_request")
        assert field in fr["message"] and fr_text in fr["message"], fr
        assert field in en["message"] and en_text in en["message"], en
        for text in (fr["message"], en["message"], str(fr["details"])):
            assert "pydantic" not in text and "should" not in text.lower(), text
    for mapping, said in (
        ('{"txt": "avis"}', "txt : champ inconnu"),
        ("{}", "« text » (un texte par ligne) ou « answers » (une colonne par question) est requis"),
    ):
        r = upload(client, cid, b"avis\nbonjour\n", h, mapping=mapping)
        body = _error(r, 422, "invalid_request")
        assert "pydantic" not in r.text and "mapping" in body["message"] and said in body["message"], r.text


# --- titles, labels, descriptions, echoed names, health -----------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"title": "   "},
        {"title": "\t\n"},
        {"title": "a\x00b"},
        {"title": "a\x07b"},
        {"title": "ok", "description": "x" * 10_001},
        {"title": "ok", "description": "a\x00b"},
    ],
)
def test_blank_or_control_titles_and_long_descriptions_are_refused(client, keys, engine, body):
    h = keys.h()
    _error(client.post("/api/consultations", json=body, headers=h), 422, "invalid_request")
    assert client.get("/api/consultations", headers=h).json()["count"] == 0


def test_titles_and_labels_are_stripped(client, keys, runner):
    h = keys.h()
    r = client.post(
        "/api/consultations", json={"title": "  Plan vélo  ", "description": "ligne 1\nligne 2"}, headers=h
    )
    assert r.status_code == 201 and r.json()["title"] == "Plan vélo"
    done = make_run(client, runner, h)
    theme = clusters(done.report)[0]["cluster_id"]
    base = f"/api/runs/{done.run_id}/clusters/{theme}/rename"
    for label in ("   ", "a\x00b"):
        _error(client.post(base, json={"label": label}, headers=h), 422, "invalid_request")
    r = client.post(base, json={"label": "  Vélo  "}, headers=h)
    assert r.status_code == 201 and r.json()["after"]["label"] == "Vélo"


def test_a_huge_column_name_is_not_echoed_whole(client, keys):
    h = keys.h()
    cid = _consultation(client, h)
    column = "c" * 1_000_000
    content = (column + "\n" + "\n".join(f"réponse {i}" for i in range(5)) + "\n").encode()
    r = client.post(
        f"/api/consultations/{cid}/imports",
        files={"file": ("e.csv", content, "text/csv")},
        data={"text_column": "avis"},
        headers=h,
    )
    body = _error(r, 422, "invalid_mapping")
    assert "avis" in body["message"] and "…" in body["message"]
    assert len(r.content) < 5_000


def test_health_answers_head(client):
    assert client.head("/api/health").status_code == 200
    assert client.get("/api/health").json() == {"status": "ok"}


# --- upload size: refused before the body is read ------------------------------------------------------------


def _small_upload_app(engine, runner):
    return service_app(engine, runner, max_upload_bytes=10_000)


BOUNDARY = "BNDtest"


async def _post_streamed(
    app, path: str, headers: dict[str, str], chunks: list[bytes]
) -> tuple[int, dict, int]:
    """POST a multipart upload chunk by chunk, straight to the ASGI app: (status, JSON body, chunks it read)."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nid,avis\n"
    ).encode()
    parts = [head, *chunks, f"\r\n--{BOUNDARY}--\r\n".encode()]
    read = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal read
        if read < len(parts):
            read += 1
            return {"type": "http.request", "body": parts[read - 1], "more_body": read < len(parts)}
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    all_headers = {**headers, "content-type": f"multipart/form-data; boundary={BOUNDARY}", "host": "test"}
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in all_headers.items()],
        "client": ("127.0.0.1", 1234),
        "server": ("test", 80),
    }
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), max(0, read - 1)


def _in_a_thread(fn, *args):
    """``anyio.run(fn, *args)`` in a thread of its own (the browser tests' Playwright keeps a loop in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, fn, *args).result()


def test_upload_over_the_limit_is_refused_before_it_is_read(engine, runner, keys):
    app = _small_upload_app(engine, runner)
    h = keys.h()
    with TestClient(app) as client:
        cid = _consultation(client, h)
    chunks = [b"1,bonjour tout le monde\n" * 2_000] * 100  # 4.8 MB against a 10 kB limit
    for path in (f"/api/consultations/{cid}/imports", "/api/imports/preview"):
        # a declared size over the limit: answered from the header, without reading the body
        declared = {**h, "content-length": str(sum(map(len, chunks)) + 500)}
        status, body, read = _in_a_thread(_post_streamed, app, path, declared, chunks)
        assert status == 413 and body["code"] == "payload_too_large", body
        assert read == 0, read
        # streamed without a size: cut off once past the limit (upload limit + the form's envelope)
        status, body, read = _in_a_thread(_post_streamed, app, path, {**h, **EN}, chunks)
        assert status == 413 and body["code"] == "payload_too_large", body
        assert "too large" in body["message"].lower()
        assert read < len(chunks) // 2, read
    assert _counts(engine) == (0, 0)
    with TestClient(app) as client:  # the service keeps answering, small files go through
        small = to_csv(consultation_rows(n_per_topic=2))
        r = client.post(
            f"/api/consultations/{cid}/imports",
            files={"file": ("e.csv", small, "text/csv")},
            data=MAPPING_FIELDS,
            headers=h,
        )
        assert r.status_code == 201, r.text
