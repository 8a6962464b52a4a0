"""HTML routes for sign-up, sign-in, password reset, account settings and profiles."""

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app import policy
from app.accounts import api_keys, schemas, service
from app.accounts.models import User
from app.errors import DomainError
from app.i18n import _
from app.moderation import sanction_views, sanctions
from app.networks import service as networks_service
from app.policy import Action
from app.web.deps import (
    SESSION_AUTH_VERSION_KEY,
    SESSION_USER_KEY,
    AppSettings,
    CurrentUser,
    DbSession,
    Viewer,
    client_address,
)
from app.web.forms import FormResult, form_parser
from app.web.middleware import LANGUAGE_COOKIE
from app.web.render import flash, redirect, render

router = APIRouter()


def safe_next(url: str) -> str:
    """Only a path on this site: an absolute or protocol-relative URL would be an open redirect."""
    parts = urlsplit(url)
    if not url.startswith("/") or url.startswith("//") or parts.scheme or parts.netloc or "\\" in url:
        return "/"
    return url


def sign_in(request: Request, user: User) -> None:
    """Start a fresh session for `user` (a new session defeats session fixation)."""
    csrf = request.session.get("csrf")
    request.session.clear()
    request.session[SESSION_USER_KEY] = user.id
    request.session[SESSION_AUTH_VERSION_KEY] = user.auth_version
    if csrf:
        request.session["csrf"] = csrf


@router.get("/signup", name="signup")
def signup_page(request: Request, next: str = "") -> Response:
    return render(request, "accounts/signup.html", {"form": FormResult(values={"next": next})})


@router.post("/signup")
def signup(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    form: Annotated[FormResult[schemas.SignUp], Depends(form_parser(schemas.SignUp))],
) -> Response:
    next_url = safe_next(form.values.get("next", "/"))
    if form.ok:
        try:
            service.check_signup_rate(
                db, address=client_address(request), limit=settings.signup_attempts_per_address
            )
            user = service.create_user(db, **form.data.model_dump())
        except DomainError as error:
            if error.field is None:
                db.commit()  # keep the rate-limit hit
                raise
            form.add_error(error)
        else:
            db.commit()
            sign_in(request, user)
            flash(request, _("Welcome, %(name)s! Your account is ready.", name=user.display_name))
            return redirect(request, next_url)
    db.commit()
    return render(request, "accounts/signup.html", {"form": form}, status_code=422)


@router.get("/login", name="login")
def login_page(request: Request, next: str = "") -> Response:
    return render(request, "accounts/login.html", {"form": FormResult(values={"next": next})})


@router.post("/login")
def login(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    form: Annotated[FormResult[schemas.SignIn], Depends(form_parser(schemas.SignIn))],
) -> Response:
    if form.ok:
        user = service.authenticate(
            db,
            login=form.data.login,
            password=form.data.password,
            address=client_address(request),
            per_account=settings.signin_attempts_per_account,
            per_address=settings.signin_attempts_per_address,
        )
        db.commit()
        if user is not None:
            try:
                sanctions.check_account(db, user=user)
            except DomainError as error:
                form.values.pop("password", None)
                form.errors["__all__"] = error.message
                return render(request, "accounts/login.html", {"form": form}, status_code=403)
            sign_in(request, user)
            response = redirect(request, safe_next(form.data.next))
            if user.locale:  # the language chosen on the profile follows the person to a new browser
                response.set_cookie(LANGUAGE_COOKIE, user.locale, max_age=365 * 86400, samesite="lax")
            return response
        form.errors["__all__"] = _("Wrong username, email or password.")
    form.values.pop("password", None)
    return render(request, "accounts/login.html", {"form": form}, status_code=422)


@router.post("/logout", name="logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return redirect(request, "/")


@router.get("/password/forgot", name="password_forgot")
def password_forgot_page(request: Request) -> Response:
    return render(request, "accounts/password_forgot.html", {"form": FormResult(values={})})


@router.post("/password/forgot")
def password_forgot(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    form: Annotated[FormResult[schemas.PasswordResetRequest], Depends(form_parser(schemas.PasswordResetRequest))],
) -> Response:
    if not form.ok:
        return render(request, "accounts/password_forgot.html", {"form": form}, status_code=422)
    service.request_password_reset(
        db,
        email=form.data.email,
        secret_key=settings.resolved_secret_key(),
        reset_url=settings.base_url.rstrip("/") + str(request.app.url_path_for("password_reset")),
        max_age_seconds=settings.password_reset_max_age_seconds,
    )
    db.commit()
    # The same answer whether or not the address has an account: no way to probe for members.
    flash(request, _("If an account uses this address, a reset link is on its way."))
    return redirect(request, request.app.url_path_for("login"))


@router.get("/password/reset", name="password_reset")
def password_reset_page(request: Request, db: DbSession, settings: AppSettings, token: str = "") -> Response:
    form = FormResult(values={"token": token})
    try:
        service.user_for_reset_token(
            db, token=token, secret_key=settings.resolved_secret_key(),
            max_age_seconds=settings.password_reset_max_age_seconds,
        )
    except DomainError as error:
        form.add_error(error)
        return render(request, "accounts/password_reset.html", {"form": form, "token_ok": False}, status_code=400)
    return render(request, "accounts/password_reset.html", {"form": form, "token_ok": True})


@router.post("/password/reset")
def password_reset(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    form: Annotated[FormResult[schemas.PasswordReset], Depends(form_parser(schemas.PasswordReset))],
) -> Response:
    if form.ok:
        try:
            user = service.reset_password(
                db,
                token=form.data.token,
                password=form.data.password,
                secret_key=settings.resolved_secret_key(),
                max_age_seconds=settings.password_reset_max_age_seconds,
            )
        except DomainError as error:
            form.add_error(error)
        else:
            db.commit()
            sign_in(request, user)
            flash(request, _("Your password has been changed."))
            return redirect(request, "/")
    token_ok = "__all__" not in form.errors
    return render(request, "accounts/password_reset.html", {"form": form, "token_ok": token_ok}, status_code=422)


def _account_page(
    request: Request, db: Session, user: User, new_api_key: str | None = None, **forms: FormResult
) -> dict:
    profile_values = {
        "display_name": user.display_name,
        "trade": user.trade,
        "organisation": user.organisation,
        "region": user.region,
        "bio": user.bio,
        "skills": ", ".join(skill.label for skill in user.skills),
        "locale": user.locale or "",
    }
    return {
        "user": user,
        "profile_form": forms.get("profile_form") or FormResult(values=profile_values),
        "password_form": forms.get("password_form") or FormResult(values={}),
        "email_form": forms.get("email_form") or FormResult(values={"email": user.email}),
        "api_key_form": forms.get("api_key_form") or FormResult(values={}),
        "api_keys": api_keys.list_api_keys(db, user_id=user.id),
        "new_api_key": new_api_key,
    }


@router.get("/account", name="account")
def account_page(request: Request, db: DbSession, user: CurrentUser) -> Response:
    return render(request, "accounts/account.html", _account_page(request, db, user))


@router.post("/account/profile", name="account_profile")
def account_profile(
    request: Request,
    db: DbSession,
    user: CurrentUser,
    form: Annotated[FormResult[schemas.ProfileEdit], Depends(form_parser(schemas.ProfileEdit))],
) -> Response:
    if form.ok:
        try:
            data = form.data
            service.update_profile(
                db,
                actor=user,
                display_name=data.display_name,
                trade=data.trade,
                organisation=data.organisation,
                region=data.region,
                bio=data.bio,
                skills=service.parse_skills(data.skills),
                locale=data.locale,
            )
        except DomainError as error:
            form.add_error(error)
        else:
            db.commit()
            flash(request, _("Your profile has been saved."))
            response = redirect(request, request.app.url_path_for("profile", username=user.username))
            if data.locale:
                response.set_cookie(LANGUAGE_COOKIE, data.locale, max_age=365 * 86400, samesite="lax")
            return response
    db.rollback()
    return render(request, "accounts/account.html", _account_page(request, db, user, profile_form=form), status_code=422)


@router.post("/account/password", name="account_password")
def account_password(
    request: Request,
    db: DbSession,
    user: CurrentUser,
    form: Annotated[FormResult[schemas.PasswordChange], Depends(form_parser(schemas.PasswordChange))],
) -> Response:
    if form.ok:
        try:
            service.change_password(
                db, actor=user, current_password=form.data.current_password, new_password=form.data.new_password
            )
        except DomainError as error:
            form.add_error(error)
        else:
            db.commit()
            sign_in(request, user)  # this session goes on; every other one ends
            flash(request, _("Your password has been changed."))
            return redirect(request, request.app.url_path_for("account"))
    db.rollback()
    form.values.clear()
    return render(request, "accounts/account.html", _account_page(request, db, user, password_form=form), status_code=422)


@router.post("/account/email", name="account_email")
def account_email(
    request: Request,
    db: DbSession,
    user: CurrentUser,
    form: Annotated[FormResult[schemas.EmailChange], Depends(form_parser(schemas.EmailChange))],
) -> Response:
    if form.ok:
        try:
            service.change_email(db, actor=user, password=form.data.password, email=form.data.email)
        except DomainError as error:
            form.add_error(error)
        else:
            db.commit()
            flash(request, _("Your email address has been changed."))
            return redirect(request, request.app.url_path_for("account"))
    db.rollback()
    form.values.pop("password", None)
    return render(request, "accounts/account.html", _account_page(request, db, user, email_form=form), status_code=422)


@router.post("/account/api-keys", name="api_key_create")
def api_key_create(
    request: Request,
    db: DbSession,
    user: CurrentUser,
    form: Annotated[FormResult[schemas.ApiKeyCreate], Depends(form_parser(schemas.ApiKeyCreate))],
) -> Response:
    """Create a key and show it this once, in this response: it is stored only as a hash,
    so it cannot travel through a redirect and a later page."""
    if form.ok:
        try:
            _key, plain = api_keys.create_api_key(db, actor=user, name=form.data.name)
        except DomainError as error:
            form.add_error(error)
        else:
            db.commit()
            context = _account_page(request, db, user, new_api_key=plain)
            response = render(request, "accounts/account.html", context)
            response.headers["Cache-Control"] = "no-store"
            return response
    db.rollback()
    context = _account_page(request, db, user, api_key_form=form)
    return render(request, "accounts/account.html", context, status_code=422)


@router.post("/account/api-keys/{key_id}/revoke", name="api_key_revoke")
def api_key_revoke(request: Request, key_id: int, db: DbSession, viewer: Viewer) -> Response:
    key = api_keys.get_api_key(db, key_id)
    policy.require(viewer, Action.API_KEY_REVOKE, key)
    api_keys.revoke_api_key(db, key=key)
    db.commit()
    flash(request, _("The key “%(name)s” has been revoked.", name=key.name))
    return redirect(request, request.app.url_path_for("account") + "#api-keys")


@router.get("/u/{username}", name="profile")
def profile(request: Request, username: str, db: DbSession, viewer: Viewer) -> Response:
    person = service.get_user_by_username(db, username)
    policy.require(viewer, Action.PROFILE_VIEW, person)
    networks = networks_service.list_user_networks(db, person)
    context = {"person": person, "networks": networks}
    context |= sanction_views.profile_panels(db, viewer, person)
    return render(request, "accounts/profile.html", context)


@router.post("/language", name="set_language")
def set_language(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    form: Annotated[FormResult[schemas.LanguageChoice], Depends(form_parser(schemas.LanguageChoice))],
) -> Response:
    """Switch the interface language; remembered in a cookie and on the profile."""
    response = redirect(request, safe_next(form.values.get("next", "/")))
    if form.ok:
        response.set_cookie(LANGUAGE_COOKIE, form.data.language, max_age=365 * 86400, samesite="lax")
        if viewer.user is not None:
            service.set_locale(db, actor=viewer.user, locale=form.data.language)
            db.commit()
    return response
