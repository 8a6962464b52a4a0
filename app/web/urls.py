"""`url_for` for templates, with the route for each name found once per process.

Starlette answers `url_for` by trying every route in turn, and FastAPI's included
routers rebuild their route list on each try: about 0.2 ms a call here, and a
topic page with 20 posts makes a few hundred calls. The route that answers a
name (for a given set of parameter names) never changes once the app is built,
so it is looked up once; building the path itself stays Starlette's own code.
"""

from collections.abc import Iterator
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.routing import BaseRoute, NoMatchFound
from starlette.types import ASGIApp


def _leaves(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            yield from contexts()
        else:
            yield route


class RouteNames:
    """The route that builds each (name, parameter names) of one application, and the
    paths built lately: a list page builds hundreds, mostly the same from one view to
    the next."""

    PATHS_KEPT = 20_000

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._routes: dict[tuple[str, frozenset[str]], Any] = {}
        self._paths: dict[tuple, str] = {}

    def path_for(self, name: str, /, **params: Any) -> str:
        try:
            key = (name, *params.items())
            path = self._paths.get(key)
        except TypeError:  # a parameter that cannot be a key: build it every time
            return self._route(name, params).url_path_for(name, **params)
        if path is None:
            if len(self._paths) >= self.PATHS_KEPT:
                self._paths.clear()
            path = self._paths[key] = self._route(name, params).url_path_for(name, **params)
        return path

    def _route(self, name: str, params: dict[str, Any]):
        key = (name, frozenset(params))
        route = self._routes.get(key)
        if route is None:
            for candidate in _leaves(self._app.router.routes):
                try:
                    candidate.url_path_for(name, **params)
                except NoMatchFound:
                    continue
                route = self._routes[key] = candidate
                break
            else:
                raise NoMatchFound(name, params)
        return route


def _origin(request: Request) -> str:
    """Scheme, host and root path of the request, built once per request."""
    origin = getattr(request.state, "url_origin", None)
    if origin is None:
        base = request.base_url
        origin = request.state.url_origin = f"{base.scheme}://{base.netloc}{base.path.rstrip('/')}"
    return origin


@jinja2.pass_context
def url_for(context: dict, name: str, /, **params: Any) -> str:
    """Same text as `request.url_for`: an absolute URL on the request's base."""
    request = context["request"]
    return _origin(request) + request.app.state.route_names.path_for(name, **params)
