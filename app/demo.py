"""A small French demo network, for `make run` on an empty database."""

import hashlib
import io
import tempfile
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import User
from app.documents import discussion, files, folders, revisions
from app.documents.models import Document, DocumentKind
from app.forum import categories as forum_categories
from app.forum import posting as forum_posting
from app.forum.demo import NO_LIMIT as FORUM_NO_LIMIT
from app.forum.demo import seed_forum
from app.networks import charter
from app.networks import service as networks_service
from app.networks.models import ContentVisibility, MembershipMode, Network, Role
from app.storage import FileStorage

DEMO_PASSWORD = "maillage-demo"  # noqa: S105  (a published demo password, for a local demo only)

PEOPLE = [
    # username, display name, trade, organisation, region, skills
    ("admin", "Administration Maillage", "Administrateur de la plateforme", "Maillage", "", []),
    ("claire", "Claire Martin", "RSSI", "Ministère de l'Intérieur", "Île-de-France", ["Gouvernance", "ISO 27001", "RGPD"]),
    ("bruno", "Bruno Lefèvre", "RSSI adjoint", "Ministère des Armées", "Bretagne", ["Gestion de crise", "EBIOS RM"]),
    ("karim", "Karim Benali", "Animateur de communauté", "DINUM", "Île-de-France", ["Animation", "Sensibilisation"]),
    ("lea", "Léa Dubois", "Chargée de sécurité", "Région Occitanie", "Occitanie", ["Sensibilisation", "RGPD"]),
    ("sophie", "Sophie Garcia", "RSSI", "CHU de Toulouse", "Occitanie", ["Sécurité hospitalière", "Gestion de crise"]),
    ("thomas", "Thomas Roux", "Ingénieur sécurité", "Toulouse Métropole", "Occitanie", ["Pentest", "Active Directory"]),
    ("amelie", "Amélie Petit", "DPO", "Département de l'Hérault", "Occitanie", ["RGPD", "Analyse d'impact"]),
]

NATIONAL_PURPOSE = """Le réseau national des responsables de la sécurité des systèmes d'information
du service public : partager les pratiques, s'entraider face aux incidents et préparer
ensemble les évolutions réglementaires (NIS 2, RGPD, référentiels de l'ANSSI)."""

REGIONAL_PURPOSE = """Le réseau régional des RSSI et DPO d'Occitanie : collectivités, hôpitaux
et services de l'État se retrouvent chaque trimestre et s'entraident entre deux rencontres."""

CHARTER = """# Charte du réseau

1. **Bienveillance.** Nous nous adressons les uns aux autres avec respect ; toutes les questions sont légitimes.
2. **Confidentialité.** Ce qui est partagé dans le réseau reste dans le réseau : pas de diffusion sans accord.
3. **Pas de données sensibles.** Aucun détail d'incident permettant d'identifier une victime ou une faille non corrigée.
4. **Entraide.** Celui qui trouve une réponse la partage ; celui qui pose une question dit ce qui a marché.
5. **Neutralité commerciale.** Pas de démarchage ni de promotion de produits.
"""


AGENDA = """**Date :** jeudi 15 janvier, 14 h – 17 h
**Lieu :** visioconférence (le lien arrive la veille)
**Animation :** Karim Benali

## Ordre du jour

1. Tour de table et nouvelles des services (20 min)
2. Retour d'expérience : l'exercice de crise cyber du CHU (30 min)
3. NIS 2 : où en sont nos plans de mise en conformité ? (45 min)
4. Questions diverses

## À préparer

- Lire la synthèse de l'exercice de crise (dans les fichiers partagés)
"""

MINUTES_FIRST = """**Date :** jeudi 11 décembre
**Présents :** Claire, Bruno, Karim, Léa
**Secrétaire de séance :** Léa

## Échanges

### 1. Sensibilisation

Chacun présente sa campagne de l'année. L'hameçonnage simulé reste l'outil le plus utile.

## Décisions

- Créer un kit commun de sensibilisation.

## Actions

| Quoi | Qui | Pour quand |
|---|---|---|
| Premier jet du kit | Léa | fin janvier |
"""

MINUTES_SECOND = MINUTES_FIRST.replace(
    "- Créer un kit commun de sensibilisation.",
    "- Créer un kit commun de sensibilisation.\n- Partager les indicateurs de clics des campagnes, anonymisés.",
).replace("| Premier jet du kit | Léa | fin janvier |", "| Premier jet du kit | Léa | fin janvier |\n| Modèle d'indicateurs | Bruno | mi-janvier |")

SHARED_NOTE = """Synthèse de l'exercice de crise cyber — CHU de Toulouse
Scénario : rançongiciel sur le système de gestion des rendez-vous.
Points forts : cellule de crise réunie en 40 minutes, fiches réflexes à jour.
À améliorer : annuaire de crise hors ligne, communication vers les patients.
"""


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with `lines` as real text (extractable, searchable)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    operations = ["BT", "/F1 12 Tf", "16 TL", "72 770 Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        operations.append(f"({escaped}) Tj T*")
    operations.append("ET")
    stream = DecodedStreamObject()
    stream.set_data("\n".join(operations).encode("cp1252", "replace"))
    page.replace_contents(stream)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _upload(session: Session, storage: FileStorage, *, actor: User, network: Network, folder, filename: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "upload"
        path.write_bytes(data)
        files.upload_file(
            session, storage=storage, actor=actor, network=network, folder=folder, source=path,
            filename=filename, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        )


def seed_documents(session: Session, storage: FileStorage, users: dict[str, User], network: Network) -> Document:
    """An agenda, minutes with two revisions, a PDF and a text file in the national network;
    returns the minutes."""
    meetings = folders.create_folder(session, actor=users["karim"], network=network, name="Réunions", parent=None)
    shared = folders.create_folder(session, actor=users["claire"], network=network, name="Retours d'expérience", parent=None)
    revisions.create_document(
        session, actor=users["karim"], network=network, folder=meetings, kind=DocumentKind.AGENDA,
        title="Ordre du jour — réunion du 15 janvier", body=AGENDA, comment="Proposition d'ordre du jour",
    )
    minutes = revisions.create_document(
        session, actor=users["lea"], network=network, folder=meetings, kind=DocumentKind.MINUTES,
        title="Compte rendu — réunion du 11 décembre", body=MINUTES_FIRST, comment="Notes prises en séance",
    )
    revisions.save_revision(
        session, actor=users["bruno"], document=minutes, base_number=1, title=minutes.title,
        body=MINUTES_SECOND, comment="Ajout de la décision sur les indicateurs",
    )
    _upload(
        session, storage, actor=users["sophie"], network=network, folder=shared,
        filename="Synthèse exercice de crise.pdf", data=make_pdf(SHARED_NOTE.splitlines()),
    )
    _upload(
        session, storage, actor=users["claire"], network=network, folder=shared,
        filename="Notes exercice de crise.txt", data=SHARED_NOTE.encode(),
    )
    return minutes


def seed_document_discussion(session: Session, users: dict[str, User], network: Network, minutes: Document) -> None:
    """The minutes' discussion, in the members' preparation section (made by the forum demo)."""
    section = forum_categories.get_category(session, network, "pilotage")
    topic = discussion.start_discussion(
        session, actor=users["lea"], document=minutes, category=section, title=minutes.title,
        body=discussion.opening_text(minutes.title, f"/n/{network.slug}/documents/{minutes.id}")
        + "\n\nRelisez la décision sur les indicateurs avant la prochaine réunion.",
        posts_per_window=FORUM_NO_LIMIT,
    )
    forum_posting.create_reply(
        session, actor=users["bruno"], topic=topic, reply_to=None, posts_per_window=FORUM_NO_LIMIT,
        body="J'ai ajouté la décision ; dites-moi si la formulation vous convient.",
    )


def database_is_empty(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(User)) == 0


def seed(session: Session, storage: FileStorage) -> None:
    """Add the demo accounts, two networks (one a regional sub-network), their charters,
    and a few documents and files (kept in `storage`)."""
    users: dict[str, User] = {}
    for username, name, trade, organisation, region, skills in PEOPLE:
        user = accounts_service.create_user(
            session,
            username=username,
            display_name=name,
            email=f"{username}@demo.maillage.localhost",
            password=DEMO_PASSWORD,
            is_site_admin=username == "admin",
        )
        accounts_service.update_profile(
            session, actor=user, display_name=name, trade=trade, organisation=organisation,
            region=region, bio="", skills=skills, locale=None,
        )
        users[username] = user

    national = networks_service.create_network(
        session, actor=users["admin"], name="Réseau national des RSSI publics", slug="rssi-public",
        purpose=NATIONAL_PURPOSE, membership_mode=MembershipMode.REQUEST,
        content_visibility=ContentVisibility.MEMBERS, pilot=users["claire"],
    )
    regional = networks_service.create_network(
        session, actor=users["admin"], name="RSSI et DPO d'Occitanie", slug="rssi-occitanie",
        purpose=REGIONAL_PURPOSE, membership_mode=MembershipMode.OPEN,
        content_visibility=ContentVisibility.PUBLIC, pilot=users["sophie"], parent=national,
    )
    session.flush()
    for network, roles in (
        (national, {"bruno": Role.COPILOT, "karim": Role.ANIMATOR, "lea": Role.MEMBER, "sophie": Role.MEMBER}),
        (regional, {"thomas": Role.ANIMATOR, "lea": Role.MEMBER, "amelie": Role.COPILOT}),
    ):
        for username, role in roles.items():
            networks_service.join_network(session, actor=users[username], network=network)
            session.flush()
            networks_service.set_role(session, network=network, member=users[username], role=role)
    for network, pilot in ((national, users["claire"]), (regional, users["sophie"])):
        charter.publish_charter(session, actor=pilot, network=network, body=CHARTER, comment="Première version")
        session.flush()
        for membership in networks_service.list_members(session, network):
            charter.accept_charter(session, actor=membership.user, network=network)
    networks_service.request_to_join(
        session, actor=users["amelie"], network=national,
        message="Bonjour, DPO dans l'Hérault, je souhaite rejoindre le réseau national.",
    )
    minutes = seed_documents(session, storage, users, national)
    seed_forum(session, users, national, regional)
    seed_document_discussion(session, users, national, minutes)
