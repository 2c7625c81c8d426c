#!/usr/bin/env bash
# End to end: s3top's SigV4 requests against a stub that verifies SigV4 itself
# (tests/support/s3stub.py, checked here first against the AWS CLI's own signing), and the
# credentials and endpoints found as the AWS CLI finds them: the environment, --profile and
# AWS_PROFILE with ~/.aws/credentials and ~/.aws/config (endpoint_url, s3 addressing_style,
# region), the container credentials endpoint and IMDSv2. A wrong secret, an unknown key, a
# wrong region and a missing bucket are one line each (exit 1) and no secret is ever printed.
# Temporary credentials are fetched again before they expire, so a long --follow outlives them.
set -euo pipefail
: "${S3TOP:?}" "${S3GEN:?}" "${S3TOP_SOURCE_DIR:?}"
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
command -v aws >/dev/null || { echo "skipped: no aws (Debian's awscli)"; exit 77; }
stub=$S3TOP_SOURCE_DIR/tests/support/s3stub.py
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_DEFAULT_REGION AWS_SESSION_TOKEN \
  AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI \
  AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_EC2_METADATA_SERVICE_ENDPOINT http_proxy https_proxy HTTP_PROXY HTTPS_PROXY \
  ALL_PROXY all_proxy
export HOME=$work/home AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
mkdir -p "$HOME/.aws"
secret='wJalr-right/SECRET+key'
"$S3GEN" --out "$work/bucket/logs" --files 40 --lines 800 --seed 3 >/dev/null 2>&1
python3 "$stub" serve --dir "$work/bucket" --bucket stubbucket --key AKIDSTUB --secret "$secret" --page 7 \
  --log "$work/stub.log" >"$work/port" 2>"$work/stub.err" &
pids+=($!)
for _ in $(seq 1 200); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(head -1 "$work/port")
[ -n "$port" ] || { cat "$work/stub.err"; echo "the stub did not start"; exit 1; }
ep=http://127.0.0.1:$port
want=$("$S3TOP" report --format csv --exact --no-state "$work/bucket/logs")
n=0
run() {  # expected-exit args...: s3top report on s3://stubbucket/logs/ with a fresh cache
  local rc_want=$1
  shift
  n=$((n + 1))
  set +e
  "$S3TOP" report --format csv --exact --no-state --cache "$work/cache$n" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  set -e
  if grep -q -e "$secret" -e 'wrong-secret-value' "$work/out" "$work/err"; then echo "a secret was printed"; exit 1; fi
  [ "$rc" = "$rc_want" ] || { cat "$work/err"; echo "exit $rc, want $rc_want: $*"; exit 1; }
}
same() { [ "$(cat "$work/out")" = "$want" ] || { cat "$work/err"; echo "report differs: $1"; exit 1; }; }
said() { grep -q "$1" "$work/err" || { cat "$work/err"; echo "no '$1' said"; exit 1; }; }

# The stub's own check agrees with the AWS CLI's signer (right secret passes, wrong one fails).
AWS_ACCESS_KEY_ID=AKIDSTUB AWS_SECRET_ACCESS_KEY=$secret aws --endpoint-url "$ep" s3 ls s3://stubbucket/logs/ >/dev/null
if AWS_ACCESS_KEY_ID=AKIDSTUB AWS_SECRET_ACCESS_KEY=wrong-secret-value aws --endpoint-url "$ep" s3 ls \
  s3://stubbucket/logs/ >/dev/null 2>&1; then
  echo "the stub accepted a wrong secret"; exit 1
fi

# Environment credentials; 40 objects in listing pages of 7.
AWS_ACCESS_KEY_ID=AKIDSTUB AWS_SECRET_ACCESS_KEY=$secret run 0 --endpoint-url "$ep" s3://stubbucket/logs/
same "environment credentials"
# A wrong secret, an unknown key id, a wrong region, a missing bucket: one line, exit 1.
AWS_ACCESS_KEY_ID=AKIDSTUB AWS_SECRET_ACCESS_KEY=wrong-secret-value run 1 --endpoint-url "$ep" s3://stubbucket/logs/
said 's3://stubbucket/logs/: the secret access key does not match the access key id (SignatureDoesNotMatch; credentials from environment)'
AWS_ACCESS_KEY_ID=AKIDOTHER AWS_SECRET_ACCESS_KEY=$secret run 1 --endpoint-url "$ep" s3://stubbucket/logs/
said 'InvalidAccessKeyId'
AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=AKIDSTUB AWS_SECRET_ACCESS_KEY=$secret run 1 --endpoint-url "$ep" s3://stubbucket/logs/
said 'the bucket is in us-east-1, not eu-west-1'
AWS_ACCESS_KEY_ID=AKIDSTUB AWS_SECRET_ACCESS_KEY=$secret run 1 --endpoint-url "$ep" s3://nosuchbucket/logs/
said 'no such bucket (NoSuchBucket)'
[ "$(grep -c . "$work/err")" -le 2 ] || { cat "$work/err"; echo "more than the one line and the summary"; exit 1; }

# Profiles: --profile and AWS_PROFILE, keys in ~/.aws/credentials, the endpoint, region and
# path-style addressing in ~/.aws/config (no --endpoint-url); the environment's keys lose to
# --profile, as with the AWS CLI.
cat >"$HOME/.aws/credentials" <<CRED
[default]
aws_access_key_id = AKIDWRONGDEFAULT
aws_secret_access_key = nope
[stub]
aws_access_key_id = AKIDSTUB
aws_secret_access_key = $secret
CRED
cat >"$HOME/.aws/config" <<CONF
[profile stub]
region = us-east-1
endpoint_url = http://127.0.0.1:1
s3 =
  endpoint_url = $ep
  addressing_style = path
CONF
AWS_ACCESS_KEY_ID=AKIDOTHER AWS_SECRET_ACCESS_KEY=x run 0 --profile stub s3://stubbucket/logs/
same "--profile"
AWS_PROFILE=stub run 0 s3://stubbucket/logs/
same "AWS_PROFILE"
run 2 --profile nosuchprofile s3://stubbucket/logs/
said "the profile 'nosuchprofile' is in neither"
rm "$HOME/.aws/credentials" "$HOME/.aws/config"

# The container credentials endpoint (with its authorization token), then IMDSv2.
AWS_CONTAINER_CREDENTIALS_FULL_URI=$ep/creds AWS_CONTAINER_AUTHORIZATION_TOKEN=CONTAINERTOKEN \
  run 0 --endpoint-url "$ep" s3://stubbucket/logs/
same "container credentials"
AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT=$ep \
  run 0 --endpoint-url "$ep" s3://stubbucket/logs/
same "IMDSv2 credentials"
grep -q '^PUT /latest/api/token 200' "$work/stub.log" || { echo "IMDSv2 token not asked for"; exit 1; }
# No credentials at all: an anonymous request, refused, said as such.
run 1 --endpoint-url "$ep" s3://stubbucket/logs/
said 'no credentials found'
# One object that may not be read: the others are, that one is named, exit 3 (part unread).
denied=logs/$(ls "$work/bucket/logs" | sed -n 5p)
python3 "$stub" serve --dir "$work/bucket" --bucket stubbucket --key AKIDSTUB --secret "$secret" --deny "$denied" \
  >"$work/port2" 2>"$work/stub2.err" &
pids+=($!)
for _ in $(seq 1 200); do [ -s "$work/port2" ] && break; sleep 0.05; done
AWS_ACCESS_KEY_ID=AKIDSTUB AWS_SECRET_ACCESS_KEY=$secret run 3 --endpoint-url "http://127.0.0.1:$(head -1 "$work/port2")" \
  s3://stubbucket/logs/
said "s3://stubbucket/$denied: access denied (403 AccessDenied; credentials from environment)"
mkdir -p "$work/partial" && cp "$work"/bucket/logs/* "$work/partial/" && rm "$work/partial/${denied#logs/}"
# The report of the objects read, then its table of unread inputs naming the refused one.
diff <(sed $'/^\r\{0,1\}$/,$d' "$work/out") <("$S3TOP" report --format csv --exact --no-state "$work/partial") ||
  { echo "the readable objects' report differs"; exit 1; }
grep -q "^s3://stubbucket/$denied,no,access denied" "$work/out" || { echo "the unread table lacks the object"; exit 1; }
# Temporary credentials that expire 4 seconds after they are handed out: a --follow run lists
# every 300 ms for longer than several of their lives, fetches them again before each expires
# (never an ExpiredToken), and still sees an object added after the first ones expired.
python3 "$stub" serve --dir "$work/bucket" --bucket stubbucket --key AKIDSTUB --secret "$secret" --expires 4 \
  --log "$work/stub3.log" >"$work/port3" 2>"$work/stub3.err" &
pids+=($!)
for _ in $(seq 1 200); do [ -s "$work/port3" ] && break; sleep 0.05; done
ep3=http://127.0.0.1:$(head -1 "$work/port3")
total() { python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["totals"]["requests"])'; }
# The last whole line's totals (a line being written is not read half).
last_total() {
  python3 -c 'import json,sys; w=open(sys.argv[1]).read().split("\n")[:-1]; print(json.loads(w[-1])["totals"]["requests"] if w else "")' "$1"
}
AWS_CONTAINER_CREDENTIALS_FULL_URI=$ep3/creds AWS_CONTAINER_AUTHORIZATION_TOKEN=CONTAINERTOKEN \
  "$S3TOP" report --follow --every 300ms --format json --no-state --cache "$work/cache-expiring" \
  --endpoint-url "$ep3" s3://stubbucket/logs/ >"$work/follow.jsonl" 2>"$work/follow.err" &
follower=$!
pids+=("$follower")
for _ in $(seq 1 400); do [ -s "$work/follow.jsonl" ] && break; sleep 0.05; done
# Past the first credentials' life (and the second's), then a new object.
for _ in $(seq 1 600); do (($(grep -c '^GET /creds 200' "$work/stub3.log" || true) >= 3)) && break; sleep 0.05; done
"$S3GEN" --out "$work/late" --files 1 --lines 25 --seed 9 --start 2024-03-09T00:00:00 --hours 1 >/dev/null 2>&1
cp "$work"/late/* "$work/bucket/logs/"
want_total=$("$S3TOP" report --format json --no-state "$work/bucket/logs" | total)
seen=""
for _ in $(seq 1 600); do
  [ "$(last_total "$work/follow.jsonl")" = "$want_total" ] && { seen=1; break; }
  sleep 0.05
done
kill "$follower" 2>/dev/null || true
[ -n "$seen" ] || { cat "$work/follow.err"; echo "follow with expiring credentials: totals $(last_total "$work/follow.jsonl"), want $want_total"; exit 1; }
refreshed=$(grep -c '^GET /creds 200' "$work/stub3.log" || true)
((refreshed >= 3)) || { echo "the credentials were fetched $refreshed times, want at least 3"; exit 1; }
if grep -q ' 400$' "$work/stub3.log" || grep -qi 'expired' "$work/follow.err"; then
  grep ' 400$' "$work/stub3.log" | head -3; cat "$work/follow.err"; echo "a request was made with expired credentials"; exit 1
fi
echo "SigV4 verified by the stub; environment, profiles, container and IMDSv2 credentials; errors one line each; temporary credentials fetched $refreshed times over a --follow"
