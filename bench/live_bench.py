"""The live benchmark's measurements (bench/live.sh starts the app and calls this).

0. Glass to glass, for a low-latency channel and a standard one (see glass_to_glass): a clock burned into the
   feed's picture, read back from the newest media a player fetches through the edge. Ends the report with
   `LIVE glass_to_glass_s=... standard_s=... manifest_age_p99_s=... passthrough_cpu=... streams=... restart_spike=...
   failover_stall_s=... pipeline_stall_s=...`.
1. Latency: a pushed feed's frame enters at T0 + t (the push is paced in real time with -re); the segment that
   starts with it is listed in the transcoder's playlist at L. Reported: L - (T0 + t), the first frame of a segment
   to its listing (at least one segment, 2 s), for every segment of a 30 s push.
2. CPU: the live transcoder's CPU over a window of that push, next to raw ffmpeg running the very same command
   line (read from /proc) on the same feed file, alone; and the app's own CPU for the stream (ingest, probe,
   publishing), as the JVM's CPU minus its idle CPU over the same length of time.
   The top rung alone, copied from the feed (passthrough) and encoded, by raw ffmpeg one after the other:
   `passthrough_cpu` is the copied rung's share of a core.
3b. A failover (see failover): a channel's primary feed freezes and its backup goes on air; the longest time a
   modelled player's currentTime stood still is `failover_stall_s` (goal: at most 1).
3c. Two pipelines (see two_pipelines): the publishing pipeline's transcoder instance is killed and the other one,
   in step, takes over; the longest time the modelled player's currentTime stood still is `pipeline_stall_s`
   (goal: 0, no visible event).
3. A restart: a running channel's encoder is killed, and the transcoder instance starts a new one, cold. The
   bitrate of the 3 segments after the restart over the rung's budget is `restart_spike` (goal: at most 1.5).
4. Concurrency: 1, 2, ... streams pushed at once until one falls behind real time: over a 20 s window every
   stream must list at least 90 % of the segments real time produces, and its manifest age stay under 3 segments.
"""
import argparse
import glob
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import keyframe_api  # noqa: E402

SEGMENT = 2.0
# a stream's transcoder is a JVM of its own: on 2 cores it takes 10-30 s to start, and its encoder then works
# through the relayed backlog; measurements start once it has caught up
STARTUP = 90
CAUGHT_UP = 45
# each stream's transcoder is an instance of its own with a work directory under the instances' scratch
SESSIONS = os.path.join("transcoder-*", "session")
TICKS = os.sysconf("SC_CLK_TCK")


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def parent(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def cmdline(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return [a.decode() for a in f.read().split(b"\0") if a]


def transcoder_pid(session_dir):
    for proc in glob.glob("/proc/[0-9]*"):
        try:
            args = cmdline(proc[6:])
        except OSError:
            continue
        if "-var_stream_map" in args and any(a.startswith(session_dir) for a in args):
            return int(proc[6:])
    return None


def segments(playlist):
    try:
        with open(playlist) as f:
            return [line.strip() for line in f if line.strip() and not line.startswith("#")]
    except OSError:
        return []


def newest(playlist):
    """The number of the newest segment a playlist lists (the window slides, so count by number, not by name)."""
    names = segments(playlist)
    return int(names[-1].split("_")[1].split(".")[0]) if names else -1


def push(ffmpeg, feed, url, seconds, offset=0):
    return subprocess.Popen([ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-ss", str(offset),
                             "-i", feed, "-t", str(seconds), "-c", "copy", "-f", "mpegts", "-method", "POST", "-icy",
                             "0", url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def new_session_dir(scratch, known, timeout=STARTUP):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for d in glob.glob(os.path.join(scratch, SESSIONS)):
            if d not in known and os.path.isdir(d):
                return d
        time.sleep(0.02)
    raise SystemExit("no live session started")


def channel(args, token, title, latency="STANDARD", pipelines=1):
    made = keyframe_api.call(args.base, token, "POST", "/api/live/channels",
                             {"title": title, "reconnectWindowSeconds": 0, "latency": latency,
                              "pipelines": pipelines})
    return made["channel"]["id"], made["key"]


def latency_and_cpu(args, token):
    channel_id, key = channel(args, token, "latency")
    known = set(glob.glob(os.path.join(args.scratch, SESSIONS)))
    idle0, idle_t0 = cpu_seconds(args.app_pid), time.time()
    time.sleep(10)
    idle = (cpu_seconds(args.app_pid) - idle0) / (time.time() - idle_t0)
    t0 = time.time()
    feed = push(args.ffmpeg, args.feed, f"{args.ingest}/ingest/{key}", CAUGHT_UP + 30)
    session = new_session_dir(args.scratch, known)
    playlist = os.path.join(session, "360p", "index.m3u8")
    seen = {}
    pid = None
    window = None
    while feed.poll() is None:
        now = time.time()
        for name in segments(playlist):
            seen.setdefault(name, now)
        if pid is None:
            pid = transcoder_pid(session)
        if pid and window is None and now - t0 >= CAUGHT_UP:
            instance = parent(pid)  # the transcoder instance: its own JVM, the encoder's parent
            window = (now, cpu_seconds(pid), cpu_seconds(args.app_pid) + cpu_seconds(instance))
        if pid and window and len(window) == 3 and now - t0 >= CAUGHT_UP + 20:
            window = window + (now, cpu_seconds(pid), cpu_seconds(args.app_pid) + cpu_seconds(instance))
        time.sleep(0.02)
    command = cmdline(pid) if pid else None
    latencies = []
    for name, at in sorted(seen.items()):
        n = int(name.split("_")[1].split(".")[0])
        if at - t0 >= CAUGHT_UP:  # before, the encoder works through the backlog of the transcoder's start
            latencies.append(at - (t0 + n * SEGMENT))
    first = min(seen.values()) - t0 if seen else None
    elapsed = window[3] - window[0]
    live_cpu = (window[4] - window[1]) / elapsed
    app_cpu = (window[5] - window[2]) / elapsed - idle
    events = keyframe_api.call(args.base, token, "GET", f"/api/live/channels/{channel_id}/events")
    passthrough = next((e["detail"] for e in events if e["kind"] in ("PASSTHROUGH", "NO_PASSTHROUGH")), "no event")
    return latencies, first, live_cpu, app_cpu, command, passthrough


def raw_cpu(args, command):
    out = os.path.join(args.work, "raw")
    os.makedirs(out, exist_ok=True)
    session_dir = next(a for a in command if a.endswith("index.m3u8")).rsplit("/", 2)[0]
    raw = [a.replace(session_dir, out) for a in command]
    raw[0] = args.ffmpeg  # /proc shows the real binary; the wrapper sets up its libraries
    i = raw.index("pipe:0")
    raw[i - 3:i + 1] = ["-re", "-f", "mpegts", "-i", args.feed]  # "-f mpegts -i pipe:0" -> the feed file, paced
    raw[-1:-1] = ["-t", "34"]
    log = open(os.path.join(args.work, "raw.log"), "w")
    proc = subprocess.Popen(raw, stdout=subprocess.DEVNULL, stderr=log)
    time.sleep(8)
    if proc.poll() is not None:
        log.close()
        raise SystemExit("raw ffmpeg failed: " + open(os.path.join(args.work, "raw.log")).read()[-2000:]
                         + "\ncommand: " + " ".join(raw))
    a, ta = cpu_seconds(proc.pid), time.time()
    time.sleep(20)
    b, tb = cpu_seconds(proc.pid), time.time()
    proc.wait()
    return (b - a) / (tb - ta)


def paced_cpu(args, name, outputs, seconds=34):
    """CPU (share of one core) of raw ffmpeg reading the feed in real time into `outputs`, over 20 s after 8 s."""
    out = os.path.join(args.work, name)
    os.makedirs(out, exist_ok=True)
    command = [args.ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-f", "mpegts", "-i", args.feed,
               "-t", str(seconds)] + [a.replace("OUT", out) for a in outputs]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(8)
    if proc.poll() is not None:
        raise SystemExit(f"raw ffmpeg ({name}) failed: {proc.stderr.read().decode()[-2000:]}\ncommand: {command}")
    a, ta = cpu_seconds(proc.pid), time.time()
    time.sleep(20)
    b, tb = cpu_seconds(proc.pid), time.time()
    proc.wait()
    return (b - a) / (tb - ta)


def top_rung_cpu(args):
    """The 720p rung alone, as the transcoder makes it: copied from the feed (passthrough), or encoded as when the
    feed cannot be copied (x264 veryfast at the ladder's 2800 kb/s, the keyframe contract); both with AAC audio
    and the same HLS muxing. Measured one after the other on the same feed."""
    hls = ["-c:a", "aac", "-ac", "2", "-ar", "48000", "-b:a", "128k", "-f", "hls", "-hls_time", "2",
           "-hls_list_size", "6", "-hls_flags", "delete_segments+independent_segments+program_date_time",
           "-hls_segment_filename", "OUT/seg_%05d.ts", "OUT/index.m3u8"]
    copied = paced_cpu(args, "top-copied", ["-map", "0:v:0", "-map", "0:a:0", "-c:v", "copy"] + hls)
    encoded = paced_cpu(args, "top-encoded", [
        "-map", "0:v:0", "-map", "0:a:0", "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main",
        "-pix_fmt", "yuv420p", "-r", "30", "-fps_mode", "cfr", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
        "-x264-params", "scenecut=0:open-gop=0", "-force_key_frames", "expr:gte(t,n_forced*2)", "-b:v", "2800k",
        "-maxrate", "2996k", "-bufsize", "5600k"] + hls)
    return copied, encoded


def concurrency(args, token):
    rows = []
    for n in range(1, args.max_streams + 1):
        keys = [channel(args, token, f"load {n}.{i}")[1] for i in range(n)]
        known = set(glob.glob(os.path.join(args.scratch, SESSIONS)))
        feeds = [push(args.ffmpeg, args.feed, f"{args.ingest}/ingest/{k}", args.seconds, offset=i * 7)
                 for i, k in enumerate(keys)]
        dirs = set()
        started = time.time()
        deadline = started + STARTUP
        while len(dirs) < n and time.time() < deadline:
            dirs |= {d for d in glob.glob(os.path.join(args.scratch, SESSIONS)) if d not in known}
            time.sleep(0.1)
        time.sleep(max(12, CAUGHT_UP - (time.time() - started)))
        start = {d: newest(os.path.join(d, "360p", "index.m3u8")) for d in dirs}
        ages = []
        t_start = time.time()
        while time.time() - t_start < 20:
            for d in dirs:
                for rung in ("720p", "360p"):
                    p = os.path.join(d, rung, "index.m3u8")
                    try:
                        ages.append(time.time() - os.path.getmtime(p))
                    except OSError:
                        pass
            time.sleep(0.5)
        made = []
        for d in dirs:
            made.append(newest(os.path.join(d, "360p", "index.m3u8")) - start[d])
        for f in feeds:
            f.wait()
        expected = 20 / SEGMENT
        ok = len(dirs) == n and all(m >= 0.9 * expected for m in made) and max(ages, default=99) < 3 * SEGMENT
        rows.append((n, made, max(ages, default=0), ok))
        time.sleep(8)  # sessions end, their transcoders exit
        if not ok:
            break
    return rows


# the default ladder's bitrates (video + audio), what a rung's segments are budgeted at
RUNG_KBPS = {"720p": 2800 + 128, "480p": 1400 + 96, "360p": 800 + 96}


def listing(playlist):
    """(name, seconds, after a discontinuity) for each segment a playlist on disk lists."""
    try:
        with open(playlist) as f:
            lines = [line.strip() for line in f]
    except OSError:
        return []
    out, seconds, broken = [], None, False
    for line in lines:
        if line.startswith("#EXTINF:"):
            seconds = float(line[8:].split(",")[0])
        elif line == "#EXT-X-DISCONTINUITY":
            broken = True
        elif line and not line.startswith("#") and seconds:
            out.append((line, seconds, broken))
            seconds, broken = None, False
    return out


def restart_spike(args, token, rungs=("480p", "360p")):
    """Kills a live channel's encoder (kill -9) once it runs in real time; the transcoder instance starts a new one,
    cold. The feed is hard to compress (noise on every frame), so the encoder spends its whole budget: the worst
    case for a spike. Each encoded rung's segments are sized as they are listed: their bitrate (bytes on the wire, TS overhead
    included) over the rung's budget, for the 3 segments after the restart's discontinuity and the 5 before."""
    _, key = channel(args, token, "restart")
    known = set(glob.glob(os.path.join(args.scratch, SESSIONS)))
    feed = push(args.ffmpeg, args.hard_feed, f"{args.ingest}/ingest/{key}", 70)
    session = new_session_dir(args.scratch, known)
    t0 = None  # when the first segment is listed: the encoder has then started
    seen = {rung: [] for rung in rungs}  # (name, ratio, after a discontinuity, listed at)
    killed_at = None
    restarted_after = None
    while feed.poll() is None:
        now = time.time()
        for rung in rungs:
            names = {entry[0] for entry in seen[rung]}
            for name, seconds, broken in listing(os.path.join(session, rung, "index.m3u8")):
                if name in names:
                    continue
                try:
                    size = os.path.getsize(os.path.join(session, rung, name))
                except OSError:
                    continue
                seen[rung].append((name, size * 8 / seconds / (RUNG_KBPS[rung] * 1000), broken, now))
        if t0 is None and seen[rungs[0]]:
            t0 = now
        # killed once it has worked through the backlog of its start and runs in real time
        if killed_at is None and t0 is not None and now - t0 >= 25:
            pid = transcoder_pid(session)
            if pid:
                os.kill(pid, 9)
                killed_at = now
        if killed_at:
            after = {rung: [i for i, e in enumerate(seen[rung]) if e[2] and e[3] > killed_at] for rung in rungs}
            if all(a and len(seen[rung]) >= a[0] + 3 for rung, a in after.items()):
                restarted_after = min(seen[rung][after[rung][0]][3] for rung in rungs) - killed_at
                break
        time.sleep(0.1)
    feed.kill()
    feed.wait()
    if restarted_after is None:
        raise SystemExit("the encoder was not restarted, or its segments were not listed")
    rows = []
    for rung in rungs:
        first = next(i for i, e in enumerate(seen[rung]) if e[2] and e[3] > killed_at)
        before = [e[1] for e in seen[rung][max(0, first - 5):first]]
        after = [e[1] for e in seen[rung][first:first + 3]]
        rows.append((rung, before, after))
    return rows, restarted_after


CLOCK_BITS = 24


def clock_feed(ffmpeg, url, seconds, epoch_ms):
    """A 640x360 feed whose frames carry their capture time (ms after epoch_ms) as 24 blocks of 16x16 pixels in
    the top-left corner, least significant first, as the tests' Media.clockFeed draws it."""
    bits = (f"crop={CLOCK_BITS * 16}:16:0:0,geq=lum='255*mod(floor(T*1000/pow(2,floor(X/16))),2)':cb=128:cr=128")
    graph = (f"[0:v]settb=AVTB,setpts=RTCTIME-{epoch_ms * 1000},split[a][b];[b]{bits}[bits];"
             "[a][bits]overlay=0:0,format=yuv420p")
    return subprocess.Popen([ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-readrate_initial_burst",
                             "0", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-filter_complex", graph,
                             "-frames:v", str(seconds * 30), "-c:v", "libx264", "-preset", "ultrafast", "-tune",
                             "zerolatency", "-g", "30", "-flush_packets", "1", "-muxdelay", "0", "-f", "mpegts",
                             "-method", "POST", "-icy", "0", url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def last_frame_clock(ffmpeg, media, epoch_ms, width):
    """When the last frame of a piece of TS was captured (epoch ms), read from the blocks clock_feed drew."""
    region = (f"crop=iw*{CLOCK_BITS * 16}/{width}:ih*16/{width * 9 // 16}:0:0,scale={CLOCK_BITS}:1:flags=area,"
              "format=gray")
    out = subprocess.run([ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "quiet", "-f", "mpegts", "-i", "pipe:0",
                          "-vf", region, "-f", "rawvideo", "-"], input=media, capture_output=True).stdout
    if len(out) < CLOCK_BITS:
        return None
    frame = out[len(out) - CLOCK_BITS:]
    return epoch_ms + sum(1 << bit for bit in range(CLOCK_BITS) if frame[bit] > 128)


def edge_get(url, cookie, timeout=10):
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def watch(args, token, channel_id, deadline, what="the"):
    """Waits until the channel is live and playable; the 360p playlist's URL through the edge, and the viewer's
    signed cookies."""
    asset = None
    while time.time() < deadline:
        found = keyframe_api.call(args.base, token, "GET", f"/api/live/channels/{channel_id}")
        session = found.get("session") or {}
        if found["state"] == "LIVE" and session.get("assetId"):
            asset = session["assetId"]
            break
        time.sleep(0.5)
    if asset is None:
        raise SystemExit(f"the {what} channel did not go live")
    grant = None
    while grant is None and time.time() < deadline:
        try:
            grant = keyframe_api.call(args.base, token, "GET", f"/api/playback/{asset}")
        except urllib.error.HTTPError as refused:
            if refused.code != 409:  # 409: live, but no rendition has its first segment yet
                raise
            time.sleep(0.5)
    if grant is None:
        raise SystemExit(f"the {what} channel never became playable")
    cookie = "; ".join(f"{n}={v}" for n, v in grant["cookies"].items())
    master = grant["masterUrl"].split("?")[0]
    return master.replace("master.m3u8", "360p/index.m3u8"), cookie


def numbered(playlist):
    """(number, seconds, uri) for each segment a playlist lists."""
    number, seconds, out = 0, None, []
    for line in playlist.splitlines():
        line = line.strip()
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            number = int(line.split(":")[1])
        elif line.startswith("#EXTINF:"):
            seconds = float(line[8:].split(",")[0])
        elif line and not line.startswith("#") and seconds:
            out.append((number, seconds, line))
            number, seconds = number + 1, None
    return out


def events(args, token, channel_id):
    return [e["kind"] for e in keyframe_api.call(args.base, token, "GET", f"/api/live/channels/{channel_id}/events")]


def failover(args, token, before=12, after=30):
    """A channel with two feeds, the same 720p file pushed twice (two encoders of one source, the second as the
    backup: the key with -backup), played by the modelled player (play_across). Once it has played `before` seconds
    the primary's encoder is frozen (SIGSTOP: its connection stays open, no data comes), and the player goes on for
    `after` seconds. `failover_stall_s` is the longest time its currentTime stood still from the freeze on."""
    channel_id, key = channel(args, token, "failover")
    primary = push(args.ffmpeg, args.feed, f"{args.ingest}/ingest/{key}", 140)
    backup = None
    try:
        deadline = time.time() + STARTUP + 60
        playlist_url, cookie = watch(args, token, channel_id, deadline, "failover")
        backup = push(args.ffmpeg, args.feed, f"{args.ingest}/ingest/{key}-backup", 140)
        while "FEED_CONNECTED" not in events(args, token, channel_id):
            if time.time() > deadline:
                raise SystemExit("the backup feed did not connect")
            time.sleep(0.5)
        return play_across(args, token, channel_id, playlist_url, cookie, before, after,
                           lambda: os.kill(primary.pid, 19), "FAILOVER")  # SIGSTOP
    finally:
        for feed in (primary, backup):
            if feed is not None:
                feed.kill()
                feed.wait()


def two_pipelines(args, token, before=12, after=30):
    """A channel on two pipelines (docs/adr/0020): one 720p feed, two transcoder instances cutting the same segments,
    one publishing and the other in step. Once the modelled player has played `before` seconds, the publishing
    pipeline's transcoder instance is killed (SIGKILL), and the player goes on for `after` seconds.
    `pipeline_stall_s` is the longest time its currentTime stood still from the kill on (goal: 0, no visible
    event)."""
    channel_id, key = channel(args, token, "pipelines", pipelines=2)
    feed = push(args.ffmpeg, args.feed, f"{args.ingest}/ingest/{key}", 160)
    path = f"/api/live/channels/{channel_id}/pipelines"
    try:
        deadline = time.time() + STARTUP + 90
        playlist_url, cookie = watch(args, token, channel_id, deadline, "two-pipeline")
        while True:
            state = keyframe_api.call(args.base, token, "GET", path)
            if len(state) == 2 and all(p["newestSegment"] is not None for p in state):
                break
            if time.time() > deadline:
                raise SystemExit(f"the two pipelines did not get in step: {state}")
            time.sleep(1)

        killed = {}

        def kill():
            publishing = [p for p in keyframe_api.call(args.base, token, "GET", path) if p["publishing"]][0]
            killed.update(publishing)
            os.kill(int(publishing["transcoder"].removeprefix("pid:")), 9)

        measured = play_across(args, token, channel_id, playlist_url, cookie, before, after, kill,
                               "PIPELINE_SWITCHED")
        after_kill = {p["name"]: p for p in keyframe_api.call(args.base, token, "GET", path)}
        replaced = after_kill[killed["name"]]
        print(f"two pipelines: killed {killed['name']} ({killed['transcoder']}); now {after_kill}", file=sys.stderr)
        if replaced["publishing"] or replaced["generation"] != killed["generation"] + 1:
            raise SystemExit(f"pipeline {killed['name']} was not replaced and the other did not take over: {after_kill}")
        return measured
    finally:
        feed.kill()
        feed.wait()


def play_across(args, token, channel_id, playlist_url, cookie, before, after, act, kind):
    """A player modelled as hls.js plays a live playlist: it starts three segments behind the newest
    (liveSyncDurationCount), reloads the playlist every target duration (half that when it did not change),
    downloads each new segment through the edge with the viewer's cookies, and plays in real time while it has
    data. Once it has played `before` seconds, `act()` breaks something, and the player goes on for `after` seconds.
    Returns the longest time its currentTime stood still from then on, how long the channel took to tell the event
    `kind`, and the longest the playlist's newest segment stood still."""
    listed = numbered(edge_get(playlist_url, cookie).decode())
    wanted = listed[max(0, len(listed) - 3)][0]
    buffered, playhead, stall_from, stalls = 0.0, None, None, []
    broken_at = told_at = None
    next_reload = next_events = 0.0
    newest, newest_at, still = -1, time.time(), []  # the playlist's newest segment, and how long it stood
    last = time.time()
    while True:
        now = time.time()
        if now >= next_reload:
            listed = numbered(edge_get(playlist_url, cookie).decode())
            changed = False
            for number, seconds, uri in listed:
                if number >= wanted:
                    edge_get(playlist_url.replace("index.m3u8", uri), cookie)
                    buffered += seconds
                    wanted = number + 1
                    changed = True
            if listed and listed[-1][0] > newest:
                still.append((newest_at, time.time()))
                newest, newest_at = listed[-1][0], time.time()
            next_reload = now + (SEGMENT if changed else SEGMENT / 2)
        now = time.time()
        dt, last = now - last, now
        if playhead is None:
            playhead = 0.0 if buffered > 0 else None
        elif playhead + dt <= buffered:
            playhead += dt
            if stall_from is not None:
                stalls.append((stall_from, now))
                stall_from = None
        else:
            playhead = buffered
            if stall_from is None:
                stall_from = now
        if broken_at is None and playhead is not None and playhead >= before:
            told_before = events(args, token, channel_id).count(kind)  # the event may have been told already
            act()
            broken_at = now
        if broken_at is not None and told_at is None and now >= next_events:
            if events(args, token, channel_id).count(kind) > told_before:
                told_at = now
            next_events = now + 0.5
        if broken_at is not None and now - broken_at >= after:
            break
        time.sleep(0.05)
    if stall_from is not None:
        stalls.append((stall_from, time.time()))
    if told_at is None:
        raise SystemExit(f"the channel did not tell {kind}")
    stall = max([min(end, broken_at + after) - max(start, broken_at) for start, end in stalls
                 if end > broken_at] or [0.0])
    playlist_still = max([end - max(start, broken_at) for start, end in still if end > broken_at] or [0.0])
    return stall, told_at - broken_at, playlist_still


def print_failover(stall, switched_after, playlist_still):
    print("## A primary feed that freezes: the switch to the backup\n")
    print("The same 720p file is pushed twice to one channel, the second with the key and -backup. Once a modelled "
          "hls.js player (three segments behind the newest, a reload every target duration, each segment fetched "
          "through the edge) has played 12 s, the primary's encoder is frozen (SIGSTOP). Loss of signal is 2 s "
          "(keyframe.live.failover.loss-of-signal).\n")
    print("| | seconds |\n|---|---|")
    print(f"| the freeze to the FAILOVER event, polled every 0.5 s | {switched_after:.1f} |")
    print(f"| the longest the playlist's newest segment stood still after the freeze (2.0 normally) | "
          f"{playlist_still:.1f} |")
    print(f"| **the longest the player's currentTime stood still after the freeze** | **{stall:.2f}** |\n")


def print_pipelines(stall, switched_after, playlist_still):
    print("## Two pipelines: the publishing one killed\n")
    print("One 720p feed, a channel on two pipelines (two transcoder instances cutting the same segments on a grid of "
          "the feed's timestamps, one publishing, the other in step). Once the modelled hls.js player has played 12 s, "
          "the publishing pipeline's transcoder instance is killed (SIGKILL); the other takes over after a segment and "
          "a second with no discontinuity.\n")
    print("| | seconds |\n|---|---|")
    print(f"| the kill to the PIPELINE_SWITCHED event, polled every 0.5 s | {switched_after:.1f} |")
    print(f"| the longest the playlist's newest segment stood still after the kill (2.0 normally) | "
          f"{playlist_still:.1f} |")
    print(f"| **the longest the player's currentTime stood still after the kill** | **{stall:.2f}** |\n")


def glass_to_glass(args, token, latency, seconds=40):
    """Glass to glass as a player at the live edge sees it, through the edge with the viewer's signed cookies.

    Each round fetches the rendition playlist as a player does (a blocking reload for the next part on a
    low-latency channel, a plain reload every second otherwise), then the newest media it lists: the open
    segment's parts so far (low latency) or the newest segment (standard), and reads the capture clock of its last
    frame. A player holds back from that edge by the playlist's hold-back (PART-HOLD-BACK, 1.5 s) or, classic,
    three target durations (hls.js's default, 6 s), so what it shows at time t was captured at
    clock_of_last_frame + 1 frame - hold_back: glass to glass = t - that. The manifest age (now minus the newest
    media's program date time, as the channel reports it) is sampled from the API at the same time."""
    channel_id, key = channel(args, token, f"glass {latency}", latency)
    epoch = int(time.time() * 1000) - 10_000
    feed = clock_feed(args.ffmpeg, f"{args.ingest}/ingest/{key}", seconds + 60, epoch)
    try:
        deadline = time.time() + 120
        playlist_url, cookie = watch(args, token, channel_id, deadline, latency)
        low = latency == "LOW"
        hold_back = 1.5 if low else 3 * SEGMENT
        # wait until the playlist lists enough to play from
        while time.time() < deadline:
            try:
                text = edge_get(playlist_url, cookie).decode()
                if len(segments_of(text)) >= (2 if low else 3):
                    break
            except urllib.error.HTTPError:
                pass
            time.sleep(0.5)
        behind, ages = [], []
        end = time.time() + seconds
        text = edge_get(playlist_url, cookie).decode()
        while time.time() < end:
            if low:
                msn, part = next_part(text)
                text = edge_get(f"{playlist_url}?_HLS_msn={msn}&_HLS_part={part}", cookie).decode()
                parts = open_parts(text)
                media = b"".join(edge_get(playlist_url.replace("index.m3u8", p), cookie) for p in parts)
            else:
                time.sleep(1)
                text = edge_get(playlist_url, cookie).decode()
                media = edge_get(playlist_url.replace("index.m3u8", segments_of(text)[-1]), cookie)
            now = time.time() * 1000
            captured = last_frame_clock(args.ffmpeg, media, epoch, 640)
            if captured is not None:
                behind.append((now - (captured + 1000 / 30 - hold_back * 1000)) / 1000)
            age = (keyframe_api.call(args.base, token, "GET", f"/api/live/channels/{channel_id}").get("session")
                   or {}).get("manifestAgeMs")
            if age is not None:
                ages.append(age / 1000)
        return behind, ages
    finally:
        feed.terminate()
        feed.wait()


def segments_of(playlist):
    return [line.strip() for line in playlist.splitlines() if line.strip() and not line.startswith("#")]


def next_part(playlist):
    """The part after the newest one a low-latency playlist lists: (media sequence number, part index)."""
    sequence, count, open_count = 0, 0, 0
    for line in playlist.splitlines():
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            sequence = int(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-PART:"):
            open_count += 1
        elif line.strip() and not line.startswith("#"):
            count += 1
            open_count = 0
    return sequence + count, open_count


def open_parts(playlist):
    """The parts of the segment being made, from its first (the one with the keyframe); or, when it has none yet,
    those of the newest segment."""
    current, last_segment = [], []
    for line in playlist.splitlines():
        if line.startswith("#EXT-X-PART:"):
            current.append(line.split('URI="', 1)[1].split('"', 1)[0])
        elif line.strip() and not line.startswith("#"):
            last_segment, current = current, []
    return current or last_segment


def print_restart(spikes, restart_listed):
    print("## A restarted encoder's first segments\n")
    print("The encoder of a running channel is killed (kill -9); the transcoder instance starts a new one, cold, on "
          "the same feed, after a discontinuity. The feed is 720p30 with noise on every frame (6 Mb/s), so the "
          "encoder spends its whole budget. Each segment's bitrate (its bytes on the wire, TS overhead "
          "included) over the rung's budget (video + audio, 1496 kb/s at 480p, 896 kb/s at 360p); x264 with VBV "
          "(maxrate 1.07x, buffer 2 s). The 720p rung is the feed's own video (passthrough), not encoded.\n")
    print("| rung | 5 segments before the kill | 3 segments after the restart | max after |")
    print("|---|---|---|---|")
    for rung, before, after in spikes:
        print(f"| {rung} | {', '.join(f'{r:.2f}' for r in before)} | {', '.join(f'{r:.2f}' for r in after)} | "
              f"**{max(after):.2f}** |")
    spike = max(max(after) for _, _, after in spikes)
    steady = max(max(before, default=0) for _, before, _ in spikes)
    print(f"\nThe first segment after the restart was listed {restart_listed:.1f} s after the kill. Worst segment "
          f"after the restart **{spike:.2f}x** its budget, worst before it {steady:.2f}x.\n")
    return spike


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base")
    p.add_argument("--ingest")
    p.add_argument("--scratch")
    p.add_argument("--feed")
    p.add_argument("--hard-feed")
    p.add_argument("--ffmpeg")
    p.add_argument("--app-pid", type=int)
    p.add_argument("--max-streams", type=int, default=5)
    p.add_argument("--seconds", type=int, default=40)
    p.add_argument("--work")
    p.add_argument("--only", choices=["restart", "failover", "pipelines"],
                   help="run one measurement alone (while working on it)")
    args = p.parse_args()
    token = keyframe_api.api_token(args.base, os.environ["ADMIN_PASSWORD"])
    if args.only == "failover":
        stall = failover(args, token)
        print_failover(*stall)
        print(f"LIVE failover_stall_s={stall[0]:.2f}")
        return
    if args.only == "pipelines":
        stall = two_pipelines(args, token)
        print_pipelines(*stall)
        print(f"LIVE pipeline_stall_s={stall[0]:.2f}")
        return
    if args.only == "restart":
        spike = print_restart(*restart_spike(args, token))
        print(f"LIVE restart_spike={spike:.2f}")
        return

    low_behind, low_ages = glass_to_glass(args, token, "LOW")
    print(f"low latency: glass to glass {low_behind}, manifest age {low_ages}", file=sys.stderr)
    std_behind, std_ages = glass_to_glass(args, token, "STANDARD")
    print(f"standard: glass to glass {std_behind}, manifest age {std_ages}", file=sys.stderr)
    latencies, first, live_cpu, app_cpu, command, passthrough = latency_and_cpu(args, token)
    raw = raw_cpu(args, command)
    copied, encoded = top_rung_cpu(args)
    spikes, restart_listed = restart_spike(args, token)
    print(f"restart: {spikes}", file=sys.stderr)
    switch = failover(args, token)
    print(f"failover: {switch}", file=sys.stderr)
    redundant = two_pipelines(args, token)
    print(f"two pipelines: {redundant}", file=sys.stderr)
    rows = concurrency(args, token)

    cores = os.cpu_count()
    print(f"# Live benchmark ({time.strftime('%Y-%m-%d %H:%M')}, {cores} cores)\n")
    print("Feed: 1280x720 30 fps H.264 + AAC, pushed as MPEG-TS over HTTP in real time. Ladder 720p/480p/360p, "
          "x264 veryfast, 2 s segments. The feed (x264, keyframes every 2 s) qualifies for passthrough, so its 720p "
          "rung is the feed's own video and 480p/360p are encoded, unless the app runs with "
          "PASSTHROUGH=false (keyframe.live.passthrough).\n")
    print("## Glass to glass\n")
    print("A 640x360 feed burns its capture clock into the picture; a player's view is modelled from what it fetches "
          "through the edge with signed cookies: the newest media's last frame, held back by the playlist's hold-back "
          "(1.5 s of parts, or 3 segments for classic HLS as hls.js does). Manifest age from the channel's API.\n")
    print("| channel | glass to glass, median | p95 | manifest age, median | p99 | samples |")
    print("|---|---|---|---|---|---|")
    for name, behind, ages in (("low latency (LL-HLS, 0.5 s parts)", low_behind, low_ages),
                               ("standard (2 s segments)", std_behind, std_ages)):
        print(f"| {name} | {statistics.median(behind):.2f} s | {pct(behind, 95):.2f} s | "
              f"{statistics.median(ages):.2f} s | {pct(ages, 99):.2f} s | {len(behind)} |")
    print()
    print("## Ingest to playlist\n")
    q = statistics.quantiles(latencies, n=20, method="inclusive") if len(latencies) >= 2 else [0] * 19
    print(f"- first segment listed {first:.1f} s after the push started (probe + transcoder start + 2 s segment)")
    print(f"- a segment's first frame to its listing in the playlist, {len(latencies)} segments: "
          f"median **{statistics.median(latencies):.2f} s**, p95 {q[18]:.2f} s, max {max(latencies):.2f} s "
          f"(the segment itself is {SEGMENT:.0f} s; the rest is encoding and muxing). Publishing adds at most "
          f"0.2 s (the publisher's poll) and the CDN's 1 s playlist cache.\n")
    print("## CPU per live stream (share of one core)\n")
    print("| | CPU |\n|---|---|")
    print(f"| Keyframe's live transcoder | {live_cpu * 100:.0f} % |")
    print(f"| raw ffmpeg, same command line, same feed | {raw * 100:.0f} % |")
    print(f"| **ratio** | **{live_cpu / raw:.2f}x** |")
    print(f"| the app itself for the stream (live instance: ingest, relay; transcoder instance: recording, "
          f"publishing) | {app_cpu * 100:.0f} % |\n")
    print(f"The channel page said: \"{passthrough}\"\n")
    print("## The top rung: copied (passthrough) or encoded\n")
    print("Raw ffmpeg making the 720p rung alone from the same feed in real time, with its AAC audio and HLS muxing.\n")
    print("| 720p rung | CPU |\n|---|---|")
    print(f"| copied from the feed (passthrough) | {copied * 100:.1f} % |")
    print(f"| encoded (x264 veryfast, 2800 kb/s) | {encoded * 100:.0f} % |")
    print(f"| **ratio** | **{copied / encoded:.3f}** |\n")
    spike = print_restart(spikes, restart_listed)
    print_failover(*switch)
    print_pipelines(*redundant)
    print("## Concurrent streams in real time\n")
    print("| streams | segments listed per stream in 20 s (10 = real time) | oldest playlist | real time |")
    print("|---|---|---|---|")
    for n, made, age, ok in rows:
        print(f"| {n} | {', '.join(map(str, made))} | {age:.1f} s | {'yes' if ok else 'no'} |")
    held = max([n for n, _, _, ok in rows if ok], default=0)
    print(f"\nThis machine holds **{held}** concurrent 720p30 streams with a three-rung ladder in real time "
          f"(the 720p rung {'copied' if 'own video' in passthrough else 'encoded'}).")
    print()
    print(f"LIVE glass_to_glass_s={statistics.median(low_behind):.2f} standard_s={statistics.median(std_behind):.2f} "
          f"manifest_age_p99_s={pct(low_ages, 99):.2f} passthrough_cpu={copied:.3f} streams={held} "
          f"restart_spike={spike:.2f} failover_stall_s={switch[0]:.2f} pipeline_stall_s={redundant[0]:.2f}")


if __name__ == "__main__":
    main()
