"""Pure ASGI middleware: the language of each request and the security headers."""

from http.cookies import SimpleCookie

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import i18n

LANGUAGE_COOKIE = "lang"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class LanguageMiddleware:
    """Chooses the language: the `lang` cookie, else Accept-Language, else the default.

    Set in a context variable before the app runs, so the thread that serves a
    plain `def` route (which copies the context) translates in the same language.
    """

    def __init__(self, app: ASGIApp, settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            cookie = SimpleCookie(headers.get("cookie", ""))
            chosen = cookie.get(LANGUAGE_COOKIE)
            if chosen is not None and chosen.value in i18n.LANGUAGES:
                i18n.set_language(chosen.value)
            else:
                i18n.set_language(i18n.negotiate(headers.get("accept-language"), self.settings.language))
        await self.app(scope, receive, send)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Content-Language", i18n.get_language())
            await send(message)

        await self.app(scope, receive, send_with_headers)
