"""uvicorn's HTTP protocol (httptools), answering `POST /v1/assess` as soon as its body is in.

Through ASGI every request costs uvicorn a request cycle with its event, a task, a coroutine
chain (proxy-headers middleware, the app, the handler), two messages and a regex check of every
response header, and the status line and headers go out in one write and the body in another
(two syscalls, two TCP segments, the client woken twice). An assessment needs none of that: it
is synchronous once the body is read. So when the headers of a `POST /v1/assess` with a small
declared body are in, this protocol keeps a `Pending` request in the cycle's place, reads the
body into it, answers in the parser's callback with `assess_fast.whole` (the same checks and
bytes as `assess_fast.handle`) and writes head and body together (`writelines`: one `writev`).
Anything else — other paths, a body without Content-Length or over 64 kB, `Expect:
100-continue`, an upgrade, a client not reading its answers, uvicorn's concurrency limit, a
request pipelined behind one still running — goes through ASGI as before.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from chujing.web import assess_fast

SMALL = 65536  # uvicorn pauses reading past this much unread body: such bodies take the ASGI path
PATH = "chujing.web.protocol:AssessProtocol"  # uvicorn's `http` option


def find_web(app):
    """The ChujingApp's state under uvicorn's wrappers (proxy headers, logging), or None."""
    from chujing.web.app import ChujingApp

    for _ in range(8):
        if isinstance(app, ChujingApp):
            return app.web
        app = getattr(app, "app", None)
    return None


class _Nobody:
    """uvicorn sets a cycle's event when body arrives or the client leaves: nobody waits here."""

    @staticmethod
    def set() -> None:
        pass


class Pending:
    """What uvicorn's protocol reads and writes of a request cycle, for a request answered here."""

    __slots__ = ("headers", "query", "keep_alive", "body", "more_body", "response_complete",
                 "disconnected")
    message_event = _Nobody

    def __init__(self, headers: list, query: bytes, keep_alive: bool) -> None:
        self.headers, self.query, self.keep_alive = headers, query, keep_alive
        self.body = bytearray()
        self.more_body = True
        self.response_complete = self.disconnected = False


PATH_BYTES = assess_fast.PATH.encode()


class AssessProtocol(HttpToolsProtocol):
    def __init__(self, config, server_state, app_state, _loop=None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.web = find_web(self.app)

    def on_headers_complete(self) -> None:
        pending = self._pending()
        if pending is None:
            super().on_headers_complete()
        else:
            self.cycle = pending

    def _pending(self) -> Pending | None:
        """A Pending for a `POST /v1/assess` this protocol answers itself, else None."""
        path, _, query = self.url.partition(b"?")
        parser = self.parser
        if (path != PATH_BYTES or b"#" in query or self.web is None or self.root_path
                or parser.get_method() != b"POST" or parser.should_upgrade()
                or self.expect_100_continue or self.flow.write_paused
                or self.limit_concurrency is not None
                or (self.cycle is not None and not self.cycle.response_complete)):
            return None
        length = None
        for name, value in self.headers:
            if name == b"content-length":
                length = value
        if length is None or not length.isdigit() or int(length) > SMALL:
            return None  # chunked, or large: read as it streams by the handler
        self.scope["method"] = "POST"
        keep_alive = parser.get_http_version() != "1.0" and parser.should_keep_alive()
        return Pending(self.headers, query, keep_alive)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        cycle = self.cycle
        if type(cycle) is Pending and not cycle.response_complete:
            self._answer(cycle)

    def _answer(self, cycle: Pending) -> None:
        status, out, extra = assess_fast.whole(self.web, cycle.headers, cycle.query,
                                               bytes(cycle.body))
        head = [STATUS_LINE[status]]
        for name, value in (*self.server_state.default_headers,
                            *assess_fast.response_headers(out, extra)):
            head += (name, b": ", value, b"\r\n")
        if not cycle.keep_alive:
            head.append(b"connection: close\r\n")
        head.append(b"\r\n")
        cycle.response_complete = True
        cycle.body = bytearray()
        self.transport.writelines([b"".join(head), out])
        if not cycle.keep_alive:
            self.transport.close()
        self.on_response_complete()
