"""An oversized upload is refused while it arrives: the app stops reading the body.

The request goes straight into the ASGI app with a `receive` that hands the body
over chunk by chunk, without a Content-Length (as a chunked upload would come), and
counts what the app asked for. The test client cannot show this: it reads the whole
body before the app starts.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from tests.web.documents_helpers import count_rows, files_on_disk, member_setting

CHUNK = 64 * 1024
CHUNKS = 64  # 4 MB offered against a cap of 100 KB


def test_oversized_upload_stops_reading_at_the_cap(app, client, session, settings):
    settings.upload_max_bytes = 100 * 1024
    network, lea, _bruno, _karim = member_setting()
    client.login(lea)
    token = client.csrf_token()
    boundary = "maillage-stream"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="gros.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 5000),
        "root_path": "",
        "path": f"/n/{network.slug}/documents/upload",
        "raw_path": f"/n/{network.slug}/documents/upload".encode(),
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
            (b"cookie", cookie.encode()),
        ],
    }
    sent_chunks = 0
    messages = []

    async def receive():
        nonlocal sent_chunks
        if sent_chunks == CHUNKS:
            return {
                "type": "http.request",
                "body": f"\r\n--{boundary}--\r\n".encode(),
                "more_body": False,
            }
        sent_chunks += 1
        body = head + b"x" * CHUNK if sent_chunks == 1 else b"x" * CHUNK
        return {"type": "http.request", "body": body, "more_body": True}

    async def send(message):
        messages.append(message)

    # Its own thread: a session-wide Playwright keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in messages if m["type"] == "http.response.start")
    assert start["status"] == 413
    # The cap is 100 KB: the app read about two 64 KB chunks of the 64 offered, then answered.
    assert sent_chunks <= 3
    assert files_on_disk(settings) == [] and count_rows(session) == (0, 0)
