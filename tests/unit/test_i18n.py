"""The French catalogue covers every English message, and each request gets its language.

The catalogue checks extract the messages the way `make messages` does (babel.cfg), so
code that adds an English text without its French translation fails here, with the list
of what is missing.
"""

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from app import i18n

ROOT = Path(__file__).resolve().parents[2]
FRENCH_PO = i18n.CATALOGUE_DIR / "fr" / "LC_MESSAGES" / "messages.po"
REFRESH_HINT = (
    "Run `make messages`, then translate them in app/translations/fr/LC_MESSAGES/messages.po."
)

PLACEHOLDER = re.compile(r"%\((\w+)\)")
NBSP = "\u00a0"
# French typography: a non-breaking space before : ; ! ? and » and after «
# (a colon between digits, as in 14:30, or in ://, needs none).
MISSING_NBSP = re.compile(r"(?<!\u00a0)[;!?»]|(?<![\u00a0\d]):(?!//)|«(?!\u00a0)")


@cache
def source_messages() -> dict[str | tuple[str, ...], list[str]]:
    """Every message id in the code and templates, with where it is used."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    searched_roots = {pattern.split("/")[0] for pattern, _method in method_map}

    def directory_filter(path: str) -> bool:
        relative = Path(path).relative_to(ROOT)
        return (
            relative.parts[0] in searched_roots
            and not relative.name.startswith(".")
            and relative.name != "__pycache__"
        )

    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, directory_filter=directory_filter
    ):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


@cache
def french_catalogue() -> Catalog:
    with FRENCH_PO.open("rb") as po_file:
        return read_po(po_file, locale="fr")


def translated_pairs():
    """(English forms, French forms) of every translated message of the catalogue."""
    for message in french_catalogue():
        if not message.id or not message.string:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        french = message.string if isinstance(message.string, tuple) else (message.string,)
        yield english, french


def formats_with(text: str, names: set[str]) -> bool:
    """Whether `text % {names}` works and uses only named placeholders."""
    unescaped = text.replace("%%", "")
    if unescaped.count("%") != unescaped.count("%("):
        return False
    try:
        text % dict.fromkeys(names, "x")
    except (KeyError, ValueError, TypeError):
        return False
    return True


@pytest.fixture(autouse=True)
def french_by_default(settings):
    """The product's default, which the rest of the suite sets to English."""
    settings.language = "fr"


@pytest.fixture
def language():
    """Restores the language of the test's context after a test changed it."""
    before = i18n.get_language()
    yield i18n.set_language
    i18n.set_language(before)


def test_the_extraction_finds_python_and_template_messages():
    places = {place.split(":")[0] for places in source_messages().values() for place in places}
    assert any(place.startswith("app/") and place.endswith(".py") for place in places)
    assert any(place.startswith("templates/") for place in places)
    assert any(place.startswith("templates/_macros/") for place in places), "_folders are searched"
    assert any(isinstance(message, tuple) for message in source_messages()), "ngettext is extracted"


def is_translated(message: str | tuple[str, ...]) -> bool:
    plural = isinstance(message, tuple)
    entry = french_catalogue().get(message[0] if plural else message)
    if entry is None or entry.fuzzy or isinstance(entry.id, tuple) != plural:
        return False
    return all(entry.string) if plural else bool(entry.string)


def test_every_message_has_a_french_translation():
    missing = [
        f"{message!r}  ({places[0]})"
        for message, places in sorted(source_messages().items(), key=lambda item: str(item[0]))
        if not is_translated(message)
    ]
    assert not missing, "\n".join(
        [f"{len(missing)} message(s) without a French translation:", *missing, REFRESH_HINT]
    )


def test_translations_keep_the_placeholders_of_their_message():
    wrong = []
    for english, french in translated_pairs():
        names = set().union(*(PLACEHOLDER.findall(form) for form in english))
        if not all(formats_with(form, names) for form in english):
            continue  # a Python message without variables is never %-formatted
        # Every form may use the message's names; the last (plural) form needs all of its own.
        plural_names = set(PLACEHOLDER.findall(english[-1]))
        for index, form in enumerate(french):
            used = set(PLACEHOLDER.findall(form))
            lacks_plural_names = index == len(french) - 1 and used != plural_names
            if not used <= names or lacks_plural_names or not formats_with(form, names):
                wrong.append(f"{english[0]!r} -> {form!r}")
    assert not wrong, "\n".join(["placeholders differ from the message's:", *wrong])


def test_french_plural_forms_use_the_singular_for_zero_and_one(language):
    assert french_catalogue().plural_forms == "nplurals=2; plural=(n > 1);"
    english, french = next((e, f) for e, f in translated_pairs() if len(e) == 2)
    language("fr")
    assert i18n.ngettext(*english, 0) == french[0] % {"num": 0}
    assert i18n.ngettext(*english, 1) == french[0] % {"num": 1}
    assert i18n.ngettext(*english, 2) == french[1] % {"num": 2}
    language("en")
    assert i18n.ngettext(*english, 2) == english[1] % {"num": 2}


def test_french_translations_follow_french_typography():
    wrong = []
    for _english, french in translated_pairs():
        for form in french:
            text = PLACEHOLDER.sub("x", form)
            if MISSING_NBSP.search(text) or '"' in text or " " + NBSP in text:
                wrong.append(repr(form))
    assert not wrong, (
        "French wants a non-breaking space (U+00A0) before : ; ! ? » and after «, "
        "and « » rather than straight quotes:\n" + "\n".join(wrong)
    )


def test_the_home_page_is_in_french_by_default(client):
    response = client.get("/")
    assert response.headers["content-language"] == "fr"
    assert '<html lang="fr">' in response.text
    assert ">Réseaux<" in response.text
    assert "Se connecter" in response.text
    assert "Sign in" not in response.text


def test_accept_language_english_gives_the_english_interface(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.headers["content-language"] == "en"
    assert '<html lang="en">' in response.text
    assert ">Networks<" in response.text
    assert "Sign in" in response.text
    assert "Réseaux" not in response.text


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-DE, en;q=0.8, fr;q=0.5", "en"),
        ("en;q=0.4, fr-FR;q=0.9", "fr"),
        ("de, es", "fr"),
        ("en;q=bad, fr;q=0.1", "fr"),
    ],
)
def test_accept_language_picks_the_best_language_we_have(client, header, expected):
    response = client.get("/", headers={"Accept-Language": header})
    assert response.headers["content-language"] == expected


def test_messages_from_python_code_follow_the_request_language(client):
    form = {"login": "nobody", "password": "not the password"}
    french = client.post_form("/login", form)
    assert french.status_code == 422
    assert "Identifiant, adresse e-mail ou mot de passe incorrect." in french.text
    english = client.post_form("/login", form, headers={"Accept-Language": "en"})
    assert "Wrong username, email or password." in english.text


def test_error_pages_follow_the_request_language(client):
    french = client.get("/n/no-such-network")
    assert french.status_code == 404
    assert "Page introuvable" in french.text
    english = client.get("/n/no-such-network", headers={"Accept-Language": "en"})
    assert english.status_code == 404
    assert "Page not found" in english.text


def test_the_language_switch_sets_a_cookie_that_wins_over_accept_language(client):
    switched = client.post_form("/language", {"language": "en", "next": "/login"})
    assert switched.status_code == 303
    assert switched.headers["location"] == "/login"
    assert client.cookies.get("lang") == "en"
    assert "Sign in" in client.get("/", headers={"Accept-Language": "fr"}).text

    client.post_form("/language", {"language": "fr", "next": "/"})
    page = client.get("/", headers={"Accept-Language": "en"})
    assert page.headers["content-language"] == "fr"
    assert ">Réseaux<" in page.text


def test_an_unknown_language_in_the_cookie_falls_back_to_accept_language(client):
    client.cookies.set("lang", "xx")
    assert client.get("/", headers={"Accept-Language": "en"}).headers["content-language"] == "en"
