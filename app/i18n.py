"""Translations: French by default, English available.

Message ids are English; the French catalogue is a .po file compiled in memory at
start-up, so the repository holds no generated binaries. The translation for the
current request lives in a context variable set by the web layer, so services and
templates translate with the same `gettext`.
"""

from contextvars import ContextVar
from functools import lru_cache
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("fr", "en")
CATALOGUE_DIR = Path(__file__).parent / "translations"

_current_language: ContextVar[str] = ContextVar("language", default="fr")


@lru_cache
def translations_for(language: str) -> NullTranslations:
    po_path = CATALOGUE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def set_language(language: str) -> None:
    _current_language.set(language if language in LANGUAGES else LANGUAGES[0])


def get_language() -> str:
    return _current_language.get()


def get_locale() -> Locale:
    return Locale.parse(get_language())


def gettext(message: str, /, **variables) -> str:
    text = translations_for(get_language()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, /, **variables) -> str:
    text = translations_for(get_language()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


def negotiate(accept_language: str | None, default: str) -> str:
    """The best of our languages for an Accept-Language header."""
    if not accept_language:
        return default
    preferences = []
    for part in accept_language.split(","):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        preferences.append((quality, tag.strip().lower()[:2]))
    for _quality, language in sorted(preferences, key=lambda item: -item[0]):
        if language in LANGUAGES:
            return language
    return default
