#!/usr/bin/env python3
"""Independent cross-check of an s3gen run: re-parses every log object with a
strict S3 access-log parser written from the format documentation (not from
s3gen's code), recomputes the ground truth and compares it with --truth JSON.

    python3 tools/s3gen/check_truth.py DIR TRUTH.json

Also checks: object names (YYYY-MM-DD-HH-MM-SS-<16 HEX>, time = earliest
record of the object), exact line count, that files overlap in time and are
not perfectly sorted.  Exit status 0 when everything matches.
"""
import collections
import datetime as dt
import json
import os
import re
import sys
import urllib.parse

MONTHS = {m: i + 1 for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}

# Fields 1..17 (up to the user agent).  The request-URI and the user agent may
# contain raw double quotes; a quoted field ends at the quote that is followed
# by what must come next.  Referrer, user agent and request-URI may be a bare -.
HEAD = re.compile(
    rb'^(?P<owner>\S+) +(?P<bucket>\S+) +'
    rb'\[(?P<day>\d\d)/(?P<mon>[A-Za-z]{3})/(?P<year>\d{4}):(?P<h>\d\d):(?P<m>\d\d):(?P<s>\d\d) '
    rb'(?P<tz>[+-]\d{4})\] +'
    rb'(?P<ip>\S+) +(?P<requester>\S+) +(?P<reqid>\S+) +(?P<op>\S+) +(?P<key>\S+) +'
    rb'(?:"(?P<uri>.*?)"|(?P<uri_dash>-)) +'
    rb'(?P<status>\d{3}|-) +(?P<err>\S+) +(?P<bytes>\d+|-) +(?P<size>\d+|-) +'
    rb'(?P<total>\d+|-) +(?P<turn>\d+|-) +'
    rb'(?:"(?P<ref>[^"]*)"|(?P<ref_dash>-)) +'
    rb'(?:"(?P<ua>.*?)"|(?P<ua_dash>-))(?= |$)'
    rb'(?P<rest>.*)$')

# Remaining field counts after the user agent: 18-, 24-, 26- and 27-field shapes.
REST_COUNTS = {1, 7, 9, 10}


def parse(line: bytes):
    """Returns a dict for a valid record or None."""
    if line.endswith(b"\r"):
        line = line[:-1]
    line = line.rstrip(b" ")
    m = HEAD.match(line)
    if not m:
        return None
    if m["mon"].decode() not in MONTHS:
        return None
    rest = m["rest"].split()
    if len(rest) not in REST_COUNTS:
        return None
    uri = m["uri"]
    if uri is not None and uri != b"-":
        if not re.match(rb"^[A-Z]+ \S.* HTTP/1\.[01]$", uri):
            return None
    tz = m["tz"].decode()
    off = (int(tz[1:3]) * 60 + int(tz[3:5])) * (1 if tz[0] == "+" else -1)
    try:
        local = dt.datetime(int(m["year"]), MONTHS[m["mon"].decode()], int(m["day"]),
                            int(m["h"]), int(m["m"]), int(m["s"]), tzinfo=dt.timezone.utc)
    except ValueError:
        return None
    utc = local - dt.timedelta(minutes=off)
    org = "-"
    if uri is not None and uri != b"-":
        target = uri[uri.index(b" ") + 1:uri.rindex(b" ")]
        if b"?" in target:
            for p in target.split(b"?", 1)[1].split(b"&"):
                name, _, value = p.partition(b"=")
                if name == b"org":
                    org = urllib.parse.unquote(value.decode("latin-1"))
    return {
        "bucket": m["bucket"].decode(),
        "op": m["op"].decode(),
        "status": m["status"].decode(),
        "bytes": 0 if m["bytes"] == b"-" else int(m["bytes"]),
        "size": None if m["size"] == b"-" else int(m["size"]),
        "utc": utc,
        "org": org,
        "nfields": 17 + len(rest),
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    root, truth_path = sys.argv[1], sys.argv[2]
    truth = json.load(open(truth_path))
    name_re = re.compile(r"^(\d{4})-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-[0-9A-F]{16}$")

    lines = valid = 0
    tot = collections.Counter()
    groups = {k: collections.defaultdict(lambda: [0, 0])
              for k in ("by_org", "by_status", "by_hour", "by_operation", "by_bucket")}
    shapes = collections.Counter()
    quirks = collections.Counter()
    problems = []
    windows = []
    unsorted_files = 0
    for name in sorted(os.listdir(root)):
        if name.startswith("."):
            problems.append(f"leftover temporary file {name}")
            continue
        nm = name_re.match(name)
        if not nm:
            problems.append(f"bad object name {name}")
            continue
        name_time = dt.datetime(*map(int, nm.groups()), tzinfo=dt.timezone.utc)
        data = open(os.path.join(root, name), "rb").read()
        if not data.endswith(b"\n"):
            problems.append(f"{name}: last line without newline")
        times = []
        for raw in data.split(b"\n")[:-1]:
            lines += 1
            quirks["crlf"] += raw.endswith(b"\r")
            quirks["trailing space"] += raw.rstrip(b"\r").endswith(b" ")
            r = parse(raw)
            if r is None:
                continue
            valid += 1
            quirks["double space"] += b"  " in raw.split(b'"')[0] or bool(re.search(rb"[^ ]  [^ ]", raw.split(b'"')[-1]))
            quirks["offset != +0000"] += b" +0000]" not in raw
            shapes[r["nfields"]] += 1
            times.append(r["utc"])
            b = r["bytes"]
            tot["bytes_sent"] += b
            if r["op"] in ("REST.PUT.OBJECT", "REST.PUT.PART", "REST.POST.OBJECT") and r["size"] is not None:
                tot["bytes_uploaded"] += r["size"]
            if r["status"].startswith("4"):
                tot["errors_4xx"] += 1
            elif r["status"].startswith("5"):
                tot["errors_5xx"] += 1
            if r["size"] is not None and r["size"] >= 1 << 32:
                quirks["object size > 4 GiB"] += 1
            for g, k in (("by_org", r["org"]), ("by_status", r["status"]),
                         ("by_hour", r["utc"].strftime("%Y-%m-%dT%H")),
                         ("by_operation", r["op"]), ("by_bucket", r["bucket"])):
                groups[g][k][0] += 1
                groups[g][k][1] += b
        if times:
            if min(times) != name_time:
                problems.append(f"{name}: earliest record {min(times)} != name time")
            windows.append((min(times), max(times)))
            if times != sorted(times):
                unsorted_files += 1

    def check(what, got, want):
        if got != want:
            problems.append(f"{what}: parsed {got} != truth {want}")

    check("lines", lines, truth["lines"])
    check("valid", valid, truth["valid"])
    check("garbage", lines - valid, truth["garbage"])
    check("totals.requests", valid, truth["totals"]["requests"])
    for k in ("bytes_sent", "bytes_uploaded", "errors_4xx", "errors_5xx"):
        check(f"totals.{k}", tot[k], truth["totals"][k])
    for g, d in groups.items():
        mine = {k: {"requests": v[0], "bytes_sent": v[1]} for k, v in d.items()}
        if mine != truth[g]:
            keys = sorted(set(mine) | set(truth[g]))
            diff = [(k, mine.get(k), truth[g].get(k)) for k in keys if mine.get(k) != truth[g].get(k)]
            problems.append(f"{g}: {len(diff)} keys differ, e.g. {diff[:3]}")

    windows.sort()
    overlaps = sum(1 for a, b in zip(windows, windows[1:]) if b[0] < a[1])
    print(f"files={len(windows)} lines={lines} valid={valid} garbage={lines - valid}")
    print(f"bytes_sent={tot['bytes_sent']} bytes_uploaded={tot['bytes_uploaded']} "
          f"4xx={tot['errors_4xx']} 5xx={tot['errors_5xx']}")
    print(f"shapes={dict(sorted(shapes.items()))} quirks={dict(quirks)}")
    print(f"files overlapping their successor: {overlaps}/{max(len(windows) - 1, 0)}, "
          f"files not sorted by time: {unsorted_files}")
    org_req = sum(v[0] for k, v in groups["by_org"].items() if k != "-")
    print(f"requests with org: {org_req} ({100.0 * org_req / max(valid, 1):.1f}%)")
    if problems:
        print("MISMATCH:")
        for p in problems:
            print("  " + p)
        sys.exit(1)
    print("OK: truth matches the independent parse")


if __name__ == "__main__":
    main()
