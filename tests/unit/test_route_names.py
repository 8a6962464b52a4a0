"""Templates' cached `url_for` gives exactly what Starlette's own gives, errors included."""

import pytest
from starlette.requests import Request
from starlette.routing import NoMatchFound

from app.web.urls import url_for

CASES = [
    ("home", {}),
    ("network", {"slug": "reseau-a"}),
    ("topic", {"slug": "un-sujet", "topic_id": 12}),
    ("search", {}),
    ("static", {"path": "css/maillage.css"}),
]


def _request(app) -> Request:
    scope = {
        "type": "http",
        "app": app,
        "router": app.router,
        "scheme": "https",
        "server": ("forum.example", 443),
        "path": "/",
        "root_path": "",
        "headers": [(b"host", b"forum.example")],
        "query_string": b"",
    }
    return Request(scope)


@pytest.mark.parametrize(("name", "params"), CASES)
def test_same_url_as_starlette(app, name, params):
    request = _request(app)
    expected = request.url_for(name, **params)
    assert url_for({"request": request}, name, **params) == expected
    # The second call takes the cached route and still agrees.
    assert url_for({"request": request}, name, **params) == str(expected)


def test_unknown_name_or_parameters_raise_as_starlette_does(app):
    request = _request(app)
    with pytest.raises(NoMatchFound):
        url_for({"request": request}, "no-such-route")
    with pytest.raises(NoMatchFound):
        url_for({"request": request}, "topic", slug="x")
