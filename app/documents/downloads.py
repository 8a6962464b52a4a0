"""Serving a stored file version: shared by the pages and the API.

Always with the stored content type, `nosniff`, and `Content-Disposition: attachment`
(RFC 6266, the UTF-8 name in `filename*`), except images asked for inline, which
posts and documents embed. A sandboxing Content-Security-Policy covers the response
in case a browser renders it anyway.
"""

import logging
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from app.documents.models import FileVersion
from app.errors import NotFound
from app.storage import FileStorage

log = logging.getLogger(__name__)

CHUNK = 256 * 1024
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
_RFC5987_SAFE = "!#$&+-.^_`|~"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = "".join(char if char.isprintable() and char not in '"\\;' else "_" for char in fallback) or "file"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe=_RFC5987_SAFE)}"


def _chunks(stream) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(CHUNK):
            yield chunk


def file_response(request: Request, storage: FileStorage, version: FileVersion, *, inline: bool = False) -> Response:
    """The bytes of `version`; the caller has checked the permission for this request."""
    etag = f'"{version.sha256}"'
    headers = {
        "Content-Disposition": content_disposition(version.filename, inline=inline and version.is_image),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": FILE_POLICY,
        # Permission is checked on every request: shared caches must not keep a copy.
        "Cache-Control": "private, no-cache",
        "ETag": etag,
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    try:
        stream = storage.open(version.storage_key)
    except FileNotFoundError:
        log.error("file version %s has no stored bytes (%s)", version.id, version.storage_key)
        raise NotFound() from None
    headers["Content-Length"] = str(version.size)
    return StreamingResponse(_chunks(stream), media_type=version.content_type, headers=headers)
