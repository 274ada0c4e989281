"""Refuse an oversized request body before it is read (issue: a 1 GB upload was spooled whole before its 413).

FastAPI parses a multipart form (spooling its files to disk) before any dependency or route code runs, so the
size limit has to sit in front of the app: a ``Content-Length`` above the limit is answered 413 at once, without
reading a byte, and a body streamed without one is cut off as soon as it passes the limit.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import TooLargeError, error_body, headers_lang

# Room for the multipart envelope and the form's text fields beside the file (the file itself is held to the
# upload limit exactly while it is saved).
FORM_OVERHEAD_BYTES = 1 << 20


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once the body passes the limit (FastAPI re-raises HTTP exceptions as they are)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"Request body larger than {limit} bytes")


def too_large(limit: int, size: int | None) -> TooLargeError:
    return TooLargeError(
        f"Requête trop volumineuse (limite : {limit} octets)",
        f"Request too large (limit: {limit} bytes)",
        value=size,
        limit=limit,
    )


class BodySizeLimitMiddleware:
    """413 for any request body larger than ``max_bytes`` (upload limit + ``FORM_OVERHEAD_BYTES``)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.max_bytes
        try:
            declared = int(headers.get("content-length", ""))
        except ValueError:
            declared = None
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, headers, declared)
            return
        received, started = 0, False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send, headers, received)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, headers: Headers, size: int | None
    ) -> None:
        body = error_body(too_large(self.max_bytes, size), headers_lang(headers))
        response = JSONResponse(body, status_code=413, headers={"Connection": "close"})
        await response(scope, receive, send)
