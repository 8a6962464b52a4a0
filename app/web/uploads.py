"""Multipart uploads read straight from the request stream into the data folder.

Starlette's own form parser keeps each file whole (in memory, then in /tmp) before
the route sees it, with no size limit. Here the body is parsed as it arrives: the
file part is written chunk by chunk into a temporary file in the data folder while
its SHA-256 is computed, and reading stops as soon as the file passes the cap; the
partial file is then deleted. A declared Content-Length that is already too large is
refused before a byte of the body is read.

Such a route reads the body itself, so it checks the CSRF token itself (the global
check skips it, see `csrf.streams_own_body`): from the header, or from a form field
sent before the file part (a browser sends fields in document order).
"""

import codecs
import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from app.errors import DomainError, Invalid, TooLarge
from app.i18n import _

# Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD_BYTES = 64 * 1024
MAX_FIELD_BYTES = 16 * 1024
MAX_FIELDS = 20
FILE_FIELD = "file"


@dataclass
class ReceivedFile:
    filename: str
    path: Path
    size: int = 0
    sha256: str = ""


@dataclass
class ReceivedForm:
    fields: dict[str, str] = field(default_factory=dict)
    file: ReceivedFile | None = None

    def discard(self) -> None:
        """Delete the temporary file; call it once the file has been stored (or refused)."""
        if self.file is not None:
            self.file.path.unlink(missing_ok=True)


def too_large_error(max_bytes: int) -> TooLarge:
    return TooLarge(
        _("The file is too large: at most %(size)s.", size=human_size(max_bytes)), field=FILE_FIELD
    )


def human_size(size: int) -> str:
    if size < 1024:
        return _("%(n)s bytes", n=size)
    if size < 1024 * 1024:
        return _("%(n)s KB", n=round(size / 1024))
    return _("%(n)s MB", n=round(size / (1024 * 1024), 1)).replace(".0 ", " ")


class _Parser:
    def __init__(self, *, max_file_bytes: int, temp_dir: Path, before_file, charset: str) -> None:
        self.max_file_bytes = max_file_bytes
        self.temp_dir = temp_dir
        self.before_file = before_file
        self.charset = charset
        self.form = ReceivedForm()
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._name = ""
        self._data = bytearray()
        self._target = None
        self._hash = None
        self._is_file = False

    def on_part_begin(self) -> None:
        self._disposition = b""
        self._data = bytearray()
        self._is_file = False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = b""
        self._header_value = b""

    def on_headers_finished(self) -> None:
        _kind, options = parse_options_header(self._disposition)
        if b"name" not in options:
            raise Invalid(_("The form could not be read."), code="bad_form")
        self._name = options[b"name"].decode(self.charset, "replace")
        if b"filename" not in options:
            if len(self.form.fields) >= MAX_FIELDS:
                raise Invalid(_("The form could not be read."), code="bad_form")
            return
        filename = options[b"filename"].decode(self.charset, "replace")
        if self._name != FILE_FIELD or self.form.file is not None:
            raise Invalid(_("Send one file at a time."), code="bad_form", field=FILE_FIELD)
        self.before_file(self.form.fields)
        self._is_file = True
        handle = tempfile.NamedTemporaryFile(dir=self.temp_dir, prefix="upload-", delete=False)  # noqa: SIM115
        self.form.file = ReceivedFile(filename=filename, path=Path(handle.name))
        self._target = handle
        self._hash = hashlib.sha256()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if not self._is_file:
            self._data += chunk
            if len(self._data) > MAX_FIELD_BYTES:
                raise Invalid(_("A field of the form is too long."), code="bad_form")
            return
        received = self.form.file
        received.size += len(chunk)
        if received.size > self.max_file_bytes:
            raise too_large_error(self.max_file_bytes)
        self._hash.update(chunk)
        self._target.write(chunk)

    def on_part_end(self) -> None:
        if self._is_file:
            self._target.close()
            self._target = None
            self.form.file.sha256 = self._hash.hexdigest()
        else:
            self.form.fields.setdefault(self._name, self._data.decode(self.charset, "replace"))

    @property
    def inside_file(self) -> bool:
        return self._target is not None

    def close(self) -> None:
        if self._target is not None:
            self._target.close()


async def receive_upload(request: Request, *, max_file_bytes: int, temp_dir: Path, before_file) -> ReceivedForm:
    """Read a multipart form with one file field named `file`.

    `before_file(fields)` runs when the file part starts, with the fields read so
    far; it raises to refuse the upload before anything is written. Raises TooLarge
    (nothing left on disk) when the file passes `max_file_bytes`, Invalid for a body
    that is not such a form. The caller must `discard()` the result when done.
    """
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise Invalid(_("Send the file as a multipart form."), code="bad_form")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_file_bytes + FORM_OVERHEAD_BYTES:
        raise too_large_error(max_file_bytes)
    charset = params.get(b"charset", b"utf-8").decode("latin-1")
    try:
        charset = codecs.lookup(charset).name
    except LookupError:
        charset = "utf-8"
    parser = _Parser(max_file_bytes=max_file_bytes, temp_dir=temp_dir, before_file=before_file, charset=charset)
    callbacks = {
        name: getattr(parser, name)
        for name in (
            "on_part_begin", "on_part_data", "on_part_end", "on_header_field",
            "on_header_value", "on_header_end", "on_headers_finished",
        )
    }
    multipart = MultipartParser(params[b"boundary"], callbacks)
    try:
        async for chunk in request.stream():
            multipart.write(chunk)
        multipart.finalize()
    except BaseException as error:
        parser.close()
        parser.form.discard()
        if isinstance(error, ClientDisconnect):
            raise Invalid(_("The upload was interrupted."), code="upload_interrupted") from None
        if isinstance(error, Exception) and not isinstance(error, DomainError):
            raise Invalid(_("The form could not be read."), code="bad_form") from None
        raise
    if parser.inside_file:  # the body ended in the middle of the file
        parser.close()
        parser.form.discard()
        raise Invalid(_("The form could not be read."), code="bad_form")
    return parser.form
