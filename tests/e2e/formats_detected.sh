#!/usr/bin/env bash
# Auto-detection per file: a folder mixing S3, combined and CloudTrail logs is read with the
# right parser for each, the chosen formats are named on stderr, and a file no format matches
# is reported by name with its lines counted as no_format rejections.
set -euo pipefail
: "${S3TOP:?}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/logs"
cat > "$work/logs/2024-03-01-00-00-00-AAAAAAAAAAAAAAAA" <<'L'
owner bkt [01/Mar/2024:00:00:01 +0000] 192.0.2.3 - R1 REST.GET.OBJECT k "GET /bkt/k?org=acme HTTP/1.1" 200 - 100 100 5 1 "-" "curl/8" - hid SigV4 C AuthHeader h TLSv1.2 - -
L
cat > "$work/logs/access.log" <<'L'
203.0.113.9 - - [01/Mar/2024:00:00:02 +0000] "GET /a.png?org=acme HTTP/1.1" 200 2000 "-" "Mozilla/5.0"
203.0.113.9 - - [01/Mar/2024:00:00:03 +0000] "GET /b.png?org=beta HTTP/1.1" 404 30 "-" "Mozilla/5.0"
L
cat > "$work/logs/trail.json" <<'L'
{"Records":[{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventTime":"2024-03-01T00:00:04Z","sourceIPAddress":"198.51.100.1","userAgent":"aws-cli","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/x"},"requestParameters":{"bucketName":"b","key":"k"},"additionalEventData":{"bytesTransferredOut":7}}]}
L
printf 'just some notes\nnot a log\n' > "$work/logs/notes.txt"
"$S3TOP" report --no-state --format json "$work/logs" > "$work/out.json" 2> "$work/err.txt"
grep -q "formats detected: cloudtrail (1 file), combined (1 file), s3 (1 file)" "$work/err.txt" || { cat "$work/err.txt"; exit 1; }
grep -q "notes.txt: no known log format" "$work/err.txt" || { cat "$work/err.txt"; exit 1; }
python3 - "$work/out.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
L = r["lines"]
assert L["parsed"] == 4, L
assert L["ignored_by_reason"] == {"no_format": 2} and L["rejected"] == 0, L
assert L["read"] == L["parsed"] + L["rejected"] + L["ignored"]
assert r["totals"]["bytes_sent"] == 100 + 2000 + 30 + 7, r["totals"]
orgs = {g["key"]: g["requests"] for g in r["groups"]}
assert orgs == {"acme": 2, "beta": 1, "-": 1}, orgs
print("mixed folder read with the right parser per file")
PY
echo "1 passed, 0 failed"
