"""create_app(): routers, middleware, static files, error handlers and the lifespan."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from app import models  # noqa: F401  (every table registered before use)
from app.accounts import api as accounts_api
from app.accounts import views as accounts_views
from app.background import BackgroundWorker
from app.config import Settings, get_settings
from app.db import Database
from app.documents import api as documents_api
from app.documents import discussion_views as document_discussion_views
from app.documents import document_views
from app.documents import views as documents_views
from app.forum import api as forum_api
from app.forum import views as forum_views
from app.inbox import api as inbox_api
from app.inbox import views as inbox_views
from app.moderation import routes as moderation_routes
from app.moderation import sanction_api, sanction_views
from app.networks import api as networks_api
from app.networks import views as networks_views
from app.notifications import api as notifications_api
from app.notifications import views as notifications_views
from app.search import api as search_api
from app.search import service as search_service
from app.search import views as search_views
from app.storage import storage_for
from app.web.csrf import verify_csrf
from app.web.errors import install_error_handlers
from app.web.middleware import LanguageMiddleware, SecurityHeadersMiddleware
from app.web.urls import RouteNames

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
SESSION_COOKIE = "maillage_session"
SESSION_MAX_AGE = 30 * 24 * 3600


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = database or Database(settings.sqlalchemy_url)
    worker = BackgroundWorker(db, settings)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(worker.run()) if settings.background_tasks else None
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(
        title="Maillage",
        summary="An asynchronous forum for professional networks",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(verify_csrf)],
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.db = db
    app.state.worker = worker
    app.state.storage = storage_for(settings)
    app.state.search = search_service.get_backend(settings, db)
    app.state.route_names = RouteNames(app)

    # Outermost last: security headers wrap everything, the language is set before sessions.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(LanguageMiddleware, settings=settings)
    app.add_middleware(SecurityHeadersMiddleware)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # The OpenAPI document describes the JSON API only, not the HTML pages and forms.
    app.include_router(accounts_views.router, include_in_schema=False)
    app.include_router(networks_views.router, include_in_schema=False)
    app.include_router(notifications_views.router, include_in_schema=False)
    app.include_router(forum_views.router, include_in_schema=False)
    app.include_router(documents_views.router, include_in_schema=False)
    app.include_router(search_views.router, include_in_schema=False)
    app.include_router(document_views.router, include_in_schema=False)
    app.include_router(document_discussion_views.router, include_in_schema=False)
    app.include_router(accounts_api.router)
    app.include_router(networks_api.router)
    app.include_router(notifications_api.router)
    app.include_router(forum_api.router)
    app.include_router(documents_api.router)
    app.include_router(search_api.router)
    # Moderation (issue 5): its pages, then its JSON API.
    app.include_router(moderation_routes.html_router, include_in_schema=False)
    for router in moderation_routes.api_routers:
        app.include_router(router)
    # Members' side of moderation (issue 5): sanctions, staff notes, the request inbox.
    app.include_router(sanction_views.router, include_in_schema=False)
    app.include_router(inbox_views.router, include_in_schema=False)
    app.include_router(sanction_api.router)
    app.include_router(inbox_api.router)
    install_error_handlers(app)
    return app


_default_app: FastAPI | None = None


def __getattr__(name: str) -> FastAPI:
    """`app.main:app` for uvicorn, built on first use so importing this module has no effects."""
    global _default_app
    if name != "app":
        raise AttributeError(name)
    if _default_app is None:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        _default_app = create_app()
    return _default_app
