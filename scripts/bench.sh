#!/usr/bin/env bash
# Licita's load benchmark: a release server on a fresh SQLite database (or
# LICITA_DATABASE_URL), hit over loopback with wrk. Prints requests/s and latency for the
# public home page, the readiness probe, the login API (argon2id dominates) and the server's
# memory. Results go to BENCHMARKS.md by hand, with the machine and the date.
#
#   apt-get install -y wrk && scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 1; }
cargo build --release --quiet
dir=$(mktemp -d)
port=${BENCH_PORT:-18080}
export LICITA_DATA_DIR="$dir/data" LICITA_BIND="127.0.0.1:$port" LICITA_LOG=warn LICITA_CONFIG="$dir/none.toml"
export LICITA_DATABASE_URL=${LICITA_DATABASE_URL:-sqlite://$dir/licita.db}
# The benchmark logs in thousands of times from one address: raise the throttle for it.
export LICITA_LOGIN_MAX_FAILURES_PER_ADDRESS=100000
touch "$dir/none.toml"
target/release/licita serve > "$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "idle RSS: $(rss)"
duration=${BENCH_SECONDS:-10}
echo "== GET / (Spanish home page, anonymous)"
wrk -t2 -c16 -d"${duration}s" --latency "http://127.0.0.1:$port/" | grep -E "Requests/sec|50%|99%"
echo "== GET /ready (database round trip)"
wrk -t2 -c16 -d"${duration}s" --latency "http://127.0.0.1:$port/ready" | grep -E "Requests/sec|50%|99%"
cat > "$dir/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"compras@munlima.gob.pe","password":"licita-demo-2026"}'
LUA
echo "== POST /api/v1/auth/login (argon2id verify + token)"
wrk -t2 -c4 -d"${duration}s" --latency -s "$dir/login.lua" "http://127.0.0.1:$port/api/v1/auth/login" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "RSS after load: $(rss)"
