#!/usr/bin/env bash
# Fills corpus/ with real answers of the sandbox control plane: the seed corpus of the fuzz
# targets. Run again when the wire format changes, then commit the files.
#   tests/fuzz/capture-corpus.sh build/dev/bin/zenml-pro-sandbox
set -euo pipefail
sandbox=${1:?usage: capture-corpus.sh PATH/TO/zenml-pro-sandbox}
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/corpus
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT

# start_sandbox PORT ARGS...: a seeded sandbox with the admin password "admin-pw".
start_sandbox() {
    local port=$1
    shift
    "$sandbox" --port "$port" --admin-password admin-pw --seed 6 --pbkdf2-rounds 1000 "$@" \
        >/dev/null 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do
        curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/users" && return 0
        sleep 0.1
    done
    echo "the sandbox on port $port did not start" >&2
    exit 1
}

port=$((20000 + RANDOM % 20000))
root=http://127.0.0.1:$port/api/v1
start_sandbox "$port"
envelope_port=$((port + 1))
start_sandbox "$envelope_port" --list-shape envelope

login() { curl -s -X POST -H 'Content-Type: application/x-www-form-urlencoded' "$@"; }
token=$(login -d 'username=admin&password=admin-pw' "$root/auth/login" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
auth=(-H "Authorization: Bearer $token")

# The login answers.
login -d 'username=admin&password=admin-pw' "$root/auth/login" \
    >"$corpus/fuzz_login_answer/sandbox-login.json"
login -d 'grant_type=&username=admin&password=admin-pw&client_id=&client_secret=' \
    "$root/auth/login" >"$corpus/fuzz_login_answer/sandbox-login-form-fields.json"

# Pages of the user list, both shapes, and one user.
curl -s "${auth[@]}" "$root/users?offset=0&limit=3" >"$corpus/fuzz_user_page/sandbox-page.json"
curl -s "${auth[@]}" "$root/users?offset=6&limit=3" >"$corpus/fuzz_user_page/sandbox-last-page.json"
curl -s "${auth[@]}" "$root/users?offset=100&limit=3" >"$corpus/fuzz_user_page/sandbox-empty-page.json"
envelope_token=$(login -d 'username=admin&password=admin-pw' \
    "http://127.0.0.1:$envelope_port/api/v1/auth/login" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
curl -s -H "Authorization: Bearer $envelope_token" \
    "http://127.0.0.1:$envelope_port/api/v1/users?offset=0&limit=2" \
    >"$corpus/fuzz_user_page/sandbox-envelope.json"
curl -s "${auth[@]}" "$root/users/me" >"$corpus/fuzz_user/sandbox-me.json"
id=$(curl -s "${auth[@]}" "$root/users?offset=1&limit=1" | sed -E 's/.*"id":"([^"]+)".*/\1/')
curl -s "${auth[@]}" "$root/users/$id" >"$corpus/fuzz_user/sandbox-user.json"
curl -s "${auth[@]}" -X POST "$root/users?username=fuzz-seed&password=Seed-pass-123" \
    >"$corpus/fuzz_user/sandbox-created.json"

# Error answers, framed "STATUS CONTENT-TYPE\nRETRY-AFTER\nBODY" for fuzz_error_body.
# error NAME CURL-ARGS...: keeps the status, content type, Retry-After and body of the answer.
error() {
    local name=$1
    shift
    local headers body
    headers=$(mktemp)
    body=$(mktemp)
    curl -s -D "$headers" -o "$body" "$@"
    local status type retry
    status=$(head -1 "$headers" | awk '{print $2}')
    type=$(grep -i '^content-type:' "$headers" | head -1 | cut -d' ' -f2- | tr -d '\r')
    retry=$(grep -i '^retry-after:' "$headers" | head -1 | cut -d' ' -f2- | tr -d '\r' || true)
    { printf '%s %s\n%s\n' "$status" "$type" "$retry"; cat "$body"; } \
        >"$corpus/fuzz_error_body/$name"
    rm -f "$headers" "$body"
}
fault() { curl -s -o /dev/null -X POST -d "{\"fault\": \"$1\"}" "http://127.0.0.1:$port/_sandbox/faults"; }

error sandbox-401-login -X POST -d 'username=admin&password=wrong' "$root/auth/login"
error sandbox-401-token -H 'Authorization: Bearer nonsense' "$root/users/me"
error sandbox-404 "${auth[@]}" "$root/users/00000000-0000-0000-0000-000000000000"
error sandbox-409 "${auth[@]}" -X POST "$root/users?username=fuzz-seed&password=Seed-pass-123"
error sandbox-422 "${auth[@]}" -X PATCH -H 'Content-Type: application/json' \
    -d '{"is_superuser": "maybe"}' "$root/users/$id"
error sandbox-400 "${auth[@]}" -X POST "$root/users?username=&password=x"
error sandbox-405 -X PUT "${auth[@]}" "$root/users"
fault 'GET /users: status=502,nginx'
error sandbox-502-nginx "${auth[@]}" "$root/users"
fault 'GET /users: status=504,nginx'
error sandbox-504-nginx "${auth[@]}" "$root/users"
fault 'POST /users: status=413,nginx'
error sandbox-413-nginx "${auth[@]}" -X POST "$root/users?username=a&password=b"
fault 'GET /users: status=429,retry-after=30'
error sandbox-429 "${auth[@]}" "$root/users"
fault 'GET /users: status=500,type=text/plain,body=Internal Server Error'
error sandbox-500-text "${auth[@]}" "$root/users"
error sandbox-200 "${auth[@]}" "$root/users/me"
ls -l "$corpus"/*
