#!/usr/bin/env python3
"""Package archives as an attacker would make them, for the intake tests.

usage: craft_package.py KIND OUT

Every kind is a .tar.gz that looks like one 'beaver package' made (a MANIFEST.json listing each
file with its size and SHA-256, a valid beaver.yaml) except for the one thing KIND names:

  good              nothing wrong
  pax-bomb          a pax header declaring 1 GiB, in a file of a few hundred bytes
  pax-global        a pax global header whose path=../../x GNU tar applies to later members
  false-checksum    lib/app.jar's SHA-256 in MANIFEST.json is another file's
  false-size        lib/app.jar's size in MANIFEST.json is one byte more
  unlisted          lib/extra.jar is not in MANIFEST.json
  missing           MANIFEST.json lists lib/gone.jar, which is not there
  duplicate         MANIFEST.json twice (the second, with another version, would win in tar)
  duplicate-key     MANIFEST.json names "version" twice
  setuid            bin/app is mode 4755
  zip-bomb          lib/zeros.bin: 3 MiB of zeros, listed truly (a few KiB compressed)
  bad-host          beaver.yaml has a host with a shell metacharacter
  other-service     beaver.yaml names another service than MANIFEST.json
  false-config      MANIFEST.json's text of beaver.yaml, shown to approvers, is not the file's
"""

import hashlib
import io
import json
import sys
import tarfile

SERVICE, TEAM, VERSION = "pay-api", "pay", "7.0.0"


def spec(service=SERVICE, hosts=("ssh://deploy@h1.example.com/srv/app",)):
    lines = [f"service: {service}", f"team: {TEAM}", "pipeline: java-maven", "environments:",
             "  prod:", "    hosts:"] + [f"      - {h}" for h in hosts]
    return ("\n".join(lines) + "\n").encode()


def manifest(files, version=VERSION, extra=b""):
    listed = [{"path": p, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
              for p, d in sorted(files.items())]
    doc = {"format": 1, "service": SERVICE, "version": version, "team": TEAM,
           "git": {"commit": "abc1234", "branch": "main", "tag": None,
                   "commit_time": "2026-05-01T00:00:00Z", "dirty": False},
           "build": {"allow_dirty": False}, "files": listed}
    return json.dumps(doc, indent=2).encode() + extra, listed


def write(out, members, **tar_options):
    """members: (name, bytes, mode) in order."""
    with tarfile.open(out, "w:gz", **tar_options) as t:
        for name, data, mode in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, 1777593600
            t.addfile(info, io.BytesIO(data))


def package(out, files=None, modes=None, manifest_bytes=None, tail=(), **tar_options):
    files = dict(files or {"bin/app": b"#!/bin/sh\nexec java -jar lib/app.jar\n",
                           "lib/app.jar": b"PK\x03\x04 not really a jar"})
    files.setdefault("beaver.yaml", spec())
    body = manifest_bytes if manifest_bytes is not None else manifest(files)[0]
    modes = modes or {}
    members = [("MANIFEST.json", body, 0o644)]
    members += [(p, d, modes.get(p, 0o755 if p.startswith("bin/") else 0o644))
                for p, d in sorted(files.items())]
    write(out, members + list(tail), **tar_options)


def pax_bomb(out):
    # One ustar header of type 'x' whose size field says 1 GiB, then the end of the archive.
    h = bytearray(512)
    h[0:5] = b"PaxHd"
    h[100:107] = b"0000644"
    h[124:135] = b"10000000000"
    h[156:157] = b"x"
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[148:156] = b" " * 8
    h[148:155] = f"{sum(h):06o}\0".encode()
    import gzip
    with gzip.open(out, "wb") as f:
        f.write(bytes(h) + bytes(1024))


def main():
    kind, out = sys.argv[1], sys.argv[2]
    jar = b"PK\x03\x04 not really a jar"
    base = {"bin/app": b"#!/bin/sh\n", "lib/app.jar": jar, "beaver.yaml": spec()}
    if kind == "good":
        package(out)
    elif kind == "pax-bomb":
        pax_bomb(out)
    elif kind == "pax-global":
        package(out, format=tarfile.PAX_FORMAT, pax_headers={"path": "../../x"})
    elif kind in ("false-checksum", "false-size"):
        body, listed = manifest(base)
        doc = json.loads(body)
        for f in doc["files"]:
            if f["path"] == "lib/app.jar":
                if kind == "false-checksum":
                    f["sha256"] = hashlib.sha256(b"another file").hexdigest()
                else:
                    f["size"] += 1
        package(out, base, manifest_bytes=json.dumps(doc).encode())
    elif kind == "unlisted":
        body, _ = manifest(base)
        package(out, dict(base, **{"lib/extra.jar": b"extra"}), manifest_bytes=body)
    elif kind == "missing":
        body, _ = manifest(dict(base, **{"lib/gone.jar": b"gone"}))
        package(out, base, manifest_bytes=body)
    elif kind == "duplicate":
        second, _ = manifest(base, version="6.6.6")
        package(out, base, tail=[("MANIFEST.json", second, 0o644)])
    elif kind == "duplicate-key":
        body, _ = manifest(base)
        body = body.replace(b'"version": "7.0.0",', b'"version": "7.0.0", "version": "6.6.6",')
        package(out, base, manifest_bytes=body)
    elif kind == "setuid":
        package(out, base, modes={"bin/app": 0o4755})
    elif kind == "zip-bomb":
        package(out, dict(base, **{"lib/zeros.bin": bytes(3 << 20)}))
    elif kind == "bad-host":
        package(out, dict(base, **{"beaver.yaml": spec(hosts=("ssh://deploy@h1;reboot/srv/app",))}))
    elif kind == "false-config":
        body, _ = manifest(base)
        doc = json.loads(body)
        doc["config"] = [{"path": "beaver.yaml", "text": "service: pay-api\nteam: pay\n"}]
        package(out, base, manifest_bytes=json.dumps(doc).encode())
    elif kind == "other-service":
        package(out, dict(base, **{"beaver.yaml": spec(service="billing")}))
    else:
        sys.exit(f"unknown kind {kind}")


if __name__ == "__main__":
    main()
