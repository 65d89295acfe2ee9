#!/usr/bin/env python3
"""Local receivers of beaver's notifications, recording what it sends, for the notification
scenario (tests/integration/notify.sh) and the demo (examples/demo.sh).

  notify_receivers.py free-port              prints a free loopback port below 32768
  notify_receivers.py http PORT LOG          a webhook receiver: appends {"path", "body"} per POST
  notify_receivers.py smtp PORT LOG [--tls CERT KEY] [--implicit] [--auth USER:PASSWORD]
      an SMTP sink: appends {"from", "to", "data", "tls", "user"} per mail. With --tls it offers
      STARTTLS (or, with --implicit, speaks TLS from the first byte); with --auth it accepts
      AUTH PLAIN and AUTH LOGIN with that login only, and refuses mail from anyone not logged in.
  notify_receivers.py show LOG...            prints the messages of the logs as people read them

Each log line is one JSON object, written before the reply, so a sender that got its reply finds
it in the log. The servers run until killed.
"""
import base64
import email
import email.header
import email.policy
import http.server
import json
import random
import re
import socket
import socketserver
import ssl
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


def serve_smtp(port, log, cert=None, key=None, implicit=False, login=None):
    context = None
    if cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line):
            self.wfile.write((line + "\r\n").encode())
            self.wfile.flush()

        def start_tls(self):
            self.request = context.wrap_socket(self.request, server_side=True)
            self.rfile = self.request.makefile("rb")
            self.wfile = self.request.makefile("wb")
            self.tls = True

        def read_line(self):
            return self.rfile.readline().decode("utf-8", "replace")

        def authenticate(self, line):
            words = line.split()
            method = words[1].upper() if len(words) > 1 else ""
            if method == "PLAIN":
                if len(words) > 2:
                    token = words[2]
                else:
                    self.reply("334 ")
                    token = self.read_line().strip()
                _, user, password = base64.b64decode(token).decode().split("\0")
            elif method == "LOGIN":
                self.reply("334 " + base64.b64encode(b"Username:").decode())
                user = base64.b64decode(self.read_line().strip()).decode()
                self.reply("334 " + base64.b64encode(b"Password:").decode())
                password = base64.b64decode(self.read_line().strip()).decode()
            else:
                self.reply("504 unrecognized authentication type")
                return
            if login and f"{user}:{password}" == login:
                self.user = user
                self.reply("235 authenticated")
            else:
                self.reply("535 authentication credentials invalid")

        def handle(self):
            self.tls, self.user = False, None
            if implicit:
                self.start_tls()
            self.reply("220 sink ready")
            sender, recipients = None, []
            while True:
                try:
                    line = self.read_line()
                except (ssl.SSLError, OSError):
                    return
                if not line:
                    return
                verb = line.strip().split(" ")[0].upper()
                if verb == "EHLO":
                    self.reply("250-sink")
                    if context and not self.tls:
                        self.reply("250-STARTTLS")
                    if login:
                        self.reply("250-AUTH PLAIN LOGIN")
                    self.reply("250 8BITMIME")
                elif verb == "HELO":
                    self.reply("250 sink")
                elif verb == "STARTTLS" and context and not self.tls:
                    self.reply("220 go ahead")
                    try:
                        self.start_tls()
                    except (ssl.SSLError, OSError):
                        return  # the client refused our certificate
                elif verb == "AUTH" and login:
                    self.authenticate(line)
                elif verb == "MAIL":
                    if login and not self.user:
                        self.reply("530 authentication required")
                        continue
                    sender, recipients = address(line), []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(address(line))
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 end with .")
                    data = []
                    while True:
                        part = self.read_line()
                        if part in ("", ".\r\n", ".\n"):
                            break
                        data.append(part[1:] if part.startswith("..") else part)
                    append(log, {"from": sender, "to": recipients, "data": "".join(data),
                                 "tls": self.tls, "user": self.user})
                    self.reply("250 queued")
                elif verb in ("QUIT",):
                    self.reply("221 bye")
                    return
                elif verb in ("RSET", "NOOP"):
                    self.reply("250 OK")
                else:
                    self.reply("502 command not implemented")

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    socketserver.ThreadingTCPServer(("127.0.0.1", port), Handler).serve_forever()


def message_text(body):
    """The text a chat shows for a webhook body, in any of beaver's formats."""
    if not isinstance(body, dict):
        return str(body)
    markdown = body.get("markdown")
    if isinstance(markdown, dict):
        text = markdown.get("content", markdown.get("text", ""))
        return "\n".join(line for line in text.split("\n") if line).replace("**", "")
    content = body.get("content")
    if isinstance(content, dict) and "text" in content:
        return content["text"]
    if "text" in body:
        return body["text"]
    return json.dumps(body, ensure_ascii=False)


def show(logs):
    """Each recorded message: who got it, then its text, indented."""
    count = 0
    for log in logs:
        try:
            with open(log, encoding="utf-8") as f:
                records = [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            records = []
        for record in records:
            count += 1
            if "data" in record:
                mail = email.message_from_string(record["data"], policy=email.policy.default)
                print(f"mail to {', '.join(record['to'])} (from {record['from']})")
                print(f"  Subject: {mail['subject']}")
                part = mail.get_body(preferencelist=("plain",))
                text = part.get_content() if part else ""
                # beaver's text repeats the subject as its first line.
                if text.split("\n", 1)[0] == mail["subject"]:
                    text = text.split("\n", 1)[1] if "\n" in text else ""
            else:
                print(f"webhook POST {record['path']}")
                text = message_text(record["body"])
            for line in text.rstrip("\n").split("\n"):
                print(f"  {line}".rstrip())
            print()
    if count == 0:
        print("(nothing received)")


if __name__ == "__main__":
    if sys.argv[1] == "free-port":
        print(free_port())
    elif sys.argv[1] == "show":
        show(sys.argv[2:])
    elif sys.argv[1] == "http":
        serve_http(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "smtp":
        args, options = sys.argv[4:], {}
        while args:
            flag = args.pop(0)
            if flag == "--tls":
                options["cert"], options["key"] = args.pop(0), args.pop(0)
            elif flag == "--implicit":
                options["implicit"] = True
            elif flag == "--auth":
                options["login"] = args.pop(0)
            else:
                raise SystemExit(f"unknown option {flag}")
        serve_smtp(int(sys.argv[2]), sys.argv[3], **options)
    else:
        raise SystemExit("usage: notify_receivers.py free-port | http PORT LOG | smtp PORT LOG"
                         " | show LOG...")
