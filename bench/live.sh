#!/usr/bin/env bash
# Live benchmark (not a test): glass to glass on a low-latency and a standard channel, ingest-to-playlist
# latency, the live transcoder's CPU next to raw ffmpeg making the same ladder from the same feed, and how many
# concurrent streams this machine holds in real time.
#
#   ops/keyframe bench live            # or: bash bench/live.sh
#   MAX_STREAMS=6 STREAM_SECONDS=100 bash bench/live.sh
#   PASSTHROUGH=false bash bench/live.sh   # every rung encoded, as for a feed that cannot be copied
#   ONLY=restart bash bench/live.sh       # one measurement alone (restart, failover or pipelines), while working on it
#
# Starts the jar with its local stand-ins, measures glass to glass with a clock feed, pushes a pre-encoded
# 720p30 feed (stream copy, so the pushing costs almost nothing) as MPEG-TS over HTTP, and watches the
# transcoders' playlists. Prints a Markdown report and keeps it in bench/out/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PORT="${PORT:-18080}"
EDGE_PORT="${EDGE_PORT:-18090}"
INGEST_PORT="${INGEST_PORT:-18350}"
MAX_STREAMS="${MAX_STREAMS:-5}"
STREAM_SECONDS="${STREAM_SECONDS:-100}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAR="$ROOT/target/keyframe-0.1.0-SNAPSHOT.jar"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-300}"
STOP_GRACE="${STOP_GRACE:-45}"
PRESET=veryfast
ADMIN_PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ADMIN_PASSWORD
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT_DIR="$ROOT/bench/out"
REPORT="$OUT_DIR/live-$STAMP.md"
BENCH_NAME=live
source "$ROOT/bench/lib.sh"

build_jar
FFMPEG="$(bundled_ffmpeg || true)"
build_jar
mkdir -p "$WORK/tmp" "$OUT_DIR"

log "Encoding a 150 s 720p30 test feed once (the pushes copy it)"
"${FFMPEG:-ffmpeg}" -hide_banner -nostdin -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=30 \
	-f lavfi -i sine=frequency=440:sample_rate=48000 -t 150 -c:v libx264 -preset veryfast -tune zerolatency \
	-g 60 -pix_fmt yuv420p -b:v 3M -c:a aac -b:a 128k -f mpegts "$WORK/feed.ts" \
	|| die "could not encode the test feed (is the bundled ffmpeg unpacked? run ops/keyframe test once)"

log "Encoding a 70 s 720p30 feed that is hard to compress (noise on every frame), for the restart"
"${FFMPEG:-ffmpeg}" -hide_banner -nostdin -loglevel error \
	-f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=25:allf=t+u" \
	-f lavfi -i sine=frequency=440:sample_rate=48000 -t 70 -c:v libx264 -preset veryfast -g 60 -pix_fmt yuv420p \
	-b:v 6M -c:a aac -b:a 128k -f mpegts "$WORK/hard.ts" || die "could not encode the hard feed"

KEYFRAME_ARGS="--keyframe.live.ingest-port=$INGEST_PORT --keyframe.live.rtmp.enabled=false --keyframe.live.srt.enabled=false --keyframe.live.preset=$PRESET --keyframe.transcode.workers=0 --keyframe.live.passthrough=${PASSTHROUGH:-true}"
start_app "$WORK/data"

python3 "$ROOT/bench/live_bench.py" --base "http://127.0.0.1:$PORT" --ingest "http://127.0.0.1:$INGEST_PORT" \
	--scratch "$WORK/tmp/keyframe" --feed "$WORK/feed.ts" --hard-feed "$WORK/hard.ts" --ffmpeg "$FFMPEG" --app-pid "$APP_PID" \
	--max-streams "$MAX_STREAMS" --seconds "$STREAM_SECONDS" --work "$WORK" ${ONLY:+--only "$ONLY"} | tee "$REPORT"
log "Report: $REPORT"
