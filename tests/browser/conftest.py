"""Browser fixtures: one real server for the session, Debian's Chromium through Playwright.

Tests give their people and networks unique names (`live_server.seed`), so they share
the server without seeing each other's rows. Every page opened through `new_context`
is watched: a Content-Security-Policy violation, an uncaught script error or a
traceback in the server's log fails the test that caused it.
"""

from pathlib import Path

import pytest

from app.accounts.models import User
from tests.browser.live import DESKTOP, PASSWORD, PageProblems, running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="session", autouse=True)
def chromium_installed():
    """Skips the browser tests before anything starts when Chromium is missing."""
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed: run `make browser`")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def new_context(browser, live_server, page_problems):
    """Opens a fresh browser context (its own cookies): French, desktop-sized, watched.

    After the test, also fails on a traceback in the server's log: an error the page
    itself did not show (an htmx fragment that failed, say) still counts.
    """
    contexts = []
    log_start = live_server.log_size()

    def make(**options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "fr-FR")
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**options)
        context.set_default_timeout(5000)
        context.on("page", page_problems.watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    server_errors = live_server.errors_logged_since(log_start)
    assert not server_errors, f"the server logged an error:\n{server_errors}"
    assert not page_problems.csp, "Content-Security-Policy violations:\n" + "\n".join(
        page_problems.csp
    )
    assert not page_problems.script_errors, "script errors:\n" + "\n".join(
        page_problems.script_errors
    )


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def screenshot(artifacts):
    """Saves a full-page screenshot as tests/artifacts/<name>.png and returns its path."""

    def take(page, name: str) -> Path:
        path = artifacts / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def sign_in():
    """Signs a seeded person in through the sign-in form, as they would."""

    def submit(page, user: User) -> None:
        page.goto("/login")
        page.fill("#login", user.username)
        page.fill("#password", PASSWORD)
        page.locator("main form[action$='/login'] button[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)

    return submit
