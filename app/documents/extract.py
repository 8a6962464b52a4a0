"""Plain text out of uploaded files, for search: PDF, text formats, ODT and DOCX.

ODT and DOCX are zips of XML; their text is read with the standard library (no
small, well-kept package does only this). The bundled expat refuses entity-expansion
bombs and ElementTree never fetches external entities; reads are capped so a zip
bomb stops at the cap. Whatever fails to parse yields no text rather than an error:
the file itself was already accepted by its type check.
"""

import logging
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from pypdf import PdfReader

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 1_000_000
MAX_PDF_PAGES = 500
MAX_XML_BYTES = 50 * 1024 * 1024

_ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class _CappedReader:
    """A file-like view of a zip member that stops with an error past `limit` bytes."""

    def __init__(self, stream, limit: int) -> None:
        self.stream = stream
        self.left = limit

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size if size >= 0 else self.left + 1)
        self.left -= len(data)
        if self.left < 0:
            raise ValueError("decompressed XML larger than the cap")
        return data


def _pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    parts: list[str] = []
    length = 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        text = page.extract_text() or ""
        parts.append(text)
        length += len(text)
        if length > MAX_TEXT_CHARS:
            break
    return "\n".join(parts)


def _xml_paragraphs(path: Path, member: str, on_end) -> str:
    parts: list[str] = []
    with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
        for _event, element in ElementTree.iterparse(_CappedReader(raw, MAX_XML_BYTES), events=("end",)):
            on_end(element, parts)
    return "".join(parts)


def _odt_end(element, parts: list[str]) -> None:
    if element.tag in (f"{_ODF_TEXT}p", f"{_ODF_TEXT}h"):
        parts.append("".join(element.itertext()) + "\n")
        # Clearing keeps memory flat and stops an enclosing paragraph repeating this text.
        element.clear()


def _docx_end(element, parts: list[str]) -> None:
    if element.tag == f"{_WORD}t":
        parts.append(element.text or "")
    elif element.tag == f"{_WORD}tab":
        parts.append("\t")
    elif element.tag in (f"{_WORD}br", f"{_WORD}p"):
        parts.append("\n")
        element.clear()


def _text_file(path: Path, charset: str) -> str:
    with path.open("r", encoding=charset, errors="replace") as stream:
        return stream.read(MAX_TEXT_CHARS)


def extract_text(path: Path, content_type: str) -> str:
    """The searchable text of the file at `path`, at most MAX_TEXT_CHARS; "" when there is none."""
    mime, _sep, params = content_type.partition(";")
    try:
        if mime == "application/pdf":
            text = _pdf_text(path)
        elif mime.startswith("text/"):
            charset = params.strip().removeprefix("charset=") or "utf-8"
            text = _text_file(path, "utf-8-sig" if charset == "utf-8" else charset)
        elif mime == "application/vnd.oasis.opendocument.text":
            text = _xml_paragraphs(path, "content.xml", _odt_end)
        elif mime == "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
            text = _xml_paragraphs(path, "word/document.xml", _docx_end)
        else:
            return ""
    except Exception:
        log.warning("no text could be extracted from a %s upload", mime, exc_info=True)
        return ""
    return text.replace("\x00", "")[:MAX_TEXT_CHARS].strip()
