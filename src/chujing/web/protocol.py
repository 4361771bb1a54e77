"""uvicorn's HTTP protocol (httptools), answering `POST /v1/assess` as soon as its body is in.

Through ASGI every request costs uvicorn a task, a coroutine chain (proxy-headers middleware,
the app, the handler), an event, two messages and a regex check of every response header, and
the status line and headers go out in one write and the body in another (two syscalls, two
TCP segments, the client woken twice). An assessment needs none of that: it is synchronous
once the body is read. So when uvicorn would start the ASGI task for a `POST /v1/assess`
whose declared body is small, this protocol waits for the body instead, answers it in the
parser's callback with `assess_fast.whole` (the same checks and bytes as `assess_fast.handle`),
and writes the head and the body together (`writelines`: one `writev`). Anything else — other
paths, a body without Content-Length or over 64 kB, `Expect: 100-continue`, a client not
reading its answers, uvicorn's concurrency limit — goes through ASGI as before.
"""

from __future__ import annotations

import logging

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from chujing.web import assess_fast

log = logging.getLogger("uvicorn.error")

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


class AssessProtocol(HttpToolsProtocol):
    def __init__(self, config, server_state, app_state, _loop=None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.web = find_web(self.app)
        self.waiting = None  # the cycle whose body is being read to answer here

    def _start_asgi_task(self, cycle, app) -> None:
        if app is self.app and self.web is not None and self._direct(cycle):
            if cycle.more_body:
                self.waiting = cycle
            else:  # a pipelined request, already read
                self._answer(cycle)
            return
        super()._start_asgi_task(cycle, app)

    def _direct(self, cycle) -> bool:
        scope = cycle.scope
        if (scope["path"] != assess_fast.PATH or scope["method"] != "POST"
                or cycle.waiting_for_100_continue or self.flow.write_paused):
            return False
        for name, value in scope["headers"]:
            if name == b"content-length":
                return value.isdigit() and int(value) <= SMALL
        return False  # chunked: read as it streams, by the handler

    def on_message_complete(self) -> None:
        super().on_message_complete()
        cycle = self.waiting
        if cycle is not None and cycle is self.cycle:
            self.waiting = None
            self._answer(cycle)

    def _answer(self, cycle) -> None:
        scope = cycle.scope
        status, out, extra = assess_fast.whole(self.web, scope["headers"], scope["query_string"],
                                               bytes(cycle.body))
        head = [STATUS_LINE[status]]
        for name, value in (*self.server_state.default_headers,
                            *assess_fast.response_headers(out, extra)):
            head += (name, b": ", value, b"\r\n")
        if not cycle.keep_alive:
            head.append(b"connection: close\r\n")
        head.append(b"\r\n")
        cycle.response_started = cycle.response_complete = True
        cycle.body = bytearray()
        self.transport.writelines([b"".join(head), out])
        cycle.message_event.set()
        if not cycle.keep_alive:
            self.transport.close()
        self.on_response_complete()
