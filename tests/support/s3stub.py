#!/usr/bin/env python3
"""A small S3 endpoint for the s3:// tests, on 127.0.0.1.

  s3stub.py serve --dir DIR --bucket B --key AKID --secret S [--region R] [--log FILE]
      Serves the files under DIR as bucket B (ListObjectsV2 with pages of --page keys, GET).
      Every request must be signed with SigV4 by AKID/S (checked here, independently of
      s3top's signer): a wrong secret gets AWS's 403 SignatureDoesNotMatch, an unknown key
      InvalidAccessKeyId; --deny KEY refuses that object's GET. Also answers as the container credentials endpoint (/creds, with
      the Authorization token --token) and as IMDSv2 (/latest/api/token, then
      /latest/meta-data/iam/security-credentials/ROLE), handing out AKID/S; with --expires N
      each with its own session token that expires N seconds later (then 400 ExpiredToken).
      --stall KEY sends half of that object's body and then nothing (its first --stall-times N
      GETs, or every one).
  s3stub.py proxy --upstream http://127.0.0.1:PORT [--fail-every N] [--delay SECONDS] [--log FILE]
      Forwards every request to the upstream (the emulator) and answers every Nth object GET
      with a 503 SlowDown or a 500 InternalError instead (alternating), without forwarding it,
      unless it is that object's third try or later (so a client that retries always gets it).

Both print the port they listen on as their first line and log one line per request
("GET /bucket/key 200") to --log.
"""
import argparse
import datetime
import hashlib
import hmac
import http.client
import http.server
import os
import sys
import threading
import urllib.parse
from xml.sax.saxutils import escape

args = None
lock = threading.Lock()
counter = {"gets": 0}
tries = {}
issued = {}  # token -> when it expires (serve --expires)


def log(line):
    if args.log:
        with lock, open(args.log, "a") as f:
            f.write(line + "\n")


def error_xml(code, message, region=None):
    extra = "<Region>%s</Region>" % region if region else ""
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message>%s"
            "<RequestId>STUB</RequestId></Error>" % (code, escape(message), extra)).encode()


def sigv4_check(handler, path, query):
    """None when the request is signed by args.key/args.secret, else (code, message)."""
    auth = handler.headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return ("AccessDenied", "Access Denied")
    if "Credential" not in auth:
        return ("AuthorizationHeaderMalformed", "The authorization header is malformed")
    fields = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    cred = fields["Credential"].split("/")
    if cred[0] != args.key:
        return ("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
    day, region, service = cred[1], cred[2], cred[3]
    if region != args.region:
        return ("AuthorizationHeaderMalformed",
                "The authorization header is malformed; the region '%s' is wrong; expecting '%s'" % (region, args.region),
                args.region)
    signed = fields["SignedHeaders"].split(";")
    canon_headers = "".join("%s:%s\n" % (h, " ".join(handler.headers.get(h, "").split())) for h in signed)
    pairs = sorted((urllib.parse.quote(k, safe="-_.~"), urllib.parse.quote(v, safe="-_.~"))
                   for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True))
    canon_query = "&".join("%s=%s" % kv for kv in pairs)
    payload = handler.headers.get("x-amz-content-sha256", hashlib.sha256(b"").hexdigest())
    creq = "\n".join([handler.command, path, canon_query, canon_headers, ";".join(signed), payload])
    amz_date = handler.headers.get("x-amz-date", "")
    scope = "%s/%s/%s/aws4_request" % (day, region, service)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + args.secret).encode()
    for part in (day, region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    want = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, fields["Signature"]):
        return ("SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method.")
    return None


class Serve(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="application/xml", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        log("%s %s %d" % (self.command, self.path.split("?")[0], status))

    def creds_json(self):
        if not args.expires:
            return ('{"AccessKeyId": "%s", "SecretAccessKey": "%s", "Token": "STUBTOKEN", '
                    '"Expiration": "2099-01-01T00:00:00Z"}' % (args.key, args.secret)).encode()
        # Temporary credentials that expire --expires seconds from now, each with its own token.
        until = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + \
            datetime.timedelta(seconds=args.expires)
        with lock:
            token = "STUBTOKEN-%d" % (len(issued) + 1)
            issued[token] = until
        return ('{"AccessKeyId": "%s", "SecretAccessKey": "%s", "Token": "%s", "Expiration": "%s"}'
                % (args.key, args.secret, token, until.strftime("%Y-%m-%dT%H:%M:%SZ"))).encode()

    def do_PUT(self):
        if self.path == "/latest/api/token":
            self.send(200, b"IMDSTOKEN", "text/plain")
        else:
            self.send(405, error_xml("MethodNotAllowed", "read only"))

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/creds":
            if self.headers.get("Authorization") != args.token:
                return self.send(401, b"{}", "application/json")
            return self.send(200, self.creds_json(), "application/json")
        if url.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if self.headers.get("X-aws-ec2-metadata-token") != "IMDSTOKEN":
                return self.send(401, b"", "text/plain")
            role = url.path.rsplit("/", 1)[1]
            return self.send(200, b"stub-role" if not role else self.creds_json(), "text/plain")
        token = self.headers.get("x-amz-security-token", "")
        with lock:
            until = issued.get(token)
        if until and datetime.datetime.now(datetime.timezone.utc) >= until:
            return self.send(400, error_xml("ExpiredToken", "The provided token has expired."))
        bad = sigv4_check(self, url.path, url.query)
        if bad:
            return self.send(400 if bad[0] == "AuthorizationHeaderMalformed" else 403, error_xml(*bad))
        parts = url.path.lstrip("/").split("/", 1)
        if parts[0] != args.bucket:
            return self.send(404, error_xml("NoSuchBucket", "The specified bucket does not exist"))
        q = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        if len(parts) == 1 or parts[1] == "":
            return self.list(q)
        key = urllib.parse.unquote(parts[1])
        if args.deny and key == args.deny:
            return self.send(403, error_xml("AccessDenied", "Access Denied"))
        f = os.path.join(args.dir, key)
        if not os.path.isfile(f):
            return self.send(404, error_xml("NoSuchKey", "The specified key does not exist."))
        data = open(f, "rb").read()
        if args.stall and key == args.stall:
            with lock:
                tries[key] = tries.get(key, 0) + 1
                attempt = tries[key]
            if not args.stall_times or attempt <= args.stall_times:
                # Half the body, then nothing more: the client must give up on it, not hang.
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("ETag", '"%s"' % hashlib.md5(data).hexdigest())
                self.end_headers()
                self.wfile.write(data[:len(data) // 2])
                self.wfile.flush()
                log("GET /%s/%s stalled" % (args.bucket, key))
                threading.Event().wait(600)
                return
        self.send(200, data, "application/octet-stream", [("ETag", '"%s"' % hashlib.md5(data).hexdigest())])

    def list(self, q):
        keys = []
        for root, _, files in os.walk(args.dir):
            for name in files:
                keys.append(os.path.relpath(os.path.join(root, name), args.dir))
        prefix = q.get("prefix", "")
        after = max(q.get("start-after", ""), q.get("continuation-token", ""))
        keys = sorted(k for k in keys if k.startswith(prefix) and k > after)
        page, more = keys[:args.page], len(keys) > args.page
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
               "<Name>%s</Name><Prefix>%s</Prefix><KeyCount>%d</KeyCount><MaxKeys>%d</MaxKeys>"
               % (args.bucket, escape(prefix), len(page), args.page),
               "<IsTruncated>%s</IsTruncated>" % ("true" if more else "false")]
        if more:
            out.append("<NextContinuationToken>%s</NextContinuationToken>" % escape(page[-1]))
        for k in page:
            data = open(os.path.join(args.dir, k), "rb").read()
            out.append("<Contents><Key>%s</Key><LastModified>2024-03-01T00:00:00.000Z</LastModified>"
                       "<ETag>&quot;%s&quot;</ETag><Size>%d</Size><StorageClass>STANDARD</StorageClass></Contents>"
                       % (escape(k), hashlib.md5(data).hexdigest(), len(data)))
        out.append("</ListBucketResult>")
        self.send(200, "".join(out).encode())


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def forward(self):
        path = self.path.split("?")[0]
        is_object_get = self.command == "GET" and path.count("/") >= 2 and not path.endswith("/")
        if is_object_get:
            with lock:
                counter["gets"] += 1
                n = counter["gets"]
                tries[path] = tries.get(path, 0) + 1
                attempt = tries[path]
            if args.fail_every and n % args.fail_every == 0 and attempt <= 2:
                code, status = (("SlowDown", 503), ("InternalError", 500))[(n // args.fail_every) % 2]
                body = error_xml(code, "injected by the test proxy")
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                log("%s %s %d injected" % (self.command, path, status))
                return
            if args.delay:
                threading.Event().wait(args.delay)
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length) if length else None
        up = urllib.parse.urlsplit(args.upstream)
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()
        log("%s %s %d" % (self.command, path if is_object_get else self.path, resp.status))

    do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = forward


def main():
    global args
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--dir", required=True)
    s.add_argument("--bucket", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--secret", required=True)
    s.add_argument("--region", default="us-east-1")
    s.add_argument("--token", default="CONTAINERTOKEN")
    s.add_argument("--page", type=int, default=1000)
    s.add_argument("--deny", help="this key's GET is refused (403 AccessDenied); it is still listed")
    s.add_argument("--stall", help="this key's GET sends half its body, then nothing (a stalled server)")
    s.add_argument("--stall-times", type=int, default=0, help="stall only its first N GETs (0: every one)")
    s.add_argument("--expires", type=int, default=0,
                   help="the credentials handed out expire this many seconds later; a request signed with "
                        "expired ones gets 400 ExpiredToken")
    s.add_argument("--log")
    x = sub.add_parser("proxy")
    x.add_argument("--upstream", required=True)
    x.add_argument("--fail-every", type=int, default=0)
    x.add_argument("--delay", type=float, default=0)
    x.add_argument("--log")
    args = p.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Serve if args.mode == "serve" else Proxy)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
