"""The search page and the search-as-you-type fragment of the site header."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.search import kinds, service
from app.search.query import MAX_QUERY_CHARS
from app.web.deps import AppSettings, DbSession, Viewer
from app.web.render import render

router = APIRouter()


def rate_key(request: Request, viewer) -> str:
    """Members are counted per account, visitors per address."""
    if viewer.user is not None:
        return f"user:{viewer.user.id}"
    return f"address:{request.client.host if request.client else 'unknown'}"


def read_page(value: str) -> int:
    """A page number from the URL; anything that is not one means the first page."""
    return int(value) if value.isdigit() and len(value) <= 6 else 1


def _context(q: str, **values) -> dict:
    # The box shows the query as read: a 10,000-character paste comes back cut, with its hint.
    return {"q": q[:MAX_QUERY_CHARS], "scopes": sorted(kinds.scope_names()), **values}


@router.get("/search", name="search")
def search_page(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    settings: AppSettings,
    q: str = "",
    page: str = "1",
) -> Response:
    results = None
    if q.strip():
        service.check_rate(
            db, scope="search", key=rate_key(request, viewer), per_minute=settings.search_per_minute
        )
        db.commit()
        results = service.search(
            db,
            request.app.state.search,
            principal=viewer,
            text=q,
            page=read_page(page),
            timezone=settings.timezone,
        )
    return render(request, "search/search.html", _context(q, results=results), block="results")


@router.get("/search/suggest", name="search_suggest")
def search_suggest(
    request: Request, db: DbSession, viewer: Viewer, settings: AppSettings, q: str = ""
) -> Response:
    suggestions = []
    if q.strip():
        service.check_rate(
            db,
            scope="search-suggest",
            key=rate_key(request, viewer),
            per_minute=settings.suggest_per_minute,
        )
        db.commit()
        suggestions = service.suggest(
            db, request.app.state.search, principal=viewer, text=q, timezone=settings.timezone
        )
    return render(
        request,
        "search/search.html",
        _context(q, results=None, suggestions=suggestions),
        block="suggestions",
    )
