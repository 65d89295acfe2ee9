#!/usr/bin/env python3
"""Slow, idle and hostile clients of a beaver server, for tests/integration/slow_clients.sh.

  slow_clients.py hold PORT TOKEN OUT
      From 127.0.0.2: 500 idle connections, then one more (over the server's per-address cap,
      which the test sets to 500). From 127.0.0.3: 100 connections sending a request's head a
      line every 0.5 s. From 127.0.0.4: a PUT declaring a package of 500 MiB, sending a byte a
      second. Touches OUT/ready once all are open; writes OUT/result.json once the trickling
      ones and the upload have ended (or after 60 s); holds the idle ones until SIGTERM.

  slow_clients.py fill PORT N OUT
      N idle connections from 127.0.0.5, opened one after the other; touches OUT/ready, then
      once OUT/go exists writes OUT/result.json: which of them the server has closed.
"""
import json
import os
import resource
import selectors
import signal
import socket
import sys
import time

IDLE, TRICKLING = 500, 100


def connect(port, source):
    s = socket.socket()
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def closed_by_server(s, wait):
    """Whether the server closes `s` within `wait` seconds (nothing is sent on it)."""
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def still_open(s):
    s.setblocking(False)
    try:
        return s.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def touch(path):
    open(path, "w").close()


def write_json(path, value):
    with open(path + ".tmp", "w") as f:
        json.dump(value, f)
    os.rename(path + ".tmp", path)


class Held:
    """A connection the server is expected to end: when, and with what first bytes."""

    def __init__(self, sock):
        self.sock = sock
        self.start = time.monotonic()
        self.answer = b""
        self.end = None

    def ended(self):
        self.end = time.monotonic()

    def report(self):
        return {
            "answer": self.answer[:12].decode("latin-1"),
            "seconds": None if self.end is None else round(self.end - self.start, 2),
        }


def hold(port, token, out):
    idle = [connect(port, "127.0.0.2") for _ in range(IDLE)]
    over_cap_closed = closed_by_server(connect(port, "127.0.0.2"), 2)

    selector = selectors.DefaultSelector()
    trickling = []
    for _ in range(TRICKLING):
        h = Held(connect(port, "127.0.0.3"))
        h.sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        trickling.append(h)
    upload = Held(connect(port, "127.0.0.4"))
    upload.sock.sendall(
        (
            f"PUT /api/v1/packages/{'0' * 64} HTTP/1.1\r\nHost: beaver\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/gzip\r\n"
            f"Content-Length: {500 << 20}\r\n\r\n"
        ).encode()
    )
    for h in trickling + [upload]:
        h.sock.setblocking(False)
        selector.register(h.sock, selectors.EVENT_READ, h)
    touch(os.path.join(out, "ready"))

    give_up = time.monotonic() + 60
    next_line = next_byte = time.monotonic()
    lines = 0
    while selector.get_map() and time.monotonic() < give_up:
        now = time.monotonic()
        if now >= next_line:
            lines += 1
            for h in trickling:
                if h.end is None:
                    try:
                        h.sock.send(f"X-Slow-{lines}: x\r\n".encode())
                    except OSError:
                        pass  # the server closed it: the read below sees so
            next_line += 0.5
        if now >= next_byte and upload.end is None:
            try:
                upload.sock.send(b"\0")
            except OSError:
                pass
            next_byte += 1
        wait = max(0, min(next_line, next_byte) - time.monotonic())
        for key, _ in selector.select(wait):
            h = key.data
            try:
                data = h.sock.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if data:
                h.answer += data
                continue
            h.ended()
            selector.unregister(h.sock)
            h.sock.close()

    write_json(
        os.path.join(out, "result.json"),
        {
            "over_cap_closed": over_cap_closed,
            "idle_open": sum(still_open(s) for s in idle),
            "trickling": [h.report() for h in trickling],
            "upload": upload.report(),
        },
    )
    signal.sigwait([signal.SIGTERM, signal.SIGINT])


def fill(port, n, out):
    idle = [connect(port, "127.0.0.5") for _ in range(n)]
    touch(os.path.join(out, "ready"))
    while not os.path.exists(os.path.join(out, "go")):
        time.sleep(0.02)
    closed = [i for i, s in enumerate(idle) if not still_open(s)]
    write_json(os.path.join(out, "result.json"), {"closed": closed})
    signal.sigwait([signal.SIGTERM, signal.SIGINT])


def main():
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM, signal.SIGINT])
    # More sockets than a default soft limit of 1024 may allow.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "hold":
        hold(port, sys.argv[3], sys.argv[4])
    else:
        fill(port, int(sys.argv[3]), sys.argv[4])


if __name__ == "__main__":
    main()
