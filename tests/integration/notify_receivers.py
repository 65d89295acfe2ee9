#!/usr/bin/env python3
"""Local receivers for the notification scenario, recording what beaver sends.

  notify_receivers.py free-port              prints a free loopback port below 32768
  notify_receivers.py http PORT LOG          a webhook receiver: appends {"path", "body"} per POST
  notify_receivers.py smtp PORT LOG          an SMTP sink: appends {"from", "to", "data"} per mail

Each log line is one JSON object, written before the reply, so a sender that got its reply finds
it in the log. The servers run until killed.
"""
import http.server
import json
import random
import re
import socket
import socketserver
import sys


def free_port():
    # Below Linux's range for outgoing connections' ports, so no client takes it meanwhile.
    for _ in range(200):
        port = random.randint(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port")


def append(log, record):
    with open(log, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


def serve_http(port, log):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8")
            append(log, {"path": self.path, "content_type": self.headers.get("Content-Type"),
                         "body": json.loads(body)})
            reply = b'{"errcode":0,"code":0,"ok":true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    http.server.HTTPServer.allow_reuse_address = True
    http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()


def address(command):
    """The address in "MAIL FROM:<a@b>" or "RCPT TO: <a@b>"."""
    found = re.search(r"<([^>]*)>", command)
    return found.group(1) if found else command.split(":", 1)[1].strip()


def serve_smtp(port, log):
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line):
            self.wfile.write((line + "\r\n").encode())
            self.wfile.flush()

        def handle(self):
            self.reply("220 sink ready")
            sender, recipients = None, []
            while True:
                line = self.rfile.readline().decode("utf-8", "replace")
                if not line:
                    return
                verb = line.strip().split(" ")[0].upper()
                if verb == "EHLO":
                    self.reply("250-sink")
                    self.reply("250 8BITMIME")
                elif verb == "HELO":
                    self.reply("250 sink")
                elif verb == "MAIL":
                    sender, recipients = address(line), []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(address(line))
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 end with .")
                    data = []
                    while True:
                        part = self.rfile.readline().decode("utf-8", "replace")
                        if part in ("", ".\r\n", ".\n"):
                            break
                        data.append(part[1:] if part.startswith("..") else part)
                    append(log, {"from": sender, "to": recipients, "data": "".join(data)})
                    self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 OK")

    socketserver.TCPServer.allow_reuse_address = True
    socketserver.TCPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    if sys.argv[1] == "free-port":
        print(free_port())
    elif sys.argv[1] == "http":
        serve_http(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "smtp":
        serve_smtp(int(sys.argv[2]), sys.argv[3])
    else:
        raise SystemExit("usage: notify_receivers.py free-port | http PORT LOG | smtp PORT LOG")
