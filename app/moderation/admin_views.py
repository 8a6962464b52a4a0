"""HTML pages of a network's moderation set-up: watched words, settings, and the log."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app import policy
from app.errors import DomainError
from app.i18n import _
from app.moderation import labels, log_reading, settings, watched
from app.moderation.content_models import WatchedAction
from app.moderation.schemas import LogFilter, SettingsForm, WordCreate
from app.moderation.web import load_moderated_network
from app.networks import service as networks_service
from app.policy import Action
from app.web.deps import DbSession, Viewer
from app.web.forms import FormResult, form_parser
from app.web.render import flash, redirect, render

router = APIRouter()


def watched_action_labels() -> dict[str, str]:
    return {
        WatchedAction.BLOCK: _("Refuse the post"),
        WatchedAction.HOLD: _("Hold for approval"),
        WatchedAction.FLAG: _("Flag for review"),
    }


def _words_context(db, network, form) -> dict:
    return {
        "network": network,
        "active_tab": "moderation",
        "words": watched.list_words(db, network),
        "form": form,
        "action_labels": watched_action_labels(),
    }


@router.get("/n/{slug}/moderation/words", name="moderation_words")
def words_page(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = load_moderated_network(db, viewer, slug)
    form = FormResult(values={"action": WatchedAction.HOLD.value})
    return render(request, "moderation/words.html", _words_context(db, network, form))


@router.post("/n/{slug}/moderation/words")
def word_add(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[WordCreate], Depends(form_parser(WordCreate))],
) -> Response:
    network = load_moderated_network(db, viewer, slug)
    status = 422
    if form.ok:
        try:
            word = watched.add_word(
                db, actor=viewer.user, network=network, word=form.data.word, action=form.data.action
            )
        except DomainError as error:
            form.add_error(error)
            status = error.status_code
        else:
            db.commit()
            flash(request, _("“%(word)s” is now watched.", word=word.word))
            return redirect(
                request, str(request.url_for("moderation_words", slug=network.slug).path)
            )
    db.rollback()
    return render(
        request, "moderation/words.html", _words_context(db, network, form), status_code=status
    )


@router.post("/n/{slug}/moderation/words/{word_id:int}/delete", name="moderation_word_delete")
def word_delete(request: Request, slug: str, word_id: int, db: DbSession, viewer: Viewer):
    network = load_moderated_network(db, viewer, slug)
    word = watched.get_word(db, network, word_id)
    text = word.word
    watched.remove_word(db, actor=viewer.user, network=network, word=word)
    db.commit()
    flash(request, _("“%(word)s” is no longer watched.", word=text))
    return redirect(request, str(request.url_for("moderation_words", slug=network.slug).path))


def _settings_context(network, form) -> dict:
    return {"network": network, "active_tab": "moderation", "form": form}


@router.get("/n/{slug}/moderation/settings", name="moderation_settings")
def settings_page(request: Request, slug: str, db: DbSession, viewer: Viewer) -> Response:
    network = load_moderated_network(db, viewer, slug)
    current = settings.get_settings(db, network)
    values = {
        "flags_to_hide": str(current.flags_to_hide),
        "new_member_hold": str(current.new_member_hold),
    }
    return render(
        request, "moderation/settings.html", _settings_context(network, FormResult(values=values))
    )


@router.post("/n/{slug}/moderation/settings")
def settings_save(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[SettingsForm], Depends(form_parser(SettingsForm))],
) -> Response:
    network = load_moderated_network(db, viewer, slug)
    if form.ok:
        settings.update_settings(
            db,
            actor=viewer.user,
            network=network,
            flags_to_hide=form.data.flags_to_hide,
            new_member_hold=form.data.new_member_hold,
        )
        db.commit()
        flash(request, _("The moderation settings have been saved."))
        return redirect(
            request, str(request.url_for("moderation_settings", slug=network.slug).path)
        )
    return render(
        request, "moderation/settings.html", _settings_context(network, form), status_code=422
    )


@router.get("/n/{slug}/moderation/log", name="moderation_log")
def log_page(
    request: Request,
    slug: str,
    db: DbSession,
    viewer: Viewer,
    query: Annotated[LogFilter, Depends()],
) -> Response:
    network = networks_service.get_network(db, slug)
    policy.require(viewer, Action.MODERATION_LOG_VIEW, network)
    page = log_reading.load_log_page(db, network, query)
    return render(
        request,
        "moderation/log.html",
        {
            "network": network,
            "active_tab": "moderation",
            "log": page,
            "filter": query,
            "action_label": labels.action_label,
            "known_actions": labels.known_actions(),
            "kind_labels": labels.target_kind_labels(),
        },
        block="log",
    )
