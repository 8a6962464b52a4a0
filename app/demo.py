"""A small French demo network, for `make run` on an empty database."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import User
from app.networks import charter
from app.networks import service as networks_service
from app.networks.models import ContentVisibility, MembershipMode, Role

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


def database_is_empty(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(User)) == 0


def seed(session: Session) -> None:
    """Add the demo accounts, two networks (one a regional sub-network) and their charters."""
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
