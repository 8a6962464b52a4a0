"""The HTTP benchmark: seed a dataset into a temporary data folder, start the real server
(uvicorn, two workers), drive it over HTTP and measure each scenario.

BENCH_POSTS sets the dataset size (default 100,000 posts); BENCH_QUICK=1 (or fewer than
10,000 posts) is a smoke run with few requests; BENCH_KEEP=1 keeps the data folder.
"""

import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.benchseed import BENCH_PASSWORD, BENCH_USERNAME
from tests.bench.http_targets import Targets, read_targets
from tests.bench.load import Call, drive
from tests.bench.report import latency_summary, with_target
from tests.bench.server import Server, peak_rss_mb, running_server

DEFAULT_POSTS = 100_000
QUICK_POSTS = 2_000
POSTS_PER_TOPIC = 20
CONNECTIONS = 4
# A figure is trusted only when each worker did at least this share of the CPU work.
MIN_WORKER_SHARE = 0.2
ATTEMPTS = 3
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SERVER_ENV = {
    "MAILLAGE_SECRET_KEY": "benchmark-only-secret",
    "MAILLAGE_LANGUAGE": "fr",
    # The limits protect a live site from one person; the benchmark is many people's load.
    "MAILLAGE_POSTS_PER_TEN_MINUTES": "1000000",
    "MAILLAGE_SEARCH_PER_MINUTE": "0",
    "MAILLAGE_SUGGEST_PER_MINUTE": "0",
}

PAGE = [("p50_ms", "<", 10), ("rps", ">=", 500)]
SEARCH = [("p50_ms", "<", 30), ("p95_ms", "<", 100)]
ONE_WORD = [
    "sécurité",
    "incident",
    "sauvegarde",
    "messagerie",
    "prestataire",
    "chiffrement",
    "hameçonnage",
    "RGPD-2024",
]
TWO_WORDS = [
    "incident sauvegarde",
    "sécurité messagerie",
    "audit prestataire",
    "plan continuité",
    "accès compte",
    "risque menace",
]
PHRASES = [
    '"partager notre modèle"',
    '"merci pour ce retour"',
    '"question rapide"',
    '"sécurité des données"',
]
FILTERED = [
    "incident network:rssi-public",
    "sauvegarde after:2025-06-01",
    "sécurité in:posts before:2026-01-01",
    "audit #questions",
    "chiffrement tag:rgpd",
]
PREFIXES = ["séc", "sécur", "inci", "sauv", "rés", "donn", "authen", "clou"]


@dataclass
class Sizes:
    posts: int
    quick: bool
    pages: int = 2000
    searches: int = 600
    writes: int = 300
    warmup: int = 20
    time_limit: float = 30.0
    freshness_probes: int = 5
    # How long the server may stay busy after start (merging the fresh index) or between scenarios.
    settle_seconds: float = 900.0
    between_seconds: float = 60.0

    @classmethod
    def from_environment(cls, quick: bool) -> "Sizes":
        quick = quick or os.environ.get("BENCH_QUICK") == "1"
        posts = int(os.environ.get("BENCH_POSTS") or (QUICK_POSTS if quick else DEFAULT_POSTS))
        if quick or posts < 10_000:
            return cls(
                posts,
                True,
                pages=100,
                searches=40,
                writes=20,
                warmup=5,
                time_limit=10,
                freshness_probes=2,
                settle_seconds=60,
                between_seconds=10,
            )
        return cls(posts, False)


@dataclass
class Scenario:
    name: str
    make_call: Callable[[int, int], Call]
    requests: int
    conditions: list = field(default_factory=list)
    signed_in: bool = True
    writes: bool = False
    after_call: Callable | None = None


def _rotate(values: list[str], build: Callable[[str], Call]) -> Callable[[int, int], Call]:
    return lambda _connection, index: build(values[index % len(values)])


def _get(url: str, **params) -> Call:
    return Call("GET", str(httpx.URL(url, params=params)) if params else url)


def _seed(data_dir: Path, sizes: Sizes) -> dict:
    """`maillage db upgrade` and `maillage seed-bench` in a process of their own."""
    environment = {**os.environ, "MAILLAGE_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-c", "from app.cli import main; main()"]
    subprocess.run([*command, "db", "upgrade"], env=environment, check=True, capture_output=True)
    report = data_dir / "seed-report.json"
    topics = max(1, sizes.posts // POSTS_PER_TOPIC)
    members = min(5000, max(50, sizes.posts // 100))
    subprocess.run(
        [
            *command,
            "seed-bench",
            "--topics",
            str(topics),
            "--posts-per-topic",
            str(POSTS_PER_TOPIC),
            "--members",
            str(members),
            "--report",
            str(report),
        ],
        env=environment,
        check=True,
    )
    return json.loads(report.read_text())


def _sign_in(base_url: str) -> tuple[httpx.Cookies, str]:
    """The signed-in session cookie of the benchmark member and its CSRF token."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        token = CSRF.search(client.get("/login").text).group(1)
        response = client.post(
            "/login",
            data={"login": BENCH_USERNAME, "password": BENCH_PASSWORD, "csrf_token": token},
        )
        if response.status_code != 303:
            raise RuntimeError(f"the benchmark member could not sign in ({response.status_code})")
        page = client.get("/")
        token = CSRF.search(page.text) or re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
        return httpx.Cookies(client.cookies), token.group(1)


def _scenarios(targets: Targets, sizes: Sizes, csrf: str) -> list[Scenario]:
    members = targets.members_network
    reply_topics = itertools.cycle(targets.reply_topics)
    words = random.Random(7)  # noqa: S311  (benchmark text, not secrets)

    def reply(_connection: int, index: int) -> Call:
        topic = next(reply_topics)
        body = f"Réponse de banc d'essai {index} : " + " ".join(
            words.choice(ONE_WORD) for _ in range(30)
        )
        return Call(
            "POST", f"{topic.path}/reply", data={"body": body, "csrf_token": csrf}, expect=303
        )

    documents = targets.documents

    # One document per connection (the benchmark member belongs to every network), so the
    # saves measure writing, not three-way merges of concurrent edits.
    def save_document(connection: int, index: int) -> Call:
        document = documents[connection % len(documents)]
        document.body = (
            f"{document.body}\nLigne ajoutée par le banc d'essai, enregistrement {index}.\n"
        )
        data = {
            "title": document.title,
            "body": document.body,
            "csrf_token": csrf,
            "base_number": str(document.head_number),
            "comment": f"Banc d'essai {index}",
        }
        return Call(
            "POST",
            f"/n/{document.network_slug}/documents/{document.id}/edit",
            data=data,
            expect=303,
        )

    def saved(connection: int, _call: Call, response: httpx.Response) -> None:
        if response.status_code == 303:
            documents[connection % len(documents)].head_number += 1

    suggest = {"HX-Request": "true"}
    scenarios = [
        Scenario(
            "latest list (signed in)",
            lambda c, i: _get(f"/n/{members}/forum"),
            sizes.pages,
            PAGE,
        ),
        Scenario(
            "category list (signed in)",
            lambda c, i: _get(f"/n/{members}/c/{targets.category}"),
            sizes.pages,
            PAGE,
        ),
        Scenario(
            f"topic page, {targets.anonymous_topic.post_count} posts (anonymous)",
            lambda c, i: _get(targets.anonymous_topic.path),
            sizes.pages,
            PAGE,
            signed_in=False,
        ),
        Scenario(
            f"topic page, {targets.signed_in_topic.post_count} posts (signed in)",
            lambda c, i: _get(targets.signed_in_topic.path),
            sizes.pages,
            PAGE,
        ),
        Scenario(
            "search: one word",
            _rotate(ONE_WORD, lambda q: _get("/search", q=q)),
            sizes.searches,
            SEARCH,
        ),
        Scenario(
            "search: two words",
            _rotate(TWO_WORDS, lambda q: _get("/search", q=q)),
            sizes.searches,
            SEARCH,
        ),
        Scenario(
            "search: phrase",
            _rotate(PHRASES, lambda q: _get("/search", q=q)),
            sizes.searches,
            SEARCH,
        ),
        Scenario(
            "search: with filters",
            _rotate(FILTERED, lambda q: _get("/search", q=q)),
            sizes.searches,
            SEARCH,
        ),
        Scenario(
            "search-as-you-type",
            _rotate(
                PREFIXES,
                lambda q: Call(
                    "GET", str(httpx.URL("/search/suggest", params={"q": q})), headers=suggest
                ),
            ),
            sizes.searches,
            [("p95_ms", "<", 40)],
        ),
        Scenario("reply to a topic", reply, sizes.writes, [("p95_ms", "<", 50)], writes=True),
    ]
    if documents:
        scenarios.append(
            Scenario(
                "save a document revision",
                save_document,
                sizes.writes,
                writes=True,
                after_call=saved,
            ),
        )
    return scenarios


def _measure(server: Server, scenario: Scenario, sizes: Sizes, cookies: httpx.Cookies) -> dict:
    """Run the scenario until both workers shared the work (or ATTEMPTS runs), and summarise."""
    jar = cookies if scenario.signed_in else None
    options = dict(
        connections=CONNECTIONS,
        time_limit=sizes.time_limit,
        cookies=jar,
        fresh_cookies=scenario.writes,
        after_call=scenario.after_call,
    )
    drive(server.base_url, scenario.make_call, requests=sizes.warmup, **options)
    idle_after = server.wait_until_idle(sizes.between_seconds)
    attempt = 0
    while attempt < ATTEMPTS:
        attempt += 1
        result = drive(
            server.base_url,
            scenario.make_call,
            requests=scenario.requests,
            clocks=server.cpu_by_worker,
            **options,
        )
        before = result.clocks_at_start
        spent = {pid: seconds - before[pid] for pid, seconds in server.cpu_by_worker().items()}
        total = sum(spent.values())
        shares = [round(seconds / total, 2) if total else 0.0 for seconds in spent.values()]
        if min(shares) >= MIN_WORKER_SHARE:
            break
    entry = {
        "name": scenario.name,
        "requests": result.requests,
        "errors": result.errors,
        "statuses": result.statuses,
        "dropped_connections": result.transport_errors,
        "rps": round(result.requests / result.elapsed, 1) if result.elapsed else None,
        **latency_summary(result.latencies),
        "cpu_ms_per_request": round(total * 1000 / result.requests, 2) if result.requests else None,
        "worker_cpu_shares": shares,
        "workers_balanced": min(shares) >= MIN_WORKER_SHARE,
        "attempts": attempt,
        "server_idle_before": idle_after is not None,
    }
    return with_target(entry, scenario.conditions)


def _searchable_delay(
    server: Server, targets: Targets, cookies: httpx.Cookies, csrf: str, probes: int
) -> list[float | None]:
    """Seconds from a reply's commit (its 303) until the search API finds its unique word."""
    delays = []
    letters = random.Random(11)  # noqa: S311  (benchmark text, not secrets)
    with httpx.Client(base_url=server.base_url, cookies=cookies, timeout=30) as client:
        for probe in range(probes):
            word = "repere" + "".join(letters.choice("bcdfghjklmnpqrstvwxz") for _ in range(10))
            topic = targets.reply_topics[probe % len(targets.reply_topics)]
            response = client.post(
                f"{topic.path}/reply",
                data={"body": f"Fraîcheur de l'index : {word}.", "csrf_token": csrf},
            )
            client.cookies = httpx.Cookies(cookies)
            if response.status_code != 303:
                delays.append(None)
                continue
            committed = time.perf_counter()
            found = None
            while time.perf_counter() - committed < 10:
                answer = client.get("/api/v1/search", params={"q": word})
                if answer.status_code == 200 and answer.json().get("total"):
                    found = time.perf_counter() - committed
                    break
                time.sleep(0.02)
            delays.append(found)
    return delays


def _directory_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)


def _figures(seed: dict, delays: list, index_mb: float, worker_rss: list[float]) -> list[dict]:
    found = [delay for delay in delays if delay is not None]
    slowest = max(found) if found and len(found) == len(delays) else None
    return [
        with_target(
            {
                "name": "seed: posts inserted per second",
                "value": seed["posts_per_second"],
                "unit": "posts/s",
            },
            [("value", ">=", 20_000)],
        ),
        {
            "name": "seed: posts per CPU second of the loader",
            "value": seed["posts_per_cpu_second"],
            "unit": "posts/s",
            "target": "",
            "met": None,
        },
        with_target(
            {
                "name": "bulk reindex throughput",
                "value": seed["indexed_per_second"],
                "unit": "documents/s",
            },
            [("value", ">=", 1000)],
        ),
        {
            "name": "documents indexed",
            "value": seed["indexed"],
            "unit": ", ".join(seed["indexed_kinds"]),
            "target": "",
            "met": None,
        },
        {"name": "index size", "value": index_mb, "unit": "MB", "target": "", "met": None},
        with_target(
            {"name": "post to searchable, slowest of the probes", "value": slowest, "unit": "s"},
            [("value", "<", 1.0)],
        ),
        with_target(
            {
                "name": "seed and reindex process, peak memory",
                "value": seed["peak_rss_mb"],
                "unit": "MB",
            },
            [("value", "<", 300)],
        ),
        with_target(
            {
                "name": "server worker (index writer), peak memory",
                "value": round(max(worker_rss), 1) if worker_rss else None,
                "unit": "MB",
            },
            [("value", "<", 300)],
        ),
    ]


def run(quick: bool = False) -> dict:
    sizes = Sizes.from_environment(quick)
    data_dir = Path(tempfile.mkdtemp(prefix="maillage-bench-"))
    notes = [
        f"Dataset of {sizes.posts:,} posts in {data_dir}; {CONNECTIONS} connections; "
        "latency measured by the client, CPU from /proc for the two server workers."
    ]
    try:
        seed = _seed(data_dir, sizes)
        targets = read_targets(data_dir, documents=CONNECTIONS)
        with running_server(data_dir, data_dir / "server.log", SERVER_ENV) as server:
            settled = server.wait_until_idle(sizes.settle_seconds)
            cookies, csrf = _sign_in(server.base_url)
            scenarios = [
                _measure(server, scenario, sizes, cookies)
                for scenario in _scenarios(targets, sizes, csrf)
            ]
            delays = _searchable_delay(server, targets, cookies, csrf, sizes.freshness_probes)
            worker_rss = [peak_rss_mb(pid) for pid in server.worker_pids]
        notes.append(
            f"The workers were busy for {settled} s after start (index maintenance) before the "
            "first scenario."
            if settled is not None
            else f"The workers were still busy {sizes.settle_seconds:.0f} s after start: the "
            "figures include that background work."
        )
        notes.append(
            "Post-to-searchable delays (s): "
            + ", ".join("not found in 10 s" if d is None else f"{d:.3f}" for d in delays)
        )
        unbalanced = [s["name"] for s in scenarios if not s["workers_balanced"]]
        if unbalanced:
            notes.append("One worker did most of the work in: " + ", ".join(unbalanced))
        return {
            "title": f"HTTP, {seed['posts']:,} posts, uvicorn with 2 workers",
            "dataset": seed,
            "scenarios": scenarios,
            "figures": _figures(seed, delays, _directory_mb(data_dir / "search"), worker_rss),
            "notes": notes,
        }
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(data_dir, ignore_errors=True)
