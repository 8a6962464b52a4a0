"""Accepted types are judged by content, names are made safe, text is extracted for search."""

import zipfile

import pytest

from app.documents.extract import extract_text
from app.documents.filetypes import clean_filename, identify
from app.errors import Invalid
from tests import samples


def write(tmp_path, data: bytes, name: str = "upload"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("filename", "data", "content_type"),
    [
        ("rapport.pdf", samples.pdf(), "application/pdf"),
        ("photo.PNG", samples.png(), "image/png"),
        ("photo.jpg", samples.jpeg(), "image/jpeg"),
        ("photo.jpeg", samples.jpeg(), "image/jpeg"),
        ("photo.webp", samples.webp(), "image/webp"),
        ("notes.odt", samples.odt(["Bonjour"]), "application/vnd.oasis.opendocument.text"),
        ("notes.docx", samples.docx(["Bonjour"]), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("liste.csv", "nom;rôle\nLéa;membre\n".encode(), "text/csv; charset=utf-8"),
        ("export.csv", "nom;rôle\nLéa;membre\n".encode("cp1252"), "text/csv; charset=windows-1252"),
        ("lisez-moi.txt", b"plain text", "text/plain; charset=utf-8"),
        ("notes.md", b"# Titre\n", "text/markdown; charset=utf-8"),
    ],
)
def test_accepted_types(tmp_path, filename, data, content_type):
    assert identify(write(tmp_path, data), filename) == content_type


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("page.pdf", samples.HTML_PAGE, "file_type_mismatch"),
        ("image.pdf", samples.SVG_IMAGE, "file_type_mismatch"),
        ("image.png", samples.SVG_IMAGE, "file_type_mismatch"),
        ("image.svg", samples.SVG_IMAGE, "file_type_refused"),
        ("page.html", samples.HTML_PAGE, "file_type_refused"),
        ("programme.exe", b"MZ\x90\x00", "file_type_refused"),
        ("sans-extension", b"hello", "file_type_refused"),
        ("binaire.txt", b"\x00\x01\x02", "file_type_mismatch"),
        ("faux.odt", samples.odt(["x"], mimetype="application/vnd.oasis.opendocument.spreadsheet"), "file_type_mismatch"),
        ("faux.docx", samples.docx(["x"], main_type="application/xml"), "file_type_mismatch"),
        ("zip.docx", samples.odt(["x"]), "file_type_mismatch"),
        ("pas-un-zip.xlsx", samples.pdf(), "file_type_mismatch"),
    ],
)
def test_refused_types(tmp_path, filename, data, code):
    with pytest.raises(Invalid) as error:
        identify(write(tmp_path, data), filename)
    assert error.value.code == code
    assert error.value.message


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("rapport.pdf", "rapport.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("/etc/motd.txt", "motd.txt"),
        ("C:\\Users\\léa\\Bureau\\bilan.pdf", "bilan.pdf"),
        ("..\\..\\secret.md", "secret.md"),
        ("  beaucoup   d'espaces .pdf ", "beaucoup d'espaces .pdf"),
        (".cache.txt", "cache.txt"),
        ("Re\u0301sume\u0301.pdf", "Résumé.pdf"),
    ],
)
def test_names_lose_their_path(raw, clean):
    assert clean_filename(raw) == clean


@pytest.mark.parametrize(
    "raw",
    ["evil\x00.pdf", "line\nbreak.pdf", "gpj.\u202eexe.pdf", "..", "../", "   ", "a" * 197 + ".pdf"],
)
def test_bad_names_are_refused_with_a_message(raw):
    with pytest.raises(Invalid) as error:
        clean_filename(raw)
    assert error.value.code == "bad_filename"
    assert error.value.field == "file"


def test_text_is_extracted_from_every_text_bearing_type(tmp_path):
    assert "Ordre du jour" in extract_text(write(tmp_path, samples.pdf("Ordre du jour\nDeuxième point")), "application/pdf")
    assert extract_text(write(tmp_path, samples.odt(["Première ligne", "Seconde"])), "application/vnd.oasis.opendocument.text") == "Titre\nPremière ligne\nSeconde"
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert extract_text(write(tmp_path, samples.docx(["Un", "Deux"])), docx_type) == "Un\nDeux"
    assert extract_text(write(tmp_path, "é;è\n".encode("cp1252")), "text/csv; charset=windows-1252") == "é;è"
    assert extract_text(write(tmp_path, "\ufeff# Titre".encode()), "text/markdown; charset=utf-8") == "# Titre"
    assert extract_text(write(tmp_path, samples.png()), "image/png") == ""


def test_broken_or_hostile_files_yield_no_text_rather_than_an_error(tmp_path):
    assert extract_text(write(tmp_path, b"%PDF-1.4 garbage"), "application/pdf") == ""
    bomb = tmp_path / "bomb.odt"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", samples.ODT_MIMETYPE)
        archive.writestr(
            "content.xml",
            '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
            '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
            '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]><x>&h;</x>',
        )
    assert len(extract_text(bomb, "application/vnd.oasis.opendocument.text")) < 1_000_000
