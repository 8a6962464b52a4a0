"""The forum part of the demo: sections, threaded discussions, an answer, an announcement."""

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.forum import categories, likes, posting, topic_state
from app.forum.models import PinScope, ReadAccess, TopicAccess
from app.networks.models import Network

# The demo writes many posts at once: no posting rate limit applies to it.
NO_LIMIT = 10_000


def seed_forum(session: Session, users: dict[str, User], national: Network, regional: Network) -> None:
    """Add sections and discussions to both demo networks."""
    news = categories.create_category(
        session, network=national, name="Annonces", slug="annonces", position=0,
        description="Les nouvelles du réseau, publiées par l'équipe d'animation.",
        colour="#8a3b12", topic_access=TopicAccess.STAFF,
    )
    questions = categories.create_category(
        session, network=national, name="Questions et entraide", slug="questions", position=1,
        description="Posez vos questions : le réseau répond.",
    )
    practices = categories.create_category(
        session, network=national, name="Pratiques et retours d'expérience", slug="pratiques",
        position=2, description="Ce qui a marché, ce qui n'a pas marché.", colour="#1f6b3a",
    )
    categories.create_category(
        session, network=national, name="Coulisses du pilotage", slug="pilotage", position=3,
        description="Réservé aux membres : préparation des rencontres.", read_access=ReadAccess.MEMBERS,
    )
    local = categories.create_category(
        session, network=regional, name="Entraide régionale", slug="entraide", position=0,
        description="Questions entre collègues d'Occitanie.",
    )

    welcome = posting.create_topic(
        session, actor=users["karim"], category=news, title="Bienvenue sur le nouvel espace du réseau",
        body="Bonjour à toutes et à tous,\n\nLe réseau quitte la liste de diffusion pour cet espace. "
        "Pensez à **accepter la charte** et à compléter votre profil (métier, compétences) : "
        "l'annuaire aide à trouver qui sait quoi.\n\nBonne découverte !",
        tags=["vie-du-reseau"], pin_scope=PinScope.NETWORK, is_announcement=True, posts_per_window=NO_LIMIT,
    )
    likes.like_post(session, actor=users["lea"], post=posting.get_post_by_number(session, welcome, 1))

    question = posting.create_topic(
        session, actor=users["lea"], category=questions,
        title="NIS 2 : comment avez-vous recensé vos « entités importantes » ?",
        body="Bonjour,\n\nNous devons établir la liste de nos activités concernées par NIS 2. "
        "Avez-vous une méthode ou un modèle de tableau à partager ?\n\nMerci d'avance.",
        tags=["nis2", "conformite"], posts_per_window=NO_LIMIT,
    )
    first = posting.get_post_by_number(session, question, 1)
    answer = posting.create_reply(
        session, actor=users["bruno"], topic=question, reply_to=first, posts_per_window=NO_LIMIT,
        body="Nous sommes partis de la cartographie des processus métiers, croisée avec l'annexe "
        "de la directive. Un tableur suffit : processus, service, criticité, dépendances.",
    )
    posting.create_reply(
        session, actor=users["claire"], topic=question, reply_to=answer, posts_per_window=NO_LIMIT,
        body='[quote="bruno, post:2, topic:%d"]\nUn tableur suffit : processus, service, criticité, '
        "dépendances.\n[/quote]\n\nMême approche chez nous ; ajoutez une colonne « sous-traitants », "
        "c'est ce que l'on nous a demandé en premier." % question.id,
    )
    posting.create_reply(
        session, actor=users["lea"], topic=question, reply_to=answer, posts_per_window=NO_LIMIT,
        body="Merci @bruno, c'est exactement ce qu'il me fallait. Je partage notre modèle une fois rempli.",
    )
    topic_state.mark_answered(session, topic=question, post=answer)
    likes.like_post(session, actor=users["lea"], post=answer)
    likes.like_post(session, actor=users["claire"], post=answer)

    exercise = posting.create_topic(
        session, actor=users["sophie"], category=practices,
        title="Retour d'expérience : exercice de crise rançongiciel",
        body="## Le scénario\n\nChiffrement du système de rendez-vous un vendredi soir.\n\n"
        "## Ce qui a marché\n\n- cellule de crise réunie en 40 minutes\n- fiches réflexes à jour\n\n"
        "## À améliorer\n\n- l'annuaire de crise hors ligne\n- la communication vers les patients",
        tags=["crise", "exercice"], posts_per_window=NO_LIMIT,
    )
    opening = posting.get_post_by_number(session, exercise, 1)
    posting.create_reply(
        session, actor=users["karim"], topic=exercise, reply_to=opening, posts_per_window=NO_LIMIT,
        body="Merci Sophie. Accepteriez-vous de le présenter à la prochaine rencontre ?",
    )
    posting.create_reply(
        session, actor=users["bruno"], topic=exercise, reply_to=opening, posts_per_window=NO_LIMIT,
        body="Pour l'annuaire hors ligne, nous imprimons une fiche par astreinte chaque trimestre.",
    )

    posting.create_topic(
        session, actor=users["thomas"], category=local,
        title="Durcissement Active Directory : vos priorités ?",
        body="Nous commençons un chantier de durcissement AD. Par quoi avez-vous commencé ?",
        tags=["active-directory"], posts_per_window=NO_LIMIT,
    )
    posting.send_message(
        session, actor=users["claire"], network=national, recipients=[users["karim"]],
        title="Préparation de la rencontre de décembre",
        body="Karim, peux-tu proposer l'ordre du jour d'ici vendredi ?", posts_per_window=NO_LIMIT,
    )
