#!/usr/bin/env bash
# The local run's footprint: `ops/keyframe run` started as a newcomer starts it, timed from the command to a healthy
# /actuator/health, side by side with what it did before (`java -jar` of the Spring Boot jar) and with
# KEYFRAME_AOT=0 (the unpacked jar without its AOT cache); and the memory its whole process tree holds once idle:
# the JVM (with S3Proxy, ElasticMQ and the edge inside), the embedded PostgreSQL's processes and the RTMP nginx.
# Every start but the first (a fresh data directory, a build to unpack and an AOT cache to record) is warm: same
# data directory, same build. Ends with one line:
#   LOCAL_RUN start_warm_s=<s> fat_jar_warm_s=<s> no_aot_warm_s=<s> speedup=<x> no_aot_speedup=<x>
#             first_start_s=<s> idle_rss_mb=<MB> idle_pss_mb=<MB> processes=<n> maven_jvms=<n>
# Each *_warm_s is the median of WARM_RUNS starts; speedup is fat_jar_warm_s / start_warm_s. idle_rss_mb sums
# each process's resident set (pages shared between PostgreSQL's processes counted in each), idle_pss_mb shares
# them out.
#
# Env: PORT (default 18480), WARM_RUNS (default 3), IDLE_SECONDS (default 30), JAVA_HOME, KEEP_WORK=1.
# See bench/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${PORT:-18480}"
WARM_RUNS="${WARM_RUNS:-3}"
IDLE_SECONDS="${IDLE_SECONDS:-30}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAR="$ROOT/target/keyframe-0.1.0-SNAPSHOT.jar"
STARTUP_TIMEOUT=180
STOP_GRACE=60
PRESET=fast
ADMIN_PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT_DIR="$ROOT/bench/out"
BENCH_NAME=local-run
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

build_jar # so that no start below includes a build
mkdir -p "$OUT_DIR" "$WORK/tmp"

# Starts Keyframe with the command given (which execs the JVM: its pid is the app's); sets APP_PID and STARTED_S,
# seconds to healthy.
run_once() {
	local data="$1" t0 code
	shift
	t0=$(date +%s.%N)
	JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:-} -Djava.io.tmpdir=$WORK/tmp" "$@" --server.port="$PORT" \
		--keyframe.local.data-dir="$data" --keyframe.identity.admin-password="$ADMIN_PASSWORD" \
		>>"$WORK/app.log" 2>&1 &
	APP_PID=$!
	while true; do
		kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$WORK/app.log" >&2; APP_PID=""; die "Keyframe exited during startup"; }
		code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/actuator/health" || true)"
		[[ "$code" == 200 ]] && break
		if (( $(date +%s) - ${t0%.*} > STARTUP_TIMEOUT )); then die "not healthy after ${STARTUP_TIMEOUT}s"; fi
		sleep 0.1
	done
	STARTED_S="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')"
}

# Median of WARM_RUNS warm starts with the command given; the last one is left running.
warm_starts() {
	local label="$1" n times=()
	shift
	for n in $(seq 1 "$WARM_RUNS"); do
		run_once "$WORK/data" "$@"
		log "$label, warm start $n: ${STARTED_S}s"
		times+=("$STARTED_S")
		if (( n < WARM_RUNS )); then stop_app; fi
	done
	MEDIAN="$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')"
}

# The app's pid and every descendant's.
tree() {
	local pids=("$1") i=0 p child
	while (( i < ${#pids[@]} )); do
		p="${pids[$i]}"
		for child in $(cat /proc/"$p"/task/*/children 2>/dev/null); do pids+=("$child"); done
		i=$((i + 1))
	done
	echo "${pids[@]}"
}

# nothing may answer on the port before: a start would be timed against someone else's app
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"; then die "port $PORT is taken; set PORT"; fi
RUN=("$ROOT/ops/keyframe" run)
FAT_JAR=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$JAR")

# the first start records the build's AOT cache (a start of its own that exits once up; an instance still running
# keeps the old one mapped) and unpacks the build if it is new, on a fresh data directory: what a newcomer's first
# start after the build costs
rm -f "$ROOT"/target/run/*/keyframe.aot
run_once "$WORK/data" "${RUN[@]}"
cold="$STARTED_S"
log "First start (fresh data directory, recording the AOT cache): ${cold}s"
stop_app

warm_starts "java -jar (before)" "${FAT_JAR[@]}"
fat="$MEDIAN"
stop_app

warm_starts "KEYFRAME_AOT=0 ops/keyframe run" env KEYFRAME_AOT=0 "${RUN[@]}"
plain="$MEDIAN"
stop_app

warm_starts "ops/keyframe run" "${RUN[@]}"
median="$MEDIAN"

log "Idle for ${IDLE_SECONDS}s, then measuring the tree of pid $APP_PID"
sleep "$IDLE_SECONDS"
# the JVM's descendants, and the embedded PostgreSQL (pg_ctl detaches it: it runs from the data directory)
pids=($(tree "$APP_PID"))
for p in /proc/[0-9]*; do
	p="${p#/proc/}"
	if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "^[^ ]*/postgres .*$WORK/"; then pids+=($(tree "$p")); fi
done
rss_kb=0
pss_kb=0
count=0
report="$OUT_DIR/local-run-$STAMP.txt"
printf '%-8s %-10s %9s %9s  %s\n' PID NAME RSS_MB PSS_MB COMMAND >"$report"
for p in $(printf '%s\n' "${pids[@]}" | sort -un); do
	[[ -r /proc/$p/status ]] || continue
	r=$(awk '/^VmRSS:/ {print $2}' /proc/"$p"/status)
	s=$(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)
	rss_kb=$((rss_kb + ${r:-0}))
	pss_kb=$((pss_kb + ${s:-0}))
	count=$((count + 1))
	printf '%-8s %-10s %9.1f %9.1f  %s\n' "$p" "$(cat /proc/"$p"/comm)" "$(awk -v k="${r:-0}" 'BEGIN{print k/1024}')" \
		"$(awk -v k="${s:-0}" 'BEGIN{print k/1024}')" "$(tr '\0' ' ' </proc/"$p"/cmdline | cut -c1-70)" >>"$report"
done
cat "$report" >&2
# the old `ops/keyframe run` kept a Maven JVM beside the app: none may be running for it now
maven=0
for p in /proc/[0-9]*; do
	if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q 'plexus-classworlds.*spring-boot:run'; then maven=$((maven + 1)); fi
done
speedup="$(awk -v a="$fat" -v b="$median" 'BEGIN{printf "%.2f", a/b}')"
plain_speedup="$(awk -v a="$fat" -v b="$plain" 'BEGIN{printf "%.2f", a/b}')"
line="LOCAL_RUN start_warm_s=$median fat_jar_warm_s=$fat no_aot_warm_s=$plain speedup=$speedup no_aot_speedup=$plain_speedup first_start_s=$cold idle_rss_mb=$((rss_kb / 1024)) idle_pss_mb=$((pss_kb / 1024)) processes=$count maven_jvms=$maven"
echo "$line" | tee -a "$report"
