"""uvicorn workers that take new connections at once, each on a listening socket of its own.

Under load uvloop accepts one connection per turn of its event loop (strace: one `accept4` every
~90 ms while a worker answers ~100 requests a turn), so a burst of 200 new connections waited in
the kernel's accept queue for seconds: the p99 tail of bench/serve.py. Two fixes:

- `new_event_loop`: uvloop, but a listening socket handed to `create_server` is read by a reader
  callback that accepts every waiting connection (up to the backlog) and hands each to
  `connect_accepted_socket`, as asyncio's own loop does.
- `SocketPerWorker`: each worker has its own socket on the same port (SO_REUSEPORT), so the
  kernel spreads new connections evenly; with one shared socket whichever worker woke first took
  them all. The parent binds every socket before starting the workers (a taken port fails at
  once) and keeps them: a worker that dies is replaced on the same socket, so the connections
  queued on it are served by its successor. Where SO_REUSEPORT is missing the socket is shared.
"""

from __future__ import annotations

import asyncio
import logging
import socket

import uvloop
from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process

log = logging.getLogger("uvicorn.error")
LOOP = "chujing.web.workers:new_event_loop"  # uvicorn's `loop` option


class EagerAcceptLoop(uvloop.Loop):
    """uvloop, accepting every waiting connection when a listening socket is readable."""

    async def create_server(self, protocol_factory, host=None, port=None, *, sock=None,
                            backlog=100, ssl=None, **options):
        if sock is None or ssl is not None or options:
            return await super().create_server(protocol_factory, host, port, sock=sock,
                                               backlog=backlog, ssl=ssl, **options)
        return EagerServer(self, protocol_factory, sock, backlog)


def new_event_loop() -> asyncio.AbstractEventLoop:
    return EagerAcceptLoop()


class EagerServer:
    """What uvicorn uses of an asyncio Server (close, wait_closed), over a reader callback."""

    def __init__(self, loop: EagerAcceptLoop, protocol_factory, sock: socket.socket, backlog: int):
        self.loop, self.protocol_factory, self.sock, self.backlog = loop, protocol_factory, sock, backlog
        self.sockets = [sock]
        self._pending: set[asyncio.Task] = set()
        sock.setblocking(False)
        sock.listen(backlog)
        loop.add_reader(sock.fileno(), self._accept)

    def _accept(self) -> None:
        for _ in range(self.backlog):
            try:
                conn, _addr = self.sock.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                return
            except OSError as exc:  # out of file descriptors: try again on the next turn
                log.error(f"accept failed: {exc}")
                return
            conn.setblocking(False)
            if conn.family != socket.AF_UNIX:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            task = self.loop.create_task(self.loop.connect_accepted_socket(self.protocol_factory, conn))
            self._pending.add(task)
            task.add_done_callback(lambda t, conn=conn: self._connected(t, conn))

    def _connected(self, task: asyncio.Task, conn: socket.socket) -> None:
        self._pending.discard(task)
        if task.cancelled() or task.exception() is not None:  # the peer left before we got to it
            conn.close()

    def close(self) -> None:
        if self.sockets:
            self.loop.remove_reader(self.sock.fileno())
            self.sockets = []
            for task in self._pending:
                task.cancel()

    async def wait_closed(self) -> None:
        return None

    def is_serving(self) -> bool:
        return bool(self.sockets)


def reuse_port_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def bind_reuse_port(host: str, port: int, backlog: int, reuse_port: bool = True) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port and reuse_port_supported():
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def bind_sockets(host: str, port: int, n: int, backlog: int) -> list[socket.socket]:
    """`n` listening sockets on one port (one without SO_REUSEPORT when `n` is 1). The port must be
    free: SO_REUSEPORT would otherwise let a second server join the first one's port unnoticed."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if port:
        with socket.socket(family, socket.SOCK_STREAM) as probe:  # raises if anything listens there
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    if n == 1:
        return [bind_reuse_port(host, port, backlog, reuse_port=False)]
    sockets: list[socket.socket] = []
    try:
        for _ in range(n):
            sockets.append(bind_reuse_port(host, port, backlog))
            port = sockets[0].getsockname()[1]  # port 0: every worker on the port the first got
    except OSError:
        for s in sockets:
            s.close()
        raise
    return sockets


class SocketPerWorker(Multiprocess):
    """uvicorn's supervisor (signals, health checks, restarts), with worker i on socket i."""

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        super().__init__(config, sockets)
        self.processes_num = len(sockets)

    def _start(self, slot: int) -> Process:
        process = Process(self.config, [self.sockets[slot]])
        process.start()
        return process

    def init_processes(self) -> None:
        self.processes = [self._start(slot) for slot in range(self.processes_num)]

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for slot, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung or dead
            process.join()
            if process.exitcode == STARTUP_FAILURE:  # the app is broken: restarting would not help
                log.error(f"Child process [{process.pid}] failed to start, stopping the parent process.")
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            log.info(f"Child process [{process.pid}] died")
            self.processes[slot] = self._start(slot)

    def restart_all(self) -> None:
        for slot, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._start(slot)
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                return
            old.terminate()
            old.join()
            self.processes[slot] = new

    def handle_ttin(self) -> None:  # one socket per worker: the count is fixed at start
        log.info("Received SIGTTIN: the number of workers is fixed with a socket per worker")

    def handle_ttou(self) -> None:
        log.info("Received SIGTTOU: the number of workers is fixed with a socket per worker")


def run(app, host: str, port: int, workers: int, **options) -> None:
    """`uvicorn.run(…)` on the eager-accept loop, with a listening socket per worker. `app` is the
    import string of an app factory for several workers, or the app itself for one."""
    from uvicorn.server import Server

    from chujing.web.protocol import PATH as HTTP

    config = Config(app, host=host, port=port, workers=workers, factory=isinstance(app, str),
                    loop=LOOP, http=HTTP, **options)
    try:
        sockets = bind_sockets(host, port, workers if reuse_port_supported() else 1, config.backlog)
    except OSError as exc:
        log.error(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
        raise SystemExit(STARTUP_FAILURE) from None
    port = sockets[0].getsockname()[1]
    log.info(f"Uvicorn running on http://{host}:{port} ({workers} worker(s), "
             f"{len(sockets)} listening socket(s))")
    try:
        if workers == 1:
            Server(config).run(sockets=sockets)
        elif len(sockets) == 1:
            Multiprocess(config, sockets).run()
        else:
            SocketPerWorker(config, sockets).run()
    finally:
        for s in sockets:
            s.close()
