"""Which files are accepted, judged by their content as well as by their name, and safe names.

The extension says what a file claims to be; the first bytes (or, for the office
formats, the zip's own declaration of its type) must agree. An HTML page or an SVG
renamed `.pdf` is refused, and so is anything not on the list: what is served back
later is always one of these types, with the type stored here.
"""

import codecs
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from app.errors import Invalid
from app.i18n import _

MAX_NAME_LENGTH = 200
# Office files are zips; their small type declarations are read, never the whole archive.
MAX_DECLARATION_BYTES = 1024 * 1024
READ_CHUNK = 64 * 1024

ODF_TYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "odg": "application/vnd.oasis.opendocument.graphics",
}
OOXML_TYPES = {
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _head(path: Path, size: int = 16) -> bytes:
    with path.open("rb") as stream:
        return stream.read(size)


def _is_pdf(path: Path) -> bool:
    return _head(path, 5) == b"%PDF-"


def _is_png(path: Path) -> bool:
    return _head(path, 8) == b"\x89PNG\r\n\x1a\n"


def _is_jpeg(path: Path) -> bool:
    return _head(path, 3) == b"\xff\xd8\xff"


def _is_webp(path: Path) -> bool:
    head = _head(path, 12)
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        with archive.open(name) as member:
            data = member.read(MAX_DECLARATION_BYTES + 1)
    except KeyError:
        return None
    return data if len(data) <= MAX_DECLARATION_BYTES else None


def _odf_check(extension: str) -> Callable[[Path], bool]:
    def check(path: Path) -> bool:
        try:
            with zipfile.ZipFile(path) as archive:
                declared = _read_member(archive, "mimetype")
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
            return False
        return declared is not None and declared.strip() == ODF_TYPES[extension].encode()

    return check


def _ooxml_check(extension: str) -> Callable[[Path], bool]:
    main_part = OOXML_TYPES[extension][1]

    def check(path: Path) -> bool:
        try:
            with zipfile.ZipFile(path) as archive:
                declared = _read_member(archive, "[Content_Types].xml")
            if declared is None:
                return False
            root = ElementTree.fromstring(declared)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ElementTree.ParseError):
            return False
        return any(
            element.get("ContentType") == main_part for element in root.iter(f"{CONTENT_TYPES_NS}Override")
        )

    return check


def _text_charset(path: Path) -> str | None:
    """`utf-8` or `windows-1252` (spreadsheet exports), or None for anything binary."""
    for charset in ("utf-8", "windows-1252"):
        decoder = codecs.getincrementaldecoder(charset)()
        try:
            with path.open("rb") as stream:
                while chunk := stream.read(READ_CHUNK):
                    if b"\x00" in chunk:
                        return None
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return charset
    return None


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    check: Callable[[Path], bool] | None = None
    is_text: bool = False


FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType("PDF", "application/pdf", _is_pdf),
    "png": FileType("PNG", "image/png", _is_png),
    "jpg": FileType("JPEG", "image/jpeg", _is_jpeg),
    "jpeg": FileType("JPEG", "image/jpeg", _is_jpeg),
    "webp": FileType("WebP", "image/webp", _is_webp),
    "csv": FileType("CSV", "text/csv", is_text=True),
    "txt": FileType("TXT", "text/plain", is_text=True),
    "md": FileType("Markdown", "text/markdown", is_text=True),
    "markdown": FileType("Markdown", "text/markdown", is_text=True),
    **{ext: FileType("OpenDocument", mime, _odf_check(ext)) for ext, mime in ODF_TYPES.items()},
    **{ext: FileType("Office", mime, _ooxml_check(ext)) for ext, (mime, _main) in OOXML_TYPES.items()},
}
ACCEPTED_EXTENSIONS = tuple(f".{ext}" for ext in FILE_TYPES)


def extension_of(filename: str) -> str:
    return filename.rpartition(".")[2].lower() if "." in filename else ""


def identify(path: Path, filename: str) -> str:
    """The content type to store for `path`, uploaded as `filename`.

    Raises Invalid when the extension is not accepted or the content does not match it.
    """
    extension = extension_of(filename)
    file_type = FILE_TYPES.get(extension)
    if file_type is None:
        raise Invalid(
            _(
                "Files of this type are not accepted. Accepted: PDF, OpenDocument and Office "
                "documents, CSV, text, Markdown, PNG, JPEG and WebP images."
            ),
            code="file_type_refused",
            field="file",
        )
    if file_type.is_text:
        charset = _text_charset(path)
        if charset is not None:
            return f"{file_type.content_type}; charset={charset}"
        raise Invalid(
            _("This file is not text, although its name ends in .%(extension)s: it is refused.", extension=extension),
            code="file_type_mismatch",
            field="file",
        )
    if file_type.check(path):
        return file_type.content_type
    raise Invalid(
        _(
            "The content of this file is not %(type)s, although its name ends in .%(extension)s: "
            "it is refused.",
            type=file_type.label,
            extension=extension,
        ),
        code="file_type_mismatch",
        field="file",
    )


_SEPARATORS = re.compile(r"[/\\]")
_SPACES = re.compile(r"\s+")


def clean_filename(raw: str) -> str:
    """A safe display name: the last path part only, no control characters, length-capped.

    Path parts (`../`, `C:\\`, `/etc/`) are dropped; NUL and other control or
    direction-changing characters, names with nothing left and names longer than
    MAX_NAME_LENGTH raise Invalid with a message saying which.
    """
    name = unicodedata.normalize("NFC", _SEPARATORS.split(raw)[-1])
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") for char in name):
        raise Invalid(
            _("The file name contains control characters: rename the file and try again."),
            code="bad_filename",
            field="file",
        )
    name = _SPACES.sub(" ", name).strip().lstrip(".").strip()
    if not name:
        raise Invalid(_("The file has no usable name: rename it and try again."), code="bad_filename", field="file")
    if len(name) > MAX_NAME_LENGTH:
        raise Invalid(
            _("The file name is too long: at most %(n)s characters.", n=MAX_NAME_LENGTH),
            code="bad_filename",
            field="file",
        )
    return name


def name_key(name: str) -> str:
    """What makes two names the same name (case and Unicode forms aside)."""
    return unicodedata.normalize("NFKC", name).casefold()
