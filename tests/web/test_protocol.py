"""web/protocol.py: `POST /v1/assess` answered in uvicorn's parser callback gives byte for byte
what uvicorn's own protocol gives through ASGI, for answers, errors, pipelining and the cases
it leaves to ASGI (chunked bodies, large bodies, Expect: 100-continue)."""

from __future__ import annotations

import asyncio
import json

import pytest
import uvloop
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from chujing.web import create_app
from chujing.web.protocol import AssessProtocol, find_web
from chujing.web.services import DecisionCache
from tests.web.conftest import make_settings
from tests.web.test_api import SAAS, SHOP, as_json

DATE = [(b"date", b"Tue, 24 Nov 2026 12:00:00 GMT"), (b"server", b"uvicorn")]


class Transport:
    def __init__(self) -> None:
        self.out = bytearray()
        self.writes = 0
        self.closed = False

    def get_extra_info(self, name, default=None):
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 40000)}.get(name, default)

    def write(self, data) -> None:
        self.out += data
        self.writes += 1

    def writelines(self, parts) -> None:
        for p in parts:
            self.out += p
        self.writes += 1

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


@pytest.fixture
def served(home):
    """(exchange, token): exchange(protocol class, request chunks) -> (bytes out, writes, closed)."""
    app = create_app(make_settings(home, max_body_bytes=4096))
    token, _ = app.web.store.create_token("protocol")
    loop = uvloop.new_event_loop()
    config = Config(app=app, loop="none", access_log=False, log_level="warning")
    config.load()

    def exchange(cls, *chunks: bytes):
        app.web.cache = DecisionCache()  # both protocols start from the same (empty) cache
        state = ServerState()
        state.default_headers = DATE
        proto = cls(config, state, app_state={}, _loop=loop)
        tr = Transport()
        proto.connection_made(tr)

        async def feed():
            for chunk in chunks:
                proto.data_received(chunk)
                for _ in range(5):
                    await asyncio.sleep(0)

        loop.run_until_complete(feed())
        if proto.timeout_keep_alive_task is not None:
            proto.timeout_keep_alive_task.cancel()
        return bytes(tr.out), tr.writes, tr.closed

    yield exchange, token
    loop.close()


def post(body: bytes, token: str | None, query: str = "", *, extra: str = "",
         length: bool = True) -> bytes:
    head = f"POST /v1/assess{query} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    if length:
        head += f"Content-Length: {len(body)}\r\n"
    return (head + extra + "\r\n").encode() + body


def body_of(d) -> bytes:
    return json.dumps(as_json(d), ensure_ascii=False).encode()


def same(exchange, *chunks, direct=True):
    new = exchange(AssessProtocol, *chunks)
    old = exchange(HttpToolsProtocol, *chunks)
    assert new[0] == old[0]
    assert new[2] == old[2]
    return new


def test_finds_the_app_under_uvicorns_wrappers(served, home):
    exchange, _ = served
    app = create_app(make_settings(home))
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    assert find_web(ProxyHeadersMiddleware(app)) is app.web
    assert find_web(object()) is None


@pytest.mark.parametrize("query", ["", "?detail=summary", "?as_of=2025-01-01", "?save=maybe",
                                   "?detail=everything"])
def test_answers_are_the_bytes_asgi_gives_in_one_write(served, query):
    exchange, token = served
    for scenario in (SAAS, SHOP):
        out, writes, closed = same(exchange, post(body_of(scenario), token, query))
        assert out.startswith(b"HTTP/1.1 200 OK\r\n" if "=e" not in query and "maybe" not in query
                              else b"HTTP/1.1 422 ")
        assert writes == 1 and not closed  # head and body together


@pytest.mark.parametrize("case", ["no token", "bad token", "not json", "not an object",
                                  "bad field", "unknown word", "over the limit"])
def test_errors_are_the_bytes_asgi_gives(served, case):
    exchange, token = served
    body = body_of(SAAS)
    tok = {"no token": None, "bad token": "cj_wrong"}.get(case, token)
    body = {"not json": b"{", "not an object": b"[1]",
            "bad field": body.replace(b'"subjects": 300000', b'"subjects": -3'),
            "unknown word": body.replace(b'"software"', b'"nonsense"'),
            "over the limit": body + b" " * 4096}.get(case, body)
    out, writes, _ = same(exchange, post(body, tok))
    status = {"no token": 401, "bad token": 401, "over the limit": 413}.get(case, 422)
    assert out.startswith(f"HTTP/1.1 {status} ".encode()), out[:200]
    assert writes == 1


def test_save_headers_and_connection_close(served):
    exchange, token = served
    out, writes, closed = exchange(AssessProtocol,
                                   post(body_of(SAAS), token, "?save=true", extra="Connection: close\r\n"))
    assert b"\r\nx-chujing-report: " in out and b"\r\nlocation: /v1/reports/" in out
    assert b"\r\nconnection: close\r\n" in out and closed and writes == 1


def test_pipelined_and_split_requests(served):
    exchange, token = served
    one, two = post(body_of(SAAS), token), post(body_of(SHOP), token, "?detail=summary")
    both = one + two
    out, _, _ = same(exchange, both)
    assert out.count(b"HTTP/1.1 200 OK") == 2
    # Byte by byte in a few pieces: headers, then the body in parts.
    pieces = [both[i:i + 97] for i in range(0, len(both), 97)]
    assert same(exchange, *pieces)[0] == out


def test_behind_a_streamed_request_and_over_http_1_0(served):
    exchange, token = served
    body = body_of(SAAS)
    chunked = post(b"", token, extra="Transfer-Encoding: chunked\r\n", length=False)
    chunked += b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    out, _, _ = same(exchange, chunked + post(body_of(SHOP), token))  # the second waits its turn
    assert out.count(b"HTTP/1.1 200 OK") == 2
    out, writes, closed = same(exchange, post(body, token).replace(b"HTTP/1.1", b"HTTP/1.0", 1))
    assert b"\r\nconnection: close\r\n" in out and closed and writes == 1


def test_a_crash_is_json_500(served, monkeypatch, caplog):
    exchange, token = served

    def boom(*args, **kwargs):
        raise RuntimeError("engine bug")

    monkeypatch.setattr("chujing.web.assess_fast.decide", boom)
    out, _, closed = same(exchange, post(body_of(SAAS), token))
    assert out.startswith(b"HTTP/1.1 500 ") and b"RuntimeError" in out and b"Traceback" not in out
    assert not closed


@pytest.mark.parametrize("kind", ["chunked", "expect", "large", "other path", "GET"])
def test_other_requests_go_through_asgi(served, kind):
    exchange, token = served
    body = body_of(SAAS)
    if kind == "chunked":
        req = post(b"", token, extra="Transfer-Encoding: chunked\r\n", length=False)
        req += b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    elif kind == "expect":
        req = post(body, token, extra="Expect: 100-continue\r\n")
    elif kind == "large":  # declared over 64 kB: refused by the handler before the body is read
        req = post(body, token).replace(f"Content-Length: {len(body)}".encode(),
                                        b"Content-Length: 70000")
    elif kind == "other path":
        req = post(body, token).replace(b"/v1/assess", b"/v1/assessx")
    else:
        req = post(b"", token).replace(b"POST", b"GET")
    out, _, _ = same(exchange, req)
    status = {"chunked": 200, "expect": 200, "large": 413, "other path": 404, "GET": 405}[kind]
    last = [line for line in out.split(b"\r\n") if line.startswith(b"HTTP/1.1 ")][-1]
    assert f" {status} ".encode() in last, out[:300]  # (after "100 Continue" for an Expect)


def test_the_cache_keeps_an_answer_asked_for_twice():
    cache = DecisionCache(2)
    cache.put(("a",), b"1")
    assert cache.get(("a",)) is None  # asked once: not kept
    cache.put(("a",), b"1")
    assert cache.get(("a",)) == b"1"
    for k in "bcd":
        cache.put((k,), k.encode())
        cache.put((k,), k.encode())
    assert cache.get(("a",)) is None and cache.get(("d",)) == b"d"  # least recently used out
