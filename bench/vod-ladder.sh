#!/usr/bin/env bash
# Keyframe VOD ladder benchmark: raw ffmpeg vs Keyframe, side by side, in one run.
#
#   1. raw ffmpeg, best way: ONE process makes the 4-rung HLS ladder from one decode (filter_complex split),
#      run before and again after Keyframe; the mean of the two is the reference (this machine drifts)
#   2. raw ffmpeg, one process per rung (each decodes the source again), run one after the other
#   3. Keyframe: the same source uploaded through the REST API; time from "complete" returning to the first
#      playable status (PLAYABLE or READY) and to READY, plus the app's CPU (JVM + reaped ffmpeg children)
#
# Env: KEYFRAME_ARGS (extra app arguments, e.g. --keyframe.transcode.first-rung-alone=false),
#      DURATION (source seconds, default 60), PRESET (x264 preset for both sides, default fast), FFMPEG (ffmpeg binary; default the app's bundled wrapper),
#      PORT (app HTTP port, default 18080), JAVA_HOME (default temurin 25), KEEP_WORK=1 (keep the temp dir),
#      RAW_AFTER (1: run the best raw way again after Keyframe and take the mean, default; 0: once, for long
#      sources), RAW_PER_RUNG (1: also time one raw process per rung, default; 0: skip), STARTUP_TIMEOUT (s, default 300), READY_TIMEOUT (s, default max(600, 40*DURATION)),
#      STOP_GRACE (s the app gets to stop after SIGTERM before SIGKILL, default 45), PACKAGING (cmaf, the default,
#      or ts: the segments both sides make, docs/adr/0024).
# See bench/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${DURATION:-60}"
PRESET="${PRESET:-fast}" # x264 preset for both sides; Keyframe's default is fast
PACKAGING="${PACKAGING:-cmaf}" # the segments both sides make: CMAF (fragmented MP4, Keyframe's default) or MPEG-TS
case "$PACKAGING" in
	cmaf) SEGMENT_ARGS=(-hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4 -hls_segment_options movflags=+frag_discont)
		SEGMENT_EXT=m4s ;;
	ts) SEGMENT_ARGS=(-hls_segment_type mpegts); SEGMENT_EXT=ts ;;
	*) echo "PACKAGING must be cmaf or ts" >&2; exit 2 ;;
esac
KEYFRAME_ARGS="${KEYFRAME_ARGS:-} --keyframe.transcode.packaging=${PACKAGING^^}"
# the bench's own instance gets a throwaway admin password; the script signs in like a person and makes a token
ADMIN_PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ADMIN_PASSWORD
PORT="${PORT:-18080}"
FPS=30
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAR="$ROOT/target/keyframe-0.1.0-SNAPSHOT.jar"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-300}"
STOP_GRACE="${STOP_GRACE:-45}"
RAW_AFTER="${RAW_AFTER:-1}"
RAW_PER_RUNG="${RAW_PER_RUNG:-1}"
READY_TIMEOUT="${READY_TIMEOUT:-$(( DURATION * 40 > 600 ? DURATION * 40 : 600 ))}"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT_DIR="$ROOT/bench/out"
REPORT="$OUT_DIR/vod-ladder-$STAMP.md"

# The ladder Keyframe uses (TranscodeSettings defaults): name short-side video-kbps audio-kbps
RUNGS=("1080p 1080 5000 128" "720p 720 2800 128" "480p 480 1400 96" "360p 360 800 96")

[[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -ge 1 ]] || { echo "DURATION must be a positive integer" >&2; exit 2; }

BENCH_NAME=vod-ladder
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# ---------------------------------------------------------------- ffmpeg and timing

mkdir -p "$WORK/scratch" "$WORK/tmp"
build_jar

if [[ -n "${FFMPEG:-}" ]]; then
	FFMPEG_BIN="$(command -v "$FFMPEG" || true)"
	[[ -n "$FFMPEG_BIN" ]] || die "FFMPEG=$FFMPEG is not executable"
	APP_FFMPEG="$FFMPEG_BIN" # the app is pointed at the same binary
	FFMPEG_ORIGIN="FFMPEG env (also passed to the app as keyframe.media.ffmpeg)"
else
	BUNDLED_FFMPEG="$(bundled_ffmpeg || true)"
	if [[ -n "$BUNDLED_FFMPEG" ]]; then
		FFMPEG_BIN="$BUNDLED_FFMPEG"
		FFMPEG_ORIGIN="the app's bundled ffmpeg (bytedeco), through a library-path wrapper"
	else
		FFMPEG_BIN="$(command -v ffmpeg || true)"
		[[ -n "$FFMPEG_BIN" ]] || die "no ffmpeg: set FFMPEG"
		APP_FFMPEG="$FFMPEG_BIN"
		FFMPEG_ORIGIN="ffmpeg on PATH (also passed to the app)"
	fi
fi
FFMPEG_VERSION="$("$FFMPEG_BIN" -hide_banner -version 2>/dev/null || true)"
FFMPEG_VERSION="${FFMPEG_VERSION%%$'\n'*}"
[[ "$("$FFMPEG_BIN" -hide_banner -encoders 2>/dev/null || true)" == *libx264* ]] || die "$FFMPEG_BIN has no libx264"
log "ffmpeg: $FFMPEG_BIN ($FFMPEG_VERSION)"

if [[ ! -x /usr/bin/time ]] && command -v apt-get >/dev/null && [[ $(id -u) -eq 0 ]]; then
	log "/usr/bin/time missing; installing the 'time' package"
	{ apt-get update -qq && apt-get install -y -qq time; } >/dev/null 2>&1 || log "could not install 'time'; using bash times"
fi

# measure NAME CMD...: runs CMD, stores "wall user sys" in $WORK/NAME.time and output in $WORK/NAME.log
measure() {
	local name="$1"
	shift
	if [[ -x /usr/bin/time ]]; then
		/usr/bin/time -f '%e %U %S' -o "$WORK/$name.time" "$@" >"$WORK/$name.log" 2>&1 \
			|| { tail -20 "$WORK/$name.log" >&2; die "$name failed"; }
	else
		local t0 t1
		times >"$WORK/times.before"
		t0=$(date +%s.%N)
		"$@" >"$WORK/$name.log" 2>&1 || { tail -20 "$WORK/$name.log" >&2; die "$name failed"; }
		t1=$(date +%s.%N)
		times >"$WORK/times.after"
		# second line of `times`: children user and sys, like 1m2.345s 0m0.123s
		awk -v t0="$t0" -v t1="$t1" '
			function s(x) { split(x, p, "m"); sub("s", "", p[2]); return p[1] * 60 + p[2] }
			FNR == 2 { u[FILENAME] = s($1); y[FILENAME] = s($2) }
			END { printf "%.2f %.2f %.2f\n", t1 - t0, u[ARGV[2]] - u[ARGV[1]], y[ARGV[2]] - y[ARGV[1]] }' \
			"$WORK/times.before" "$WORK/times.after" >"$WORK/$name.time"
	fi
	log "$name: $(awk '{printf "wall %.2fs, cpu %.2fs (user %.2f sys %.2f)", $1, $2+$3, $2, $3}' "$WORK/$name.time")"
}

# output_args DIR VIDEO_INDEX VIDEO_KBPS: one video-only HLS rendition's options, as Keyframe's EncodeCommand makes
# them (Keyframe encodes a source's audio once, as a rendition of its own: audio_args)
output_args() {
	local dir="$1" idx="$2" vk="$3"
	mkdir -p "$dir"
	OUT_ARGS=(-map "[v$idx]" -c:v libx264 -preset "$PRESET" -profile:v high -pix_fmt yuv420p
		-b:v "${vk}k" -maxrate "$((vk * 107 / 100))k" -bufsize "$((vk * 3 / 2))k"
		-r "$FPS/1" -fps_mode cfr -g $((FPS * 2)) -keyint_min $((FPS * 2)) -sc_threshold 0
		-x264-params scenecut=0:open-gop=0 -force_key_frames 'expr:gte(t,n_forced*2)' -an
		-sn -dn -f hls -hls_time 4 -hls_playlist_type vod -hls_list_size 0 -hls_flags independent_segments
		"${SEGMENT_ARGS[@]}" -hls_segment_filename "$dir/seg_%05d.$SEGMENT_EXT" "$dir/index.m3u8")
}

# audio_args DIR AUDIO_KBPS: the one audio rendition
audio_args() {
	local dir="$1" ak="$2"
	mkdir -p "$dir"
	OUT_ARGS=(-vn -map 0:a:0 -c:a aac -b:a "${ak}k" -ac 2 -ar 48000
		-sn -dn -f hls -hls_time 4 -hls_playlist_type vod -hls_list_size 0 -hls_flags independent_segments
		"${SEGMENT_ARGS[@]}" -hls_segment_filename "$dir/seg_%05d.$SEGMENT_EXT" "$dir/index.m3u8")
}

check_hls() {
	local dir="$1" f
	for f in "$dir"/*/index.m3u8; do
		grep -q '#EXT-X-ENDLIST' "$f" || die "incomplete playlist $f"
	done
}

# ---------------------------------------------------------------- 0. the source

SRC="$WORK/src.mp4"
log "Generating the source: ${DURATION}s 1920x1080 ${FPS}fps testsrc2 + sine, H.264 veryfast ~8 Mbps + AAC"
"$FFMPEG_BIN" -hide_banner -nostdin -loglevel error -y \
	-f lavfi -i "testsrc2=size=1920x1080:rate=$FPS:duration=$DURATION" \
	-f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$DURATION" \
	-map 0:v -map 1:a -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 8M -maxrate 8M -bufsize 16M \
	-c:a aac -b:a 128k -ac 2 -shortest -movflags +faststart "$SRC" || die "source generation failed"
SRC_SIZE=$(stat -c %s "$SRC")
log "Source: $SRC_SIZE bytes"

# ---------------------------------------------------------------- 1. raw ffmpeg, one process, split

LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
COMMON_IN=(-hide_banner -nostdin -loglevel error -y -i "$SRC")
graph="[0:v:0]split=${#RUNGS[@]}"
for i in "${!RUNGS[@]}"; do graph+="[s$i]"; done
graph+=";"
args=()
for i in "${!RUNGS[@]}"; do
	read -r name side vk ak <<<"${RUNGS[$i]}"
	graph+="[s$i]scale=-2:$side:flags=bicubic,setsar=1[v$i]"
	if (( i < ${#RUNGS[@]} - 1 )); then graph+=";"; fi
	output_args "$WORK/raw-split/$name" "$i" "$vk"
	args+=("${OUT_ARGS[@]}")
done
audio_args "$WORK/raw-split/audio" 128
args+=("${OUT_ARGS[@]}")
RAW_SPLIT_CMD=("$FFMPEG_BIN" "${COMMON_IN[@]}" -filter_complex "$graph" "${args[@]}")
printf '%q ' "${RAW_SPLIT_CMD[@]}" >"$WORK/raw_split.cmd"
log "Raw run 1/2: one ffmpeg process, all ${#RUNGS[@]} rungs from one decode"
measure raw_split "${RAW_SPLIT_CMD[@]}"
check_hls "$WORK/raw-split"
rm -rf "$WORK/raw-split"

# ---------------------------------------------------------------- 2. raw ffmpeg, one process per rung

if [[ "$RAW_PER_RUNG" == 1 ]]; then
log "Raw run 2/2: one ffmpeg process per rung, one after the other"
for i in "${!RUNGS[@]}"; do
	read -r name side vk ak <<<"${RUNGS[$i]}"
	output_args "$WORK/raw-rung/$name" 0 "$vk"
	measure "raw_rung_$name" "$FFMPEG_BIN" "${COMMON_IN[@]}" \
		-filter_complex "[0:v:0]scale=-2:$side:flags=bicubic,setsar=1[v0]" "${OUT_ARGS[@]}"
done
audio_args "$WORK/raw-rung/audio" 128
measure "raw_rung_audio" "$FFMPEG_BIN" "${COMMON_IN[@]}" "${OUT_ARGS[@]}"
check_hls "$WORK/raw-rung"
rm -rf "$WORK/raw-rung"
else
	log "RAW_PER_RUNG=0: the one-process-per-rung runs are skipped"
fi

# ---------------------------------------------------------------- 3. Keyframe

start_app "$WORK/data"

cat >"$WORK/keyframe.py" <<'PY'
import json, os, sys, time, urllib.request, urllib.error

base, src, pid, timeout, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
TICK = os.sysconf("SC_CLK_TCK")
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

sys.path.insert(0, os.environ["BENCH_DIR"])
from keyframe_api import api_token  # signs in like a person and makes a token

TOKEN = api_token(base, os.environ["ADMIN_PASSWORD"])

def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

def call(method, url, body=None, data=None, headers=None):
    headers = dict(headers or {})
    if url.startswith(base):  # Keyframe's API; presigned storage URLs carry their own signature
        headers["Authorization"] = f"Bearer {TOKEN}"
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with opener.open(req, timeout=120) as r:
            raw = r.read()
            return r.status, r.headers, (json.loads(raw) if raw and "json" in r.headers.get("Content-Type", "") else raw)
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {url} -> HTTP {e.code}: {e.read()[:2000].decode(errors='replace')}")

def cpu():
    """utime+stime of the app and of its reaped children (ffmpeg/ffprobe), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # after the comm field: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    own = (int(fields[11]) + int(fields[12])) / TICK
    children = (int(fields[13]) + int(fields[14])) / TICK
    return own, children

def children():
    """Command lines of the app's live child processes."""
    found = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid != pid:
                continue
            with open(f"/proc/{p}/cmdline", "rb") as f:
                cmd = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
            if cmd and "ffmpeg" in os.path.basename(cmd[0]):
                found.append((int(p), cmd))
        except (OSError, ValueError, IndexError):
            pass
    return found

size = os.path.getsize(src)
t_upload0 = time.time()
_, _, started = call("POST", f"{base}/api/uploads",
                     {"filename": "src.mp4", "size": size, "contentType": "video/mp4", "title": "bench"})
upload_id, asset_id = started["uploadId"], started["assetId"]
part_size, part_count = started["partSize"], started["partCount"]
urls = {p["partNumber"]: p for p in started["parts"]}
missing = [n for n in range(1, part_count + 1) if n not in urls]
while missing:
    _, _, more = call("POST", f"{base}/api/uploads/{upload_id}/parts", {"partNumbers": missing[:20]})
    for p in more:
        urls[p["partNumber"]] = p
    got = [n for n in missing[:20] if n in urls]
    if not got:
        sys.exit(f"/parts returned none of {missing[:20]}")
    missing = [n for n in missing if n not in urls]

etags = []
with open(src, "rb") as f:
    for n in range(1, part_count + 1):
        chunk = f.read(part_size)
        if len(chunk) != urls[n]["size"]:
            sys.exit(f"part {n}: the API says {urls[n]['size']} bytes, the file gives {len(chunk)}")
        _, headers, _ = call("PUT", urls[n]["url"], data=chunk,
                             headers={"Content-Type": "application/octet-stream"})
        etag = headers.get("ETag")
        if not etag:
            sys.exit(f"part {n}: no ETag in the PUT response")
        etags.append({"partNumber": n, "etag": etag})
t_upload1 = time.time()
log(f"Uploaded {size} bytes in {part_count} part(s) of {part_size} in {t_upload1 - t_upload0:.2f}s; completing")

cpu0 = cpu()
t_complete0 = time.time()
_, _, done = call("POST", f"{base}/api/uploads/{upload_id}/complete", {"parts": etags})
t0 = time.time()
if done.get("status") == "FAILED":
    sys.exit(f"complete -> FAILED: {done.get('reason')}")
log(f"complete -> {done.get('status')} after {t0 - t_complete0:.2f}s; polling asset {asset_id}")

first_playable = ready = None
transitions = []
last = None
ffmpeg_cmds = {}
while True:
    now = time.time()
    _, _, asset = call("GET", f"{base}/api/assets/{asset_id}")
    status = asset.get("status")
    if status != last:
        transitions.append((round(now - t0, 2), status))
        log(f"  +{now - t0:6.2f}s {status}")
        last = status
    if status in ("PLAYABLE", "READY") and first_playable is None:
        first_playable = now - t0
    if status == "READY":
        ready = now - t0
        break
    if status == "FAILED":
        print(json.dumps(asset, indent=2), file=sys.stderr)
        sys.exit(f"asset {asset_id} FAILED: {asset.get('statusReason')}")
    if now - t0 > timeout:
        print(json.dumps(asset, indent=2), file=sys.stderr)
        sys.exit(f"asset {asset_id} not READY after {timeout:.0f}s (status {status})")
    for cpid, cmd in children():
        ffmpeg_cmds.setdefault(cpid, (round(time.time() - t0, 2), cmd))
    time.sleep(1.0)  # slow polling: the measurement should not load what it measures

# let the JVM reap the last ffmpeg so it shows in cutime/cstime (it exited before READY anyway)
time.sleep(0.3)
cpu1 = cpu()

def rel(ts):
    if not ts:
        return None
    from datetime import datetime
    return round(datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() - t0, 2)

jobs = [{"profile": j.get("profile"), "state": j.get("state"), "attempts": j.get("attempts"), "chunks": j.get("chunks"),
         "started": rel(j.get("startedAt")), "finished": rel(j.get("finishedAt")), "error": j.get("error")}
        for j in asset.get("jobs", [])]
renditions = [r.get("profile") or r.get("name") for r in asset.get("renditions", [])]
# exact times from the server's own records: when the master playlist first listed something (the asset's
# firstPlayableAt, committed with that publication) and when the last chunk was published (readyAt)
if rel(asset.get("firstPlayableAt")) is not None:
    first_playable = rel(asset.get("firstPlayableAt"))
if rel(asset.get("keeping", {}).get("readyAt")) is not None:
    ready = rel(asset["keeping"]["readyAt"])
result = {
    "upload_s": round(t_upload1 - t_upload0, 3), "complete_call_s": round(t0 - t_complete0, 3),
    "first_playable_s": round(first_playable, 3), "ready_s": round(ready, 3),
    "cpu_app_s": round(cpu1[0] - cpu0[0], 2), "cpu_children_s": round(cpu1[1] - cpu0[1], 2),
    "transitions": transitions, "jobs": jobs, "renditions": renditions, "asset_id": asset_id,
    "part_size": part_size, "part_count": part_count,
    "ffmpeg_commands": [{"seen_at_s": at, "pid": p, "argv": c} for p, (at, c) in sorted(ffmpeg_cmds.items(), key=lambda kv: kv[1][0])],
}
with open(out, "w") as f:
    json.dump(result, f, indent=2)
PY

# A running instance is warm: one small asset first, so the measured run is not the JVM's JIT warm-up.
log "Warm-up: a 4 s 720p asset through the same path (not measured)"
"$FFMPEG_BIN" -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=4" \
	-f lavfi -i "sine=frequency=220:sample_rate=48000:duration=4" -c:v libx264 -preset veryfast -b:v 4M \
	-c:a aac -shortest "$WORK/warmup.mp4"
python3 "$WORK/keyframe.py" "http://127.0.0.1:$PORT" "$WORK/warmup.mp4" "$APP_PID" "$READY_TIMEOUT" "$WORK/warmup.json" \
	>/dev/null || die "warm-up run failed"
log "Keyframe run: upload through the API, then poll the asset"
python3 "$WORK/keyframe.py" "http://127.0.0.1:$PORT" "$SRC" "$APP_PID" "$READY_TIMEOUT" "$WORK/keyframe.json" \
	|| die "Keyframe run failed"
stop_app

# The machine's speed drifts between runs; the best raw way runs again after Keyframe and the mean of the two
# runs is the reference, so drift shows instead of hiding in the ratio.
log "Raw run 1/2 again, after Keyframe: one ffmpeg process, all rungs from one decode"
if [[ "$RAW_AFTER" == 1 ]]; then
	for r in "${RUNGS[@]}"; do read -r name _ <<<"$r"; mkdir -p "$WORK/raw-split/$name"; done
	mkdir -p "$WORK/raw-split/audio"
	measure raw_split_after "${RAW_SPLIT_CMD[@]}"
	rm -rf "$WORK/raw-split"
else
	log "RAW_AFTER=0: the best raw way is not run again; its first run is the reference"
	cp "$WORK/raw_split.time" "$WORK/raw_split_after.time"
fi

# ---------------------------------------------------------------- 4. report

mkdir -p "$OUT_DIR"
{
	echo "raw_split $(cat "$WORK/raw_split.time")"
	echo "raw_split_after $(cat "$WORK/raw_split_after.time")"
	if [[ "$RAW_PER_RUNG" == 1 ]]; then
		for r in "${RUNGS[@]}"; do
			read -r name _ <<<"$r"
			echo "raw_rung_$name $(cat "$WORK/raw_rung_$name.time")"
		done
		echo "raw_rung_audio $(cat "$WORK/raw_rung_audio.time")"
	fi
} >"$WORK/raw.times"

GIT_REV="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || GIT_REV+=" (src has uncommitted changes)"
export STAMP DURATION PRESET FPS SRC_SIZE FFMPEG_BIN FFMPEG_VERSION FFMPEG_ORIGIN APP_STARTUP_S GIT_REV LOAD_AT_START
export JAR_BUILT="$(date -r "$JAR" '+%F %T')" NPROC="$(nproc)"

python3 - "$WORK/raw.times" "$WORK/keyframe.json" "$WORK/raw_split.cmd" "$REPORT" <<'PY'
import json, os, shlex, sys

raw_file, kf_file, cmd_file, report = sys.argv[1:5]
env = os.environ
raw = {}
for line in open(raw_file):
    name, wall, user, sys_ = line.split()
    raw[name] = (float(wall), float(user) + float(sys_))
kf = json.load(open(kf_file))

before, after = raw.pop("raw_split"), raw.pop("raw_split_after")
best_wall, best_cpu = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
rungs = [k for k in raw if k.startswith("raw_rung_")]
per_wall = sum(raw[k][0] for k in rungs) if rungs else None
per_cpu = sum(raw[k][1] for k in rungs) if rungs else None
kf_cpu = kf["cpu_app_s"] + kf["cpu_children_s"]
ready, fp = kf["ready_s"], kf["first_playable_s"]
r_ready, r_fp = ready / best_wall, fp / best_wall
encodes = [c for c in kf["ffmpeg_commands"] if "-f" in c["argv"] and "hls" in c["argv"]]
done = sorted((j for j in kf["jobs"] if j["finished"] is not None), key=lambda j: j["finished"])

def fmt(v, w=9):
    return f"{v:{w}.2f}" if v is not None else " " * (w - 1) + "-"

lines = [f"{'run':42} {'wall s':>9} {'cpu s':>9} {'x best':>8}", "-" * 71]
def row(label, wall, cpu):
    lines.append(f"{label:42} {fmt(wall)} {fmt(cpu)} {fmt(wall / best_wall if wall is not None else None, 8)}")
row("raw ffmpeg: 1 process, split (best, mean)", best_wall, best_cpu)
row("    before Keyframe", *before)
row("    after Keyframe", *after)
if rungs:
    row("raw ffmpeg: 1 process per rung (sum)", per_wall, per_cpu)
for k in rungs:
    row("    " + k.replace("raw_rung_", "") + " alone", *raw[k])
row("keyframe: complete -> first playable", fp, None)
row("keyframe: complete -> READY", ready, kf_cpu)
lines.append(f"{'    cpu: JVM + ffmpeg/ffprobe children':42} {'':9} {kf['cpu_app_s']:.2f} + {kf['cpu_children_s']:.2f}")
ok = lambda v, t: "OK" if v <= t else "MISSED"
r_cpu = kf_cpu / best_cpu
lines += ["",
          f"ratio READY / raw best wall          = {r_ready:6.2f}x   target <= 1.10x   {ok(r_ready, 1.10)}",
          f"ratio first playable / raw best wall = {r_fp:6.2f}x",
          f"first playable after complete        = {fp:6.2f} s   target <= 5 s     {ok(fp, 5)}",
          f"cpu   keyframe / raw best            = {r_cpu:6.2f}x   target <= 1.10x   {ok(r_cpu, 1.10)}"]
table = "\n".join(lines)

notes = [f"upload {kf['upload_s']:.2f} s ({kf['part_count']} part(s)), complete call {kf['complete_call_s']:.2f} s; "
         f"statuses after complete: " + ", ".join(f"+{t} s {s}" for t, s in kf["transitions"]),
         f"Keyframe ran {len(encodes)} HLS encode process(es) for {len(kf['jobs'])} renditions in "
         f"{sum(j.get('chunks') or 1 for j in kf['jobs'])} chunk jobs"
         + (f"; first rung published: {done[0]['profile']} at +{done[0]['finished']} s" if done else "")]
jobs = [f"  job {j['profile']:>8}: {j['state']}, attempts {j['attempts']}, started +{j['started']} s, "
        f"finished +{j['finished']} s" + (f", error: {j['error']}" if j.get("error") else "") for j in kf["jobs"]]
print()
print(table)
print()
print("\n".join(notes + jobs))

fence = "`" * 3
with open(report, "w") as f:
    f.write(f"""# Keyframe VOD ladder benchmark — {env['STAMP']}

- x264 preset for raw and Keyframe alike: {env['PRESET']}
- source: {env['DURATION']} s, 1920x1080, {env['FPS']} fps, testsrc2 + sine, H.264 veryfast ~8 Mbps + AAC, {env['SRC_SIZE']} bytes
- ffmpeg: `{env['FFMPEG_BIN']}` — {env['FFMPEG_VERSION']} ({env['FFMPEG_ORIGIN']})
- machine: {env['NPROC']} CPUs, load average before the raw runs: {env['LOAD_AT_START']}
- git: {env['GIT_REV']}; jar built {env['JAR_BUILT']}
- Keyframe: {env['APP_STARTUP_S']} s to healthy; {notes[0]}
- {notes[1]}
- raw runs read the local file; Keyframe's ffmpeg reads the source over a presigned S3 URL

{fence}
{table}
{fence}

| job | state | attempts | started (s) | finished (s) | error |
|---|---|---|---|---|---|
""")
    for j in kf["jobs"]:
        f.write(f"| {j['profile']} | {j['state']} | {j['attempts']} | {j['started']} | {j['finished']} | {j.get('error') or ''} |\n")
    f.write("\n## ffmpeg commands\n\nRaw, one process (the per-rung runs use the same output options, "
            "with one `scale` to `[v0]` instead of the split):\n\n")
    f.write(f"{fence}\n{open(cmd_file).read().strip()}\n{fence}\n\n")
    f.write("Keyframe's ffmpeg processes, as seen in /proc while it transcoded (seconds after complete):\n\n")
    for c in kf["ffmpeg_commands"]:
        f.write(f"- +{c['seen_at_s']} s:\n\n{fence}\n{shlex.join(c['argv'])}\n{fence}\n\n")
    f.write(f"RATIO ready={r_ready:.2f} first_playable={r_fp:.2f} first_playable_s={fp:.2f} cpu={r_cpu:.2f}\n")

print()
print(f"Markdown report: {report}")
print(f"RATIO ready={r_ready:.2f} first_playable={r_fp:.2f} first_playable_s={fp:.2f} cpu={r_cpu:.2f}")
PY
