# The S3 emulator s3rver (npm, installed by dev.sh under build/tools) on 127.0.0.1, for the
# e2e tests of s3:// PATHs; sourced after `set -euo pipefail`, with S3TOP_SOURCE_DIR set.
#   s3rver_require              exit 77 (skipped) without s3rver, node, aws or python3
#   s3rver_env WORK             only what the test sets: no profile, endpoint, proxy or
#                               instance metadata of the machine; HOME and caches under WORK
#   s3rver_start WORK BUCKET... s3rver with those buckets; sets $port, appends its pid to
#                               $pids (the caller's cleanup kills them); s3 ARGS... runs
#                               `aws s3` against it
S3RVER=${S3RVER:-$S3TOP_SOURCE_DIR/build/tools/node_modules/.bin/s3rver}

s3rver_require() {
  [ -x "$S3RVER" ] || { echo "skipped: no s3rver at $S3RVER (./dev.sh test installs it)"; exit 77; }
  command -v node >/dev/null || { echo "skipped: no node"; exit 77; }
  command -v aws >/dev/null || { echo "skipped: no aws (Debian's awscli)"; exit 77; }
  command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
}

s3rver_env() {
  local work=$1
  unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_DEFAULT_REGION AWS_SESSION_TOKEN \
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI http_proxy https_proxy HTTP_PROXY \
    HTTPS_PROXY ALL_PROXY all_proxy
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
  export HOME=$work/home XDG_CACHE_HOME=$work/xdg-cache AWS_CONFIG_FILE=$work/none AWS_SHARED_CREDENTIALS_FILE=$work/none
  mkdir -p "$HOME"
}

s3rver_start() {
  local work=$1 b buckets=()
  shift
  for b in "$@"; do buckets+=(--configure-bucket "$b"); done
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # s3rver ciphers its continuation tokens with a cipher OpenSSL 3 keeps in its legacy provider.
  NODE_OPTIONS=--openssl-legacy-provider "$S3RVER" -d "$work/s3data" -a 127.0.0.1 -p "$port" "${buckets[@]}" \
    --silent >"$work/s3rver.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
  curl -s -o /dev/null "http://127.0.0.1:$port/" || { cat "$work/s3rver.log"; echo "s3rver did not start"; exit 1; }
}

s3() { aws --endpoint-url "http://127.0.0.1:$port" s3 "$@" >/dev/null; }
