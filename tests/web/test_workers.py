"""web/workers.py: the eager-accept loop and a listening socket per worker."""

from __future__ import annotations

import asyncio
import socket

import pytest

from chujing.web import workers


class Counting(asyncio.Protocol):
    made: list = []

    def connection_made(self, transport) -> None:
        Counting.made.append(transport)


def test_every_waiting_connection_is_accepted_in_one_turn():
    """uvloop's own server takes one connection per turn of the loop; this one takes them all."""
    Counting.made = []
    listener = workers.bind_reuse_port("127.0.0.1", 0, 128)
    port = listener.getsockname()[1]
    clients = []
    loop = workers.new_event_loop()
    try:
        server = loop.run_until_complete(loop.create_server(Counting, sock=listener, backlog=128))
        for _ in range(60):  # all waiting in the kernel's queue before the loop looks
            c = socket.create_connection(("127.0.0.1", port))
            clients.append(c)
        server._accept()  # one readable event takes every one of them
        assert len(server._pending) == 60
        loop.run_until_complete(asyncio.sleep(0.05))
        assert len(Counting.made) == 60 and not server._pending
        assert server.is_serving()
        server.close()
        assert not server.is_serving()
        loop.run_until_complete(server.wait_closed())
        for t in Counting.made:
            t.close()
        loop.run_until_complete(asyncio.sleep(0))
    finally:
        for c in clients:
            c.close()
        listener.close()
        loop.close()


def test_other_servers_fall_back_to_uvloop():
    """Host and port (no socket given): uvloop's own create_server."""
    loop = workers.new_event_loop()
    try:
        server = loop.run_until_complete(loop.create_server(Counting, "127.0.0.1", 0))
        assert not isinstance(server, workers.EagerServer)
        server.close()
        loop.run_until_complete(server.wait_closed())
    finally:
        loop.close()


@pytest.mark.skipif(not workers.reuse_port_supported(), reason="no SO_REUSEPORT")
def test_a_socket_per_worker_on_one_port():
    first = workers.bind_reuse_port("127.0.0.1", 0, 16)
    port = first.getsockname()[1]
    second = workers.bind_reuse_port("127.0.0.1", port, 16)
    try:
        assert second.getsockname()[1] == port
        # A port held by a socket without SO_REUSEPORT is refused.
        with socket.socket() as plain:
            plain.bind(("127.0.0.1", 0))
            plain.listen(1)
            with pytest.raises(OSError):
                workers.bind_reuse_port("127.0.0.1", plain.getsockname()[1], 16)
    finally:
        first.close()
        second.close()


@pytest.mark.skipif(not workers.reuse_port_supported(), reason="no SO_REUSEPORT")
def test_a_second_server_cannot_join_a_taken_port():
    """SO_REUSEPORT would let a second `chujing serve` on the same port share the first one's
    traffic: the port must be free before the workers' sockets are bound."""
    first = workers.bind_sockets("127.0.0.1", 0, 2, 16)
    port = first[0].getsockname()[1]
    try:
        assert [s.getsockname()[1] for s in first] == [port, port]
        for n in (1, 2):
            with pytest.raises(OSError):
                workers.bind_sockets("127.0.0.1", port, n, 16)
    finally:
        for s in first:
            s.close()
    again = workers.bind_sockets("127.0.0.1", port, 2, 16)  # free again
    for s in again:
        s.close()


@pytest.mark.slow
@pytest.mark.skipif(not workers.reuse_port_supported(), reason="no SO_REUSEPORT")
def test_a_dead_worker_is_replaced_on_its_socket(tmp_path):
    """Kill one of two workers: its successor takes over its socket, so every new connection (the
    kernel hashes some to that socket) is still answered."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "chujing", "serve", "--port", str(port),
                             "--workers", "2", "--no-auth"],
                            env={**os.environ, "CHUJING_HOME": str(tmp_path)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def children() -> set[int]:
        found = set()
        for task in Path(f"/proc/{proc.pid}/task").glob("*/children"):
            found |= {int(c) for c in task.read_text().split()}
        # uvicorn's workers, not multiprocessing's resource tracker
        return {p for p in found if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()}

    def healthy(n: int) -> bool:
        for _ in range(n):  # fresh connections: both sockets get some
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as r:
                if r.status != 200:
                    return False
        return True

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert healthy(1)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        before = children()
        assert len(before) == 2
        victim = max(before)
        os.kill(victim, signal.SIGKILL)
        assert healthy(20)  # waits in the socket's queue until the successor starts
        assert victim not in children()
    finally:
        proc.terminate()
        proc.wait(30)
