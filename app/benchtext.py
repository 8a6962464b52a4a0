"""Deterministic French text for the benchmark dataset: the vocabulary of the networks
Maillage serves (security, data protection, public services), with a few English
terms and identifiers, drawn with Zipf-like frequencies so common words are common
and rare words rare, as in real exchanges.
"""

import random
from itertools import accumulate

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


# Content words per sentence, each after a glue word: sentences of 8 to 18 words.
SENTENCE_SIZES = range(4, 10)
ENDINGS = ".....?!"
IDENTIFIER_SHARE = 0.08


def _zipf_cumulative_weights(count: int) -> list[float]:
    # Cumulative once here: `choices` would otherwise add the weights up on every call.
    return list(accumulate(1.0 / (rank + 1) for rank in range(count)))


class TextGenerator:
    """Titles and bodies from one seeded random source, so a seed gives the same data."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)  # noqa: S311  (reproducible data, not secrets)
        self.words = COMMON + RARE + ENGLISH
        self.cum_weights = _zipf_cumulative_weights(len(self.words))
        self.pool: list[str] = []

    def use_sentence_pool(self, size: int) -> None:
        """From now on, draw sentences from `size` sentences made here at once.

        Making each sentence afresh costs about five times more than the database
        insert of the post that holds it; a pool keeps the words' frequencies (and so
        the search index's shape) while each sentence recurs about (sentences drawn /
        `size`) times, as stock phrases do in real exchanges.
        """
        self.pool = self._fresh_sentences(size)

    def _content_words(self, count: int) -> list[str]:
        return self.random.choices(self.words, cum_weights=self.cum_weights, k=count)

    def sentences(self, count: int) -> list[str]:
        if self.pool:
            return self.random.choices(self.pool, k=count)
        return self._fresh_sentences(count)

    def _fresh_sentences(self, count: int) -> list[str]:
        """`count` sentences of 8 to 18 words, drawn together: a draw per word would cost
        several times more."""
        draw = self.random
        sizes = draw.choices(SENTENCE_SIZES, k=count)
        total = sum(sizes)
        # Glue and content words alternate: "le réseau de sécurité pour ...".
        words = [""] * (2 * total)
        words[0::2] = draw.choices(GLUE, k=total)
        words[1::2] = draw.choices(self.words, cum_weights=self.cum_weights, k=total)
        endings = draw.choices(ENDINGS, k=count)
        result = []
        start = 0
        for size, ending in zip(sizes, endings, strict=True):
            sentence_words = words[start : start + 2 * size]
            start += 2 * size
            if draw.random() < IDENTIFIER_SHARE:
                position = draw.randrange(len(sentence_words))
                sentence_words.insert(position, draw.choice(IDENTIFIERS))
            sentence = " ".join(sentence_words)
            result.append(sentence[0].upper() + sentence[1:] + ending)
        return result

    def sentence(self) -> str:
        return self.sentences(1)[0]

    def title(self) -> str:
        words = self._content_words(self.random.randint(3, 7))
        title = " ".join(words)
        return title[0].upper() + title[1:]

    def body(self, sentences: tuple[int, int] = (2, 9)) -> str:
        """Paragraphs of up to four sentences, separated by blank lines, none empty."""
        # One random() per draw: randint() and choice() cost several times more, per post.
        draw = self.random.random
        low, high = sentences
        parts = [OPENINGS[int(draw() * len(OPENINGS))]]
        parts += self.sentences(low + int(draw() * (high - low + 1)))
        closing = CLOSINGS[int(draw() * len(CLOSINGS))]
        if closing:
            parts.append(closing)
        return "\n\n".join(" ".join(parts[start : start + 4]) for start in range(0, len(parts), 4))
