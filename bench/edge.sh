#!/usr/bin/env bash
# Keyframe delivery benchmark: the local CDN edge, verifying the CloudFront signature of every request, against
# nginx serving the same segment file statically, side by side in one run; then origin fetches per new segment
# when many viewers ask for it at once.
#
#   1. Keyframe starts with its local stack; a 16 s 1080p clip (lavfi, with noise so the encoder spends its
#      bitrate) is uploaded through the API and transcoded; a viewer's grant (signed cookies) is taken.
#   2. A 720p segment of 1-2 MB is fetched through the edge (warming its cache) and copied to nginx's root.
#   3. wrk, same settings, against nginx, the edge, nginx, the edge (alternating, because this VM drifts);
#      the edge requests carry the signed cookies and every response must be 2xx.
#   4. For every segment of the other renditions, not yet fetched by anyone: wrk with VIEWERS connections at
#      once for 2 s; the edge's origin fetch counter says how many GETs reached storage.
#
# Env: SECONDS_PER_RUN (wrk duration, default 15), CONNECTIONS (default 32), THREADS (wrk threads, default 2),
#      VIEWERS (default 200), PORT (app, default 18080), EDGE_PORT (default 18090), NGINX_PORT (default 18091),
#      JAVA_HOME, KEEP_WORK=1. See bench/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SECONDS_PER_RUN="${SECONDS_PER_RUN:-15}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
VIEWERS="${VIEWERS:-200}"
PORT="${PORT:-18080}"
EDGE_PORT="${EDGE_PORT:-18090}"
NGINX_PORT="${NGINX_PORT:-18091}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAR="$ROOT/target/keyframe-0.1.0-SNAPSHOT.jar"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-300}"
STOP_GRACE="${STOP_GRACE:-45}"
PRESET=veryfast
ADMIN_PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ADMIN_PASSWORD
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT_DIR="$ROOT/bench/out"
REPORT="$OUT_DIR/edge-$STAMP.md"
BENCH_NAME=edge
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
NGINX_PID=""

stop_nginx() {
	if [[ -n "$NGINX_PID" ]]; then
		kill -QUIT "$NGINX_PID" 2>/dev/null || true
		wait "$NGINX_PID" 2>/dev/null || true
		NGINX_PID=""
	fi
}
before_cleanup() { stop_nginx; }

for tool in wrk nginx; do
	if ! command -v "$tool" >/dev/null; then
		[[ $(id -u) -eq 0 ]] || die "$tool is missing: apt-get install wrk nginx-light"
		log "Installing wrk and nginx-light from Debian"
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light; } >/dev/null \
			|| die "could not install wrk and nginx-light"
		# the package starts a system nginx on port 80; this benchmark runs its own
		systemctl stop nginx 2>/dev/null || service nginx stop 2>/dev/null || true
	fi
done

LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$WORK/scratch" "$WORK/tmp" "$OUT_DIR"
build_jar
start_app "$WORK/data"
BASE="http://127.0.0.1:$PORT"
EDGE="http://localhost:$EDGE_PORT"
TOKEN="$(python3 "$ROOT/bench/keyframe_api.py" "$BASE" "$ADMIN_PASSWORD" token)"

FFMPEG_BIN="$(bundled_ffmpeg || command -v ffmpeg)" || die "no ffmpeg"
log "Making a 16 s 1080p clip and transcoding it through Keyframe"
"$FFMPEG_BIN" -hide_banner -nostdin -loglevel error -y \
	-f lavfi -i "testsrc2=size=1920x1080:rate=30:duration=16,noise=alls=30:allf=t" \
	-f lavfi -i "sine=frequency=440:sample_rate=48000:duration=16" \
	-map 0:v -map 1:a -c:v libx264 -preset ultrafast -b:v 12M -c:a aac -shortest -movflags +faststart \
	"$WORK/clip.mp4" || die "clip generation failed"
ASSET="$(python3 "$ROOT/bench/keyframe_api.py" "$BASE" "$TOKEN" upload "$WORK/clip.mp4" "Edge bench" 900)"
mapfile -t GRANT < <(python3 "$ROOT/bench/keyframe_api.py" "$BASE" "$TOKEN" grant "$ASSET")
[[ -n "${GRANT[1]:-}" ]] || die "no playback grant for $ASSET"
COOKIE="${GRANT[1]}"
PREFIX="$EDGE/media/$ASSET"
log "Asset $ASSET is READY; master playlist $PREFIX/master.m3u8"

edge_get() { curl -sf -H "Cookie: $COOKIE" "$@"; }
segments() { edge_get "$PREFIX/$1/index.m3u8" | grep -v '^#'; }

# the segment for the throughput runs: a 720p one of 1-2 MB, else the 720p one closest to 1.5 MB
SEGMENT="" SEGMENT_BYTES=0 best=999999999
for name in $(segments 720p); do
	bytes="$(edge_get -o /dev/null -w '%{size_download}' "$PREFIX/720p/$name")"
	distance=$(( bytes > 1500000 ? bytes - 1500000 : 1500000 - bytes ))
	if (( distance < best )); then best=$distance SEGMENT="720p/$name" SEGMENT_BYTES=$bytes; fi
done
[[ -n "$SEGMENT" ]] || die "no 720p segment"
log "Throughput segment: $SEGMENT ($SEGMENT_BYTES bytes)"
(( SEGMENT_BYTES >= 1000000 && SEGMENT_BYTES <= 2000000 )) || log "WARNING: the segment is outside 1-2 MB"

# nginx: the same bytes from a file, with sendfile, as a static server is usually run
chmod 755 "$WORK"
mkdir -p "$WORK/www/720p" "$WORK/nginx"
edge_get -o "$WORK/www/$SEGMENT" "$PREFIX/$SEGMENT"
chmod -R a+rX "$WORK/www"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000;
	client_body_temp_path $WORK/nginx/body;
	types { video/mp2t ts; }
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $WORK/www;
		location / { add_header Cache-Control "public, max-age=31536000, immutable"; }
	}
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>>"$WORK/nginx/error.log" &
NGINX_PID=$!
sleep 1
NGINX_URL="http://127.0.0.1:$NGINX_PORT/$SEGMENT"
[[ "$(curl -sf "$NGINX_URL" | sha256sum)" == "$(edge_get "$PREFIX/$SEGMENT" | sha256sum)" ]] \
	|| die "nginx and the edge do not serve the same bytes"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$PREFIX/$SEGMENT")" == 403 ]] || die "the edge served without a signature"

# wrk_rps NAME URL [HEADER]: requests per second; dies on any non-2xx answer or socket error
wrk_rps() {
	local name="$1" url="$2" header=()
	[[ -n "${3:-}" ]] && header=(-H "$3")
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" "${header[@]}" "$url" >"$WORK/$name.wrk" 2>&1
	if grep -q 'Non-2xx\|Socket errors' "$WORK/$name.wrk"; then
		cat "$WORK/$name.wrk" >&2
		die "$name: errors under load"
	fi
	awk '/^Requests\/sec:/ {print $2}' "$WORK/$name.wrk"
}

log "Throughput: wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s, nginx and the edge alternating"
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -H "Cookie: $COOKIE" "$PREFIX/$SEGMENT" >/dev/null # JIT warm-up
NGINX_1="$(wrk_rps nginx-1 "$NGINX_URL")"; log "  nginx  $NGINX_1 req/s"
EDGE_1="$(wrk_rps edge-1 "$PREFIX/$SEGMENT" "Cookie: $COOKIE")"; log "  edge   $EDGE_1 req/s"
NGINX_2="$(wrk_rps nginx-2 "$NGINX_URL")"; log "  nginx  $NGINX_2 req/s"
EDGE_2="$(wrk_rps edge-2 "$PREFIX/$SEGMENT" "Cookie: $COOKIE")"; log "  edge   $EDGE_2 req/s"
stop_nginx

metric() {
	curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/actuator/prometheus" \
		| awk -v name="$1" '$1 ~ "^"name"(\\{|$)" {sum += $2} END {printf "%d", sum}'
}
log "Cold segments: $VIEWERS viewers at once for each segment nobody has fetched yet"
COLD_SEGMENTS=()
for rendition in 1080p 480p 360p; do
	for name in $(segments "$rendition"); do COLD_SEGMENTS+=("$rendition/$name"); done
done
# counted from here: the playlists above were fetched too, and are not segments
FETCHES_0="$(metric keyframe_edge_origin_fetches_total)"
COLLAPSED_0="$(metric keyframe_edge_collapsed_total)"
COLD=0 COLD_REQUESTS=0
for segment in "${COLD_SEGMENTS[@]}"; do
	wrk -t"$THREADS" -c"$VIEWERS" -d2s -H "Cookie: $COOKIE" "$PREFIX/$segment" >"$WORK/cold.wrk" 2>&1
	grep -q 'Non-2xx' "$WORK/cold.wrk" && { cat "$WORK/cold.wrk" >&2; die "errors on a cold segment"; }
	COLD=$((COLD + 1))
	COLD_REQUESTS=$((COLD_REQUESTS + $(awk '/requests in/ {print $1}' "$WORK/cold.wrk")))
done
FETCHES=$(( $(metric keyframe_edge_origin_fetches_total) - FETCHES_0 ))
COLLAPSED=$(( $(metric keyframe_edge_collapsed_total) - COLLAPSED_0 ))

read -r NGINX_MEAN EDGE_MEAN RATIO MBPS < <(awk -v n1="$NGINX_1" -v n2="$NGINX_2" -v e1="$EDGE_1" -v e2="$EDGE_2" \
	-v bytes="$SEGMENT_BYTES" 'BEGIN { n = (n1 + n2) / 2; e = (e1 + e2) / 2;
	printf "%.0f %.0f %.2f %.0f\n", n, e, e / n, e * bytes * 8 / 1e6 }')
PER_SEGMENT="$(awk -v f="$FETCHES" -v c="$COLD" 'BEGIN { printf "%.2f", f / c }')"

{
	echo "# Edge benchmark $STAMP"
	echo
	echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load at start $LOAD_AT_START, at the end $(cut -d' ' -f1-3 /proc/loadavg)."
	echo "Segment: \`$SEGMENT\`, $SEGMENT_BYTES bytes. wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s, on the same machine as the servers."
	echo
	echo "| run | nginx (static file, sendfile) | Keyframe edge (signed cookies verified, memory cache) |"
	echo "|---|---|---|"
	echo "| 1 | $NGINX_1 req/s | $EDGE_1 req/s |"
	echo "| 2 | $NGINX_2 req/s | $EDGE_2 req/s |"
	echo "| mean | $NGINX_MEAN req/s | $EDGE_MEAN req/s (about $MBPS Mbit/s) |"
	echo
	echo "**Edge / nginx: $RATIO** (the aim is at least 0.5)."
	echo
	echo "Cold segments: $COLD segments nobody had fetched, each asked for by $VIEWERS connections at once for 2 s"
	echo "($COLD_REQUESTS requests in all): **$FETCHES origin fetches, $PER_SEGMENT per segment**; $COLLAPSED requests waited"
	echo "for another request's fetch instead of making their own."
} | tee "$REPORT"
log "Report: $REPORT"
