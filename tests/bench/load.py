"""A bounded load generator: a few keep-alive connections, a fixed number of requests and
a time limit, whichever comes first; latency measured per request on the client side.

Uvicorn's workers take new connections from one shared socket, and one worker often
takes them all: the figures would then be one worker's, queued. Given the workers'
CPU clocks, each connection is first placed: it sends a few probe requests, and is
kept only if the worker whose clock moved most still has room for it."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx


@dataclass(frozen=True)
class Call:
    """One request to send, and the status that counts as success."""

    method: str
    url: str
    data: dict | None = None
    headers: dict | None = None
    expect: int = 200


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    transport_errors: int = 0
    elapsed: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    # The workers' CPU clocks when the measured requests began (after placement).
    clocks_at_start: dict[int, float] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies)


# make_call(connection number, request number) -> Call; after_call(connection, call, response)
MakeCall = Callable[[int, int], Call]
AfterCall = Callable[[int, Call, httpx.Response], None]
# The CPU seconds each server worker has used so far, by process id.
WorkerClocks = Callable[[], dict[int, float]]
PROBES = 6
PLACEMENT_TRIES = 8  # connections opened per connection kept, at most


def _client(base_url: str, cookies: httpx.Cookies | None) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60, cookies=cookies)


async def _placed_clients(
    base_url: str,
    cookies: httpx.Cookies | None,
    connections: int,
    clocks: WorkerClocks,
    probe: Callable[[int], Call],
    after_call: AfterCall | None,
) -> list[httpx.AsyncClient]:
    """`connections` clients spread evenly over the workers, as far as PLACEMENT_TRIES allows."""
    workers = list(clocks())
    room = {pid: -(-connections // len(workers)) for pid in workers}
    kept: list[httpx.AsyncClient] = []
    spare: list[httpx.AsyncClient] = []
    for attempt in range(connections * PLACEMENT_TRIES):
        if len(kept) == connections:
            break
        client = _client(base_url, cookies)
        before = clocks()
        for number in range(PROBES):
            call = probe(attempt * PROBES + number)
            response = await client.request(
                call.method, call.url, data=call.data, headers=call.headers
            )
            if after_call is not None:
                after_call(0, call, response)
        after = clocks()
        worker = max(after, key=lambda pid: after[pid] - before.get(pid, 0.0))
        if room.get(worker, 0) > 0:
            room[worker] -= 1
            kept.append(client)
        else:
            spare.append(client)
    while len(kept) < connections and spare:
        kept.append(spare.pop())
    for client in spare:
        await client.aclose()
    return kept


async def _drive(
    base_url: str,
    make_call: MakeCall,
    *,
    connections: int,
    requests: int,
    time_limit: float,
    cookies: httpx.Cookies | None,
    fresh_cookies: bool,
    after_call: AfterCall | None,
    clocks: WorkerClocks | None,
) -> LoadResult:
    result = LoadResult()
    counter = iter(range(requests))
    if clocks is None:
        clients = [_client(base_url, cookies) for _ in range(connections)]
    else:
        # Probes are not measured; their numbers follow the measured requests'.
        clients = await _placed_clients(
            base_url,
            cookies,
            connections,
            clocks,
            lambda n: make_call(0, requests + n),
            after_call,
        )
    if clocks is not None:
        result.clocks_at_start = clocks()
    deadline = time.perf_counter() + time_limit

    async def connection(number: int) -> None:
        client = clients[number]
        try:
            for index in counter:
                if time.perf_counter() > deadline:
                    return
                call = make_call(number, index)
                if fresh_cookies and cookies is not None:
                    # Writes leave flash messages in the session cookie: start each from the
                    # signed-in cookie, as one visit after another would.
                    client.cookies = httpx.Cookies(cookies)
                began = time.perf_counter()
                try:
                    response = await client.request(
                        call.method, call.url, data=call.data, headers=call.headers
                    )
                except httpx.TransportError:
                    # A dropped connection is the server's failure to answer: counted, not fatal.
                    result.errors += 1
                    result.transport_errors += 1
                    continue
                result.latencies.append(time.perf_counter() - began)
                result.statuses[response.status_code] = (
                    result.statuses.get(response.status_code, 0) + 1
                )
                if response.status_code != call.expect:
                    result.errors += 1
                if after_call is not None:
                    after_call(number, call, response)
        finally:
            await client.aclose()

    began = time.perf_counter()
    await asyncio.gather(*(connection(number) for number in range(connections)))
    result.elapsed = time.perf_counter() - began
    return result


def drive(
    base_url: str,
    make_call: MakeCall,
    *,
    connections: int,
    requests: int,
    time_limit: float,
    cookies: httpx.Cookies | None = None,
    fresh_cookies: bool = False,
    after_call: AfterCall | None = None,
    clocks: WorkerClocks | None = None,
) -> LoadResult:
    """Send up to `requests` calls over `connections` connections within `time_limit` seconds;
    with `clocks`, connections are first placed evenly on the server's workers."""
    return asyncio.run(
        _drive(
            base_url,
            make_call,
            connections=connections,
            requests=requests,
            time_limit=time_limit,
            cookies=cookies,
            fresh_cookies=fresh_cookies,
            after_call=after_call,
            clocks=clocks,
        )
    )
