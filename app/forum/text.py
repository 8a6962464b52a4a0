"""Turning what members type into slugs, tag names and plain excerpts."""

import re
import unicodedata

from app.errors import Invalid
from app.i18n import _

SLUG_LENGTH = 80
TAG_LENGTH = 30
MAX_TAGS = 5
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_TAG = re.compile(r"^[\w-]+$")
_SEPARATORS = re.compile(r"[,;\n]+")
_SPACES = re.compile(r"\s+")
_MARKDOWN_NOISE = re.compile(r"(\[/?quote[^\]]*\]|[*_`#>~|]+|!?\[([^\]]*)\]\([^)]*\))")


def slugify(title: str) -> str:
    """An ASCII slug for addresses ("Sécurité : NIS 2" -> "securite-nis-2"), never empty."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    slug = _NOT_SLUG.sub("-", ascii_title).strip("-")[:SLUG_LENGTH].strip("-")
    return slug or "topic"


def parse_tags(text: str | list[str]) -> list[str]:
    """Normalised tag names from "RGPD, gestion de crise" or a list: lowercase, dashes for spaces.

    Raises Invalid (field "tags") for a tag with other characters, too long, or too many tags.
    """
    items = text if isinstance(text, list) else _SEPARATORS.split(text)
    tags: list[str] = []
    for item in items:
        name = _SPACES.sub("-", item.strip().lower())
        if not name:
            continue
        if len(name) > TAG_LENGTH:
            raise Invalid(_("A tag has at most %(n)s characters.", n=TAG_LENGTH), field="tags")
        if not _TAG.fullmatch(name):
            raise Invalid(_("Tags use only letters, digits and dashes."), field="tags")
        if name not in tags:
            tags.append(name)
    if len(tags) > MAX_TAGS:
        raise Invalid(_("At most %(n)s tags.", n=MAX_TAGS), field="tags")
    return tags


def excerpt(source: str, length: int = 280) -> str:
    """Plain text from Markdown source, for notifications and lists."""
    text = _MARKDOWN_NOISE.sub(lambda m: m.group(2) or " ", source)
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
