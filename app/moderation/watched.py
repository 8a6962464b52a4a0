"""Watched words: words and simple patterns staff watch for in new topics, replies and edits.

Words are compared folded (accents removed, case folded with unicodedata), so "securite"
matches "Sécurité". A `*` stands for any letters: "arnaque*" matches "arnaques".
"""

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.errors import Conflict, Invalid, NotFound
from app.i18n import _
from app.moderation import log
from app.moderation.content_models import WatchedAction, WatchedWord
from app.networks.models import Network

WORD_MAX = 100
# Block before hold before flag: the strongest action found wins.
STRENGTH = (WatchedAction.BLOCK, WatchedAction.HOLD, WatchedAction.FLAG)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def pattern_for(word: str) -> re.Pattern[str]:
    """A folded word or pattern as a regex matching whole words of folded text."""
    parts = (re.escape(part) for part in word.split("*"))
    return re.compile(r"(?<!\w)" + r"\w*".join(parts) + r"(?!\w)")


@dataclass(frozen=True)
class Match:
    word: str
    action: WatchedAction


def find_match(session: Session, network_id: int, text: str) -> Match | None:
    """The strongest watched word of the network found in `text`, or None."""
    words = session.execute(
        select(WatchedWord.word, WatchedWord.action).where(WatchedWord.network_id == network_id)
    ).all()
    if not words:
        return None
    folded = fold(text)
    found = [Match(word, action) for word, action in words if pattern_for(word).search(folded)]
    if not found:
        return None
    return min(found, key=lambda match: (STRENGTH.index(match.action), match.word))


def list_words(session: Session, network: Network) -> list[WatchedWord]:
    return list(
        session.scalars(
            select(WatchedWord)
            .where(WatchedWord.network_id == network.id)
            .order_by(WatchedWord.word)
        )
    )


def get_word(session: Session, network: Network, word_id: int) -> WatchedWord:
    word = session.get(WatchedWord, word_id)
    if word is None or word.network_id != network.id:
        raise NotFound()
    return word


def _clean(word: str) -> str:
    word = fold(" ".join(word.split()))
    word = re.sub(r"\*+", "*", word)
    if not word or len(word) > WORD_MAX:
        raise Invalid(_("A watched word has 1 to %(n)s characters.", n=WORD_MAX), field="word")
    if not any(c.isalnum() for c in word):
        raise Invalid(_("A watched word needs at least one letter or digit."), field="word")
    return word


def add_word(
    session: Session, *, actor: User, network: Network, word: str, action: WatchedAction
) -> WatchedWord:
    """Watch `word` (folded) in the network. Assumes the policy allowed MODERATE.
    Raises Invalid for an empty or too long word, Conflict (already_watched) for a duplicate."""
    word = _clean(word)
    exists = session.scalar(
        select(WatchedWord.id).where(WatchedWord.network_id == network.id, WatchedWord.word == word)
    )
    if exists is not None:
        raise Conflict(_("“%(word)s” is already watched.", word=word), code="already_watched")
    watched = WatchedWord(
        network_id=network.id, word=word, action=WatchedAction(action), created_by_id=actor.id
    )
    session.add(watched)
    session.flush()  # its id goes into the log
    log.record(
        session,
        network=network,
        actor=actor,
        action="watched_word.add",
        target_kind="watched_word",
        target_id=watched.id,
        target_label=word,
        details={"action": watched.action.value},
    )
    return watched


def remove_word(session: Session, *, actor: User, network: Network, word: WatchedWord) -> None:
    """Stop watching `word`. Assumes the policy allowed MODERATE."""
    log.record(
        session,
        network=network,
        actor=actor,
        action="watched_word.remove",
        target_kind="watched_word",
        target_id=word.id,
        target_label=word.word,
        details={"action": word.action.value},
    )
    session.delete(word)
