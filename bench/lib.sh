# Shared by the benchmarks: logging, the work directory, and starting and stopping the Keyframe jar.
# The sourcing script sets ROOT, PORT, JAVA_HOME, JAR, STARTUP_TIMEOUT, STOP_GRACE, PRESET, ADMIN_PASSWORD,
# STAMP, OUT_DIR and BENCH_NAME first; KEYFRAME_ARGS, APP_FFMPEG and EDGE_PORT are optional.

export BENCH_DIR="$ROOT/bench" # bench/keyframe_api.py, for the scripts' Python parts

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

WORK="$(mktemp -d /tmp/keyframe-bench.XXXXXX)"
APP_PID=""

stop_app() {
	[[ -n "$APP_PID" ]] || return 0
	local pid="$APP_PID"
	APP_PID=""
	if kill -0 "$pid" 2>/dev/null; then
		log "Stopping Keyframe (pid $pid)"
		# A graceful stop takes ~40 s: the workers finish their SQS long poll, and the embedded PostgreSQL is
		# stopped by its own shutdown hook first, so closing the context waits out a 30 s pool timeout.
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 $((STOP_GRACE * 2))); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
		if kill -0 "$pid" 2>/dev/null; then
			log "Keyframe did not stop in $STOP_GRACE s; killing pid $pid"
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	fi
	# Anything the app left behind that lives in our work dir (embedded PostgreSQL), by pid.
	local p
	for p in /proc/[0-9]*; do
		p="${p#/proc/}"
		if [[ "$p" == "$$" ]]; then continue; fi
		if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$WORK/"; then
			log "Killing leftover process $p ($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-80))"
			kill -TERM "$p" 2>/dev/null || true
		fi
	done
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	# a script's own servers (bench/edge.sh: nginx) stop first
	if declare -F before_cleanup >/dev/null; then before_cleanup || true; fi
	stop_app
	if [[ $rc -ne 0 && -f "$WORK/app.log" ]]; then
		mkdir -p "$OUT_DIR"
		cp "$WORK/app.log" "$OUT_DIR/$BENCH_NAME-$STAMP-app.log" 2>/dev/null \
			&& log "App log kept at $OUT_DIR/$BENCH_NAME-$STAMP-app.log"
	fi
	if [[ "${KEEP_WORK:-0}" == 1 ]]; then
		log "Work dir kept: $WORK"
	else
		rm -rf "$WORK"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- app control

build_jar() {
	local newer=""
	if [[ -f "$JAR" ]]; then
		newer="$(find "$ROOT/src/main" "$ROOT/db" "$ROOT/frontend" "$ROOT/pom.xml" -newer "$JAR" -type f 2>/dev/null | head -1 || true)"
	fi
	if [[ ! -f "$JAR" || -n "$newer" ]]; then
		log "Building $JAR (mvn package -DskipTests)${newer:+: $newer is newer than the jar}"
		(cd "$ROOT" && JAVA_HOME="$JAVA_HOME" mvn -B -q package -DskipTests) || die "build failed"
		[[ -f "$JAR" ]] || die "build produced no $JAR"
	fi
}

# bundled_ffmpeg: prints the path of a wrapper that runs the jar's own ffmpeg 8 (unpacked into ~/.javacpp/cache by
# the app's first start), with an ffprobe beside it; starts the app once to unpack it when it is not there yet.
bundled_ffmpeg() {
	local dir bin="$ROOT/bench/out/.bin" tool
	dir="$(ls -d "$HOME"/.javacpp/cache/ffmpeg-*-linux-x86_64-gpl.jar/org/bytedeco/ffmpeg/linux-x86_64-gpl 2>/dev/null | head -1 || true)"
	if [[ -z "$dir" || ! -x "$dir/ffmpeg" ]]; then
		log "The bundled ffmpeg is not unpacked yet; starting Keyframe once to unpack it"
		start_app "$WORK/unpack-data"
		stop_app
		dir="$(ls -d "$HOME"/.javacpp/cache/ffmpeg-*-linux-x86_64-gpl.jar/org/bytedeco/ffmpeg/linux-x86_64-gpl 2>/dev/null | head -1 || true)"
	fi
	[[ -n "$dir" && -x "$dir/ffmpeg" ]] || return 1
	mkdir -p "$bin"
	for tool in ffmpeg ffprobe; do
		# shellcheck disable=SC2016 # the library path is expanded when the wrapper runs
		printf '#!/bin/sh\nLD_LIBRARY_PATH="%s${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "%s/%s" "$@"\n' \
			"$dir" "$dir" "$tool" >"$bin/$tool"
		chmod +x "$bin/$tool"
	done
	echo "$bin/ffmpeg"
}

start_app() {
	local data="$1"
	local extra=()
	if [[ -n "${APP_FFMPEG:-}" ]]; then extra+=("--keyframe.media.ffmpeg=$APP_FFMPEG"); fi
	log "Starting Keyframe on port $PORT (data dir $data)"
	# shellcheck disable=SC2086 # JAVA_OPTS is a list of JVM options
	"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$WORK/tmp" ${JAVA_OPTS:-} -jar "$JAR" \
		--server.port="$PORT" \
		--keyframe.local.data-dir="$data" \
		--keyframe.local.postgres-port=0 --keyframe.local.s3-port=0 --keyframe.local.sqs-port=0 \
		--keyframe.local.edge-port="${EDGE_PORT:-0}" \
		--keyframe.transcode.preset="$PRESET" ${KEYFRAME_ARGS:-} \
		--keyframe.identity.admin-password="$ADMIN_PASSWORD" \
		--keyframe.media.scratch-dir="$WORK/scratch" \
		"${extra[@]}" >>"$WORK/app.log" 2>&1 &
	APP_PID=$!
	local t0 code
	t0=$(date +%s.%N)
	while true; do
		if ! kill -0 "$APP_PID" 2>/dev/null; then
			tail -40 "$WORK/app.log" >&2 || true
			APP_PID=""
			die "Keyframe exited during startup (log above)"
		fi
		code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/actuator/health" || true)"
		[[ "$code" == 200 ]] && break
		if (( $(date +%s) - ${t0%.*} > STARTUP_TIMEOUT )); then
			tail -40 "$WORK/app.log" >&2 || true
			die "Keyframe not healthy after ${STARTUP_TIMEOUT}s (last HTTP code: $code)"
		fi
		sleep 1
	done
	APP_STARTUP_S="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')"
	log "Keyframe healthy after ${APP_STARTUP_S}s (pid $APP_PID)"
}
