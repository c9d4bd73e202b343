"""The server the browser tests use: what a browser does to it must not leak into another test."""

from __future__ import annotations

import gc
import socket
import struct
import time


def test_a_connection_the_client_resets_leaves_no_open_file(base_url: str) -> None:
    """A browser that resets the connection after a static file (it does for a cached favicon) leaves no file open.

    Werkzeug's server closes the response only after draining the socket; a reset there used to leave
    the static file to the garbage collector, and its ResourceWarning failed whichever test ran next.
    """
    host, port = base_url.removeprefix("http://").split(":")
    for _ in range(20):
        with socket.create_connection((host, int(port))) as conn:
            conn.sendall(b"GET /static/favicon.svg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            conn.recv(1)  # the response has begun
            conn.sendall(b"x")  # something for the server's drain to read, then a reset (linger 0)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(0.5)
    gc.collect()  # an unclosed file warns here, and pytest's filterwarnings = error fails the test
