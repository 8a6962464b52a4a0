"""The search JSON API: the same service as the page, serialised."""

from fastapi import APIRouter, Request

from app.search import service
from app.search.schemas import FacetOut, HintOut, ResultOut, SearchOut, SuggestionOut
from app.search.views import rate_key, read_page
from app.web.deps import AppSettings, DbSession, Viewer

router = APIRouter(prefix="/api/v1", tags=["search"])


def _facets(facets: list[service.Facet]) -> list[FacetOut]:
    return [FacetOut(label=f.label, count=f.count, query=f.query, active=f.active) for f in facets]


@router.get("/search", response_model=SearchOut, name="api_search")
def api_search(
    request: Request,
    db: DbSession,
    viewer: Viewer,
    settings: AppSettings,
    q: str = "",
    page: str = "1",
) -> SearchOut:
    """Search everything the caller may read, with the query language of the search page."""
    service.check_rate(
        db, scope="search", key=rate_key(request, viewer), per_minute=settings.search_per_minute
    )
    db.commit()
    found = service.search(
        db,
        request.app.state.search,
        principal=viewer,
        text=q,
        page=read_page(page),
        timezone=settings.timezone,
    )
    return SearchOut(
        query=found.query.text,
        hints=[HintOut(code=h.code, message=h.message) for h in found.hints],
        page=found.page,
        pages=found.pages,
        per_page=found.per_page,
        total=found.total,
        matches=found.matches,
        results=[
            ResultOut(
                kind=r.kind,
                kind_label=r.kind_label,
                heading_html=str(r.heading),
                excerpt_html=str(r.excerpt),
                url=str(request.base_url).rstrip("/") + r.url,
                network=r.network_slug or None,
                network_name=r.network_name,
                category=r.category_label,
                author=r.author_username or None,
                author_name=r.author_name,
                created_at=r.created_at,
                updated_at=r.updated_at,
                status=list(r.status),
                matches=r.matches,
            )
            for r in found.results
        ],
        kinds=_facets(found.kind_facets),
        networks=_facets(found.network_facets),
    )


@router.get("/search/suggest", response_model=list[SuggestionOut], name="api_search_suggest")
def api_search_suggest(
    request: Request, db: DbSession, viewer: Viewer, settings: AppSettings, q: str = ""
) -> list[SuggestionOut]:
    """The top five results for a query being typed (its last word read as a prefix)."""
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
    return [
        SuggestionOut(
            heading_html=str(s.heading),
            url=str(request.base_url).rstrip("/") + s.url,
            kind_label=s.kind_label,
            network_name=s.network_name,
        )
        for s in suggestions
    ]
