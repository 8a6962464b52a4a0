"""Members, networks, their charters and memberships for the benchmark dataset."""

import random
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate

from app.accounts.models import User
from app.markup import render_markdown
from app.networks.models import (
    CharterVersion,
    ContentVisibility,
    Membership,
    MembershipMode,
    Network,
    Role,
)

BENCH_USERNAME = "banc"
# A published password for a throw-away benchmark database, never for a real one.
BENCH_PASSWORD = "banc-d-essai-maillage"  # noqa: S105

# slug, name, parent slug, content visibility, share of the members who join
NETWORKS = [
    ("rssi-public", "RSSI du service public", None, ContentVisibility.MEMBERS, 0.6),
    ("rssi-occitanie", "RSSI d'Occitanie", "rssi-public", ContentVisibility.PUBLIC, 0.3),
    ("dpo-collectivites", "DPO des collectivités", None, ContentVisibility.MEMBERS, 0.35),
    ("sante-numerique", "Sécurité numérique en santé", None, ContentVisibility.PUBLIC, 0.25),
]
CHARTER = """# Charte du réseau

1. **Bienveillance.** Toutes les questions sont légitimes.
2. **Confidentialité.** Ce qui est partagé dans le réseau reste dans le réseau.
3. **Entraide.** Celui qui trouve une réponse la partage.
"""
FIRST_NAMES = """Claire Bruno Karim Léa Sophie Thomas Amélie Julien Nadia Olivier Camille Hugo Inès
Marc Élodie Yann Fatima Pierre Chloé Antoine Manon Rachid Laure Vincent Anaïs Mathieu Sarah
Nicolas Émilie Samir Pauline Loïc Agathe Benoît Lina Fabrice Océane Damien Jeanne Romain""".split()
LAST_NAMES = """Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont
Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guerin Muller Henry""".split()
TRADES = [
    "RSSI",
    "RSSI adjoint",
    "DPO",
    "Ingénieur sécurité",
    "Chargée de sécurité",
    "DSI",
    "Administrateur systèmes",
    "Juriste",
    "Architecte",
    "Chef de projet",
]
ORGANISATIONS = [
    "Région Occitanie",
    "CHU de Toulouse",
    "Ministère de l'Intérieur",
    "DINUM",
    "Département de l'Hérault",
    "Toulouse Métropole",
    "Ville de Nantes",
    "ARS Bretagne",
    "Rectorat de Lyon",
    "CAF du Nord",
    "Préfecture du Rhône",
    "GHT Alpes",
]
REGIONS = [
    "Occitanie",
    "Île-de-France",
    "Bretagne",
    "Auvergne-Rhône-Alpes",
    "Hauts-de-France",
    "Nouvelle-Aquitaine",
    "Grand Est",
    "Normandie",
]
STAFF_ROLES = [Role.PILOT, Role.COPILOT, Role.ANIMATOR, Role.ANIMATOR]


@dataclass
class NetworkPlan:
    """What the forum and documents need to know of a seeded network."""

    id: int
    slug: str
    member_ids: list[int]
    staff_ids: list[int]
    # Cumulative weights over `member_ids`: a few members write most, as in real networks.
    cum_weights: list[float] = field(default_factory=list)

    def pick_member(self, rng: random.Random) -> int:
        return weighted_choice(rng, self.member_ids, self.cum_weights)


def weighted_choice(rng: random.Random, population: list, cum_weights: list[float]):
    """What `rng.choices(population, cum_weights=cum_weights)[0]` gives, for the same
    draw: choices() sets up a k-element list on each call, several times this cost."""
    point = rng.random() * cum_weights[-1]
    return population[bisect_right(cum_weights, point, 0, len(population) - 1)]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def seed_people(
    bulk, rng: random.Random, *, members: int, password_hash: str, start: datetime
) -> list[NetworkPlan]:
    """Insert `members` accounts (the first is BENCH_USERNAME, member of every network),
    the networks with their charter, and the memberships; returns the networks' plans."""
    user_ids = list(bulk.new_ids(User.__table__, members))
    users = []
    for index, user_id in enumerate(user_ids):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = BENCH_USERNAME if index == 0 else f"{_ascii(first)}.{_ascii(last)}{index}"
        users.append(
            {
                "id": user_id,
                "username": username,
                "display_name": f"{first} {last}",
                "email": f"{username}@banc.maillage.test",
                "password_hash": password_hash,
                "auth_version": 1,
                "is_site_admin": False,
                "created_at": start + timedelta(minutes=index),
                "last_seen_at": None,
                "trade": rng.choice(TRADES),
                "organisation": rng.choice(ORGANISATIONS),
                "region": rng.choice(REGIONS),
                "bio": "",
                "locale": None,
            }
        )
    bulk.insert(User.__table__, users)

    network_ids = dict(
        zip(
            (spec[0] for spec in NETWORKS),
            bulk.new_ids(Network.__table__, len(NETWORKS)),
            strict=True,
        )
    )
    charter_html = render_markdown(CHARTER)
    networks, charters, memberships = [], [], []
    plans = []
    for slug, name, parent, visibility, share in NETWORKS:
        network_id = network_ids[slug]
        purpose = (
            f"Le réseau « {name} » : partager les pratiques et s'entraider entre deux rencontres."
        )
        networks.append(
            {
                "id": network_id,
                "slug": slug,
                "name": name,
                "purpose": purpose,
                "purpose_html": render_markdown(purpose),
                "parent_id": network_ids.get(parent),
                "membership_mode": MembershipMode.REQUEST,
                "content_visibility": visibility,
                "charter_number": 1,
                "created_at": start,
            }
        )
        joined = [user_ids[0]] + [uid for uid in user_ids[1:] if rng.random() < share]
        staff = joined[1 : 1 + len(STAFF_ROLES)]
        charters.append(
            {
                "network_id": network_id,
                "number": 1,
                "body": CHARTER,
                "body_html": charter_html,
                "comment": "Première version",
                "author_id": staff[0] if staff else joined[0],
                "created_at": start,
            }
        )
        roles = dict(zip(staff, STAFF_ROLES, strict=False))
        for user_id in joined:
            memberships.append(
                {
                    "network_id": network_id,
                    "user_id": user_id,
                    "role": roles.get(user_id, Role.MEMBER),
                    "joined_at": start,
                    "charter_accepted_number": 1,
                    "charter_accepted_at": start,
                }
            )
        shuffled = joined[:]
        rng.shuffle(shuffled)
        plans.append(
            NetworkPlan(
                id=network_id,
                slug=slug,
                member_ids=shuffled,
                staff_ids=staff,
                cum_weights=list(
                    accumulate(1.0 / (rank + 1) ** 0.8 for rank in range(len(shuffled)))
                ),
            )
        )
    bulk.insert(Network.__table__, networks)
    bulk.insert(CharterVersion.__table__, charters)
    bulk.insert(Membership.__table__, memberships)
    return plans
