"""Human labels of the moderation log's actions, in one place for every kind of action.

An action missing here (added by another part of the moderation) shows its raw name.
"""

from app.i18n import _


def _labels() -> dict[str, str]:
    return {
        "post.flag": _("Post flagged"),
        "post.auto_flag": _("Post flagged by a watched word"),
        "post.auto_hide": _("Post hidden after flags"),
        "post.hold": _("Post held for approval"),
        "post.approve": _("Post approved"),
        "post.hide": _("Post hidden"),
        "post.restore": _("Post shown again"),
        "post.delete": _("Post deleted"),
        "post.undelete": _("Post restored"),
        "post.edit": _("Post edited by staff"),
        "post.warn": _("Author warned"),
        "topic.close": _("Topic closed"),
        "topic.reopen": _("Topic reopened"),
        "topic.pin": _("Topic pinned"),
        "topic.unpin": _("Topic unpinned"),
        "topic.archive": _("Topic archived"),
        "topic.unarchive": _("Topic taken out of the archive"),
        "topic.move": _("Topic moved"),
        "topic.edit": _("Topic title or tags changed"),
        "topic.slow_mode": _("Slow mode changed"),
        "topic.split": _("Posts split into a new topic"),
        "topic.merge": _("Topic merged"),
        "watched_word.add": _("Watched word added"),
        "watched_word.remove": _("Watched word removed"),
        "settings.update": _("Moderation settings changed"),
    }


def action_label(action: str) -> str:
    return _labels().get(action, action)


def known_actions() -> dict[str, str]:
    """Every labelled action, for the log's filter."""
    return _labels()


def target_kind_labels() -> dict[str, str]:
    return {
        "post": _("Post"),
        "topic": _("Topic"),
        "watched_word": _("Watched word"),
        "network": _("Network"),
        "member": _("Member"),
        "request": _("Request"),
    }
