"""A bounded load generator: a few keep-alive connections, a fixed number of requests and
a time limit, whichever comes first; latency measured per request on the client side."""

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

    @property
    def requests(self) -> int:
        return len(self.latencies)


# make_call(connection number, request number) -> Call; after_call(connection, call, response)
MakeCall = Callable[[int, int], Call]
AfterCall = Callable[[int, Call, httpx.Response], None]


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
) -> LoadResult:
    result = LoadResult()
    counter = iter(range(requests))
    deadline = time.perf_counter() + time_limit

    async def connection(number: int) -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(
            base_url=base_url, limits=limits, timeout=60, cookies=cookies
        ) as client:
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
) -> LoadResult:
    """Send up to `requests` calls over `connections` connections within `time_limit` seconds."""
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
        )
    )
