"""Co-authored documents in Chromium: two members edit the same text, one resolves the
conflict, the diff is read inline and side by side, an old revision is restored, and
the document gets its discussion topic. Screenshots at desktop and phone widths."""

import re

import pytest
from playwright.sync_api import expect

from app.networks.models import ContentVisibility, MembershipMode
from tests.browser.live import PHONE

pytestmark = pytest.mark.browser

FIRST = (
    "# Compte rendu du 15 janvier\n\nPrésents : Léa, Bruno, Karim.\n\n"
    "## Incidents\n\nDeux incidents de messagerie.\n\n## Décisions\n\nAucune décision.\n"
)
SAVE = re.compile("^(Enregistrer|Save)$")


def _save(page) -> None:
    page.get_by_role("button", name=SAVE).click()


def test_two_members_edit_resolve_a_conflict_diff_and_revert(
    live_server, new_context, sign_in, screenshot
):
    seed = live_server.seed
    lea_user = seed.user("lea", display_name="Léa Dubois")
    bruno_user = seed.user("bruno", display_name="Bruno Lefèvre")
    network = seed.network(
        pilot=lea_user,
        name="Réseau des RSSI du Sud",
        purpose="Entraide.",
        membership_mode=MembershipMode.OPEN,
        content_visibility=ContentVisibility.MEMBERS,
    )
    seed.join(bruno_user, network)
    category = seed.category(network, "Réunions")

    lea = new_context().new_page()
    sign_in(lea, lea_user)
    lea.goto(f"/n/{network.slug}/documents/new?kind=minutes")
    lea.fill("#title", "Compte rendu du 15 janvier")
    lea.fill("#body", FIRST)
    lea.get_by_role("button", name=re.compile("Créer le document|Create the document")).click()
    expect(lea.locator("#document-title")).to_have_text("Compte rendu du 15 janvier")
    document_url = lea.url

    # Both open the editor on revision 1.
    bruno = new_context().new_page()
    sign_in(bruno, bruno_user)
    bruno.goto(f"{document_url}/edit")
    lea.goto(f"{document_url}/edit")

    # The live preview follows the typing (htmx), without a button.
    lea.fill("#body", FIRST.replace("Aucune décision.", "Adopter la **double authentification**."))
    expect(lea.locator("#preview strong")).to_have_text("double authentification")
    lea.fill("#comment", "Décision ajoutée")
    _save(lea)
    expect(lea.locator(".document-body")).to_contain_text("Adopter la double authentification.")

    # Bruno changed the same line from the same base: the editor comes back with the conflict.
    bruno.fill("#body", FIRST.replace("Aucune décision.", "Reporter la décision à février."))
    _save(bruno)
    expect(bruno.locator(".conflict")).to_be_visible()
    expect(bruno.locator("#conflict-theirs")).to_contain_text("double authentification")
    expect(bruno.locator("#conflict-mine")).to_contain_text("Reporter la décision")
    expect(bruno.locator("#body")).to_have_value(re.compile(r"<<<<<<<[\s\S]*=======[\s\S]*>>>>>>>"))
    screenshot(bruno, "documents-conflict")

    # Saving with the markers still in is refused; resolving them saves revision 3.
    _save(bruno)
    expect(bruno.locator("#body-error")).to_contain_text("<<<<<<<")
    bruno.fill(
        "#body",
        FIRST.replace(
            "Aucune décision.", "Adopter la **double authentification**, avec un bilan en février."
        ),
    )
    bruno.fill("#comment", "Conflit résolu")
    _save(bruno)
    body = bruno.locator(".document-body")
    expect(body).to_contain_text("avec un bilan en février")
    expect(bruno.locator(".contributors li")).to_have_count(2)
    screenshot(bruno, "documents-document")

    # History, then the diff between revisions 1 and 3: inline, then side by side.
    bruno.get_by_role("link", name=re.compile("^(Historique|History)$")).click()
    expect(bruno.locator(".history-table tbody tr")).to_have_count(3)
    bruno.check("#revision-1 input[name=from]")
    bruno.check("#revision-3 input[name=to]")
    bruno.get_by_role("button", name=re.compile("Comparer|Compare")).click()
    diff = bruno.locator("#diff")
    expect(diff).to_have_class(re.compile("diff-inline"))
    expect(diff.locator(".diff-delete")).to_contain_text("Aucune décision.")
    expect(diff.locator(".diff-insert")).to_contain_text("bilan en février")
    expect(diff.locator(".diff-insert ins").first).to_be_visible()
    screenshot(bruno, "documents-diff-inline")
    bruno.get_by_role("link", name=re.compile("Côte à côte|Side by side")).click()
    expect(bruno.locator("#diff")).to_have_class(re.compile("diff-side"))
    expect(bruno).to_have_url(re.compile(r"view=side"))
    expect(bruno.locator(".diff-views a[aria-current=page]")).to_have_text(
        re.compile("Côte à côte|Side by side")
    )
    expect(bruno.locator("#diff thead")).to_contain_text("3")
    screenshot(bruno, "documents-diff-side")

    # Léa restores revision 1: a new revision 4 with the first text, history kept.
    lea.goto(f"{document_url}/r/1")
    lea.fill("#revert-comment", "Retour au texte de séance")
    lea.get_by_role(
        "button", name=re.compile("Restaurer cette révision|Restore this revision")
    ).click()
    expect(lea.locator(".document-body")).to_contain_text("Aucune décision.")
    expect(lea.locator(".last-change")).to_contain_text("4")
    lea.goto(f"{document_url}/history")
    expect(lea.locator(".history-table tbody tr")).to_have_count(4)
    expect(lea.locator("#revision-4")).to_contain_text("1")

    # The document gets its discussion; the topic links back.
    lea.goto(document_url)
    lea.get_by_role("link", name=re.compile("Lancer une discussion|Start a discussion")).click()
    lea.select_option("#category", category)
    lea.get_by_role("button", name=re.compile("Publier le sujet|Publish the topic")).click()
    expect(lea).to_have_url(re.compile(r"/t/"))
    back = lea.locator(".topic-document a")
    expect(back).to_have_text("Compte rendu du 15 janvier")
    back.click()
    expect(lea.locator(".document-discussion a")).to_be_visible()
    screenshot(lea, "documents-document-with-discussion")


def test_document_pages_on_a_phone(live_server, new_context, sign_in, screenshot):
    seed = live_server.seed
    author = seed.user("auteur", display_name="Aline Autrice")
    network = seed.network(pilot=author, name="Réseau mobile", purpose="Entraide.")
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, author)
    page.goto(f"/n/{network.slug}/documents/new?kind=agenda")
    page.fill("#title", "Ordre du jour de la réunion de printemps")
    page.get_by_role("button", name=re.compile("Créer le document|Create the document")).click()
    document_url = page.url
    page.goto(f"{document_url}/edit")
    page.fill(
        "#body",
        page.input_value("#body")
        + "\n## Point ajouté\n\nUne ligne bien plus longue que la largeur d'un téléphone, "
        "pour voir les retours à la ligne.\n",
    )
    _save(page)
    screenshot(page, "documents-document-phone")
    page.goto(f"{document_url}/diff?from=1&to=2&view=side")
    expect(page.locator("#diff")).to_have_class(re.compile("diff-side"))
    screenshot(page, "documents-diff-side-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"
    page.goto(f"{document_url}/edit")
    screenshot(page, "documents-edit-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
