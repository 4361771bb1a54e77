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
