"""Deterministic French text for the benchmark dataset: the vocabulary of the networks
Maillage serves (security, data protection, public services), with a few English
terms and identifiers, drawn with Zipf-like frequencies so common words are common
and rare words rare, as in real exchanges.
"""

import random

COMMON = """réseau sécurité données système service équipe projet question réponse retour
expérience pratique incident crise utilisateur agent collectivité hôpital ministère région
outil solution besoin mise place suivi réunion échange partage document note procédure
politique règle contrôle accès compte mot passe authentification messagerie serveur poste
travail sauvegarde restauration mise jour correctif vulnérabilité risque analyse menace
attaque rançongiciel hameçonnage sensibilisation formation exercice plan continuité
activité audit conformité référentiel norme certification prestataire contrat marché
budget direction responsable délégué protection traitement registre consentement
violation notification autorité délai mois semaine année trimestre rapport tableau
indicateur pilotage gouvernance comité instance décision validation arbitrage priorité""".split()

RARE = """homologation cartographie journalisation supervision segmentation cloisonnement
chiffrement pseudonymisation anonymisation durcissement bastion annuaire habilitation
révocation sous-traitant hébergement souveraineté interconnexion résilience redondance
basculement astreinte escalade qualification remédiation investigation forensique
signalement dépôt plainte cyberassurance gestionnaire télétravail nomadisme mobilité
tablette smartphone imprimante badge vidéoprotection biométrie téléservice dématérialisation
archivage horodatage signature électronique certificat messagerie sécurisée partenaire
fournisseur éditeur logiciel progiciel migration infogérance réversibilité exploitabilité
maintenance obsolescence inventaire dépendance bibliothèque code source développement
recette préproduction production déploiement automatisation orchestration conteneur""".split()

ENGLISH = """cloud backup firewall endpoint phishing ransomware patch cluster kubernetes
upgrade logging monitoring dashboard token workflow incident response playbook threat
intelligence zero trust identity provider single sign-on""".split()

IDENTIFIERS = [
    "RGPD-2024",
    "NIS-2",
    "ISO-27001",
    "CVE-2024-3094",
    "CVE-2023-4966",
    "EBIOS-RM",
    "PSSI-2025",
    "SecNumCloud",
    "ANSSI-PG-078",
    "v2.1",
    "HDS-2018",
]

GLUE = """le la les un une des du de à au aux et ou mais donc pour par avec sans sur sous
dans entre vers chez nous vous ils elles on qui que dont où ce cette ces notre votre leur
est sont a ont été faut peut doit avons avez pas plus très bien aussi encore déjà""".split()

OPENINGS = [
    "Bonjour à tous,",
    "Bonjour,",
    "Merci pour ce retour.",
    "Question rapide :",
    "Pour compléter,",
    "Chez nous,",
    "De notre côté,",
    "Bonne remarque.",
    "Je confirme :",
]
CLOSINGS = [
    "Merci d'avance.",
    "Bonne journée.",
    "Qu'en pensez-vous ?",
    "À suivre.",
    "Je peux partager notre modèle.",
    "Disponible pour en parler.",
    "",
]


def _zipf_weights(count: int) -> list[float]:
    return [1.0 / (rank + 1) for rank in range(count)]


class TextGenerator:
    """Titles and bodies from one seeded random source, so a seed gives the same data."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)  # noqa: S311  (reproducible data, not secrets)
        self.words = COMMON + RARE + ENGLISH
        self.weights = _zipf_weights(len(self.words))

    def _content_words(self, count: int) -> list[str]:
        return self.random.choices(self.words, weights=self.weights, k=count)

    def sentence(self) -> str:
        length = self.random.randint(6, 16)
        content = self._content_words(length // 2 + 1)
        words: list[str] = []
        for word in content:
            words.append(self.random.choice(GLUE))
            words.append(word)
        if self.random.random() < 0.08:
            words.insert(self.random.randrange(len(words)), self.random.choice(IDENTIFIERS))
        sentence = " ".join(words)
        return sentence[0].upper() + sentence[1:] + self.random.choice(".....?!")

    def title(self) -> str:
        words = self._content_words(self.random.randint(3, 7))
        title = " ".join(words)
        return title[0].upper() + title[1:]

    def body(self, sentences: tuple[int, int] = (2, 9)) -> str:
        paragraphs = []
        count = self.random.randint(*sentences)
        parts = [self.random.choice(OPENINGS)] + [self.sentence() for _ in range(count)]
        parts.append(self.random.choice(CLOSINGS))
        for start in range(0, len(parts), 4):
            paragraphs.append(" ".join(part for part in parts[start : start + 4] if part))
        return "\n\n".join(paragraphs)
