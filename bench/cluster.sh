#!/usr/bin/env bash
# Keyframe fleet benchmark: the stand-ins, a web instance and worker instances as separate OS processes of the jar
# on one host, the same work done by 1 and by 2 worker instances, then a worker instance killed with SIGKILL
# while it encodes. Ends with:
#   CLUSTER instances=<n> assets=<n> ready=<n> duplicate_encodes=<n> recovered_s=<s> idle_ffmpeg=<n>
#
# Env: ASSETS (per phase, default 6), SOURCE_SECONDS (each source's length, default 8, 720p30),
#      WEB_PORT (default 28080), PG_PORT (default 25432), JAVA_HOME (default temurin 25), KEEP_WORK=1.
# See bench/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${WEB_PORT:-28080}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAR="$ROOT/target/keyframe-0.1.0-SNAPSHOT.jar"
STARTUP_TIMEOUT=300
STOP_GRACE=60
PRESET=fast
ADMIN_PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT_DIR="$ROOT/bench/out"
BENCH_NAME=cluster
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

build_jar
FFMPEG="${FFMPEG:-$(command -v ffmpeg || true)}"
if [[ -z "$FFMPEG" ]]; then
	FFMPEG="$(bundled_ffmpeg || true)"
fi
[[ -x "$FFMPEG" ]] || die "no ffmpeg to make the sources with: set FFMPEG"
command -v psql >/dev/null || die "psql is needed (Debian: postgresql-client)"
mkdir -p "$OUT_DIR"
JAVA="$JAVA_HOME/bin/java" JAR="$JAR" WORK="$WORK" ADMIN_PASSWORD="$ADMIN_PASSWORD" FFMPEG="$FFMPEG" \
	python3 "$ROOT/bench/cluster_bench.py" | tee "$OUT_DIR/cluster-$STAMP.txt"
