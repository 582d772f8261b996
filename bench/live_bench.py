"""The live benchmark's measurements (bench/live.sh starts the app and calls this).

1. Latency: a pushed feed's frame enters at T0 + t (the push is paced in real time with -re); the segment that
   starts with it is listed in the transcoder's playlist at L. Reported: L - (T0 + t), the first frame of a segment
   to its listing (at least one segment, 2 s), for every segment of a 30 s push.
2. CPU: the live transcoder's CPU over a window of that push, next to raw ffmpeg running the very same command
   line (read from /proc) on the same feed file, alone; and the app's own CPU for the stream (ingest, probe,
   publishing), as the JVM's CPU minus its idle CPU over the same length of time.
3. Concurrency: 1, 2, ... streams pushed at once until one falls behind real time: over a 20 s window every
   stream must list at least 90 % of the segments real time produces, and its manifest age stay under 3 segments.
"""
import argparse
import glob
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import keyframe_api  # noqa: E402

SEGMENT = 2.0
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


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


def new_session_dir(scratch, known, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for d in glob.glob(os.path.join(scratch, "*-*-*-*-*")):
            if d not in known and os.path.isdir(d):
                return d
        time.sleep(0.02)
    raise SystemExit("no live session started")


def channel(args, token, title):
    made = keyframe_api.call(args.base, token, "POST", "/api/live/channels",
                             {"title": title, "reconnectWindowSeconds": 0})
    return made["channel"]["id"], made["key"]


def latency_and_cpu(args, token):
    _, key = channel(args, token, "latency")
    known = set(glob.glob(os.path.join(args.scratch, "*")))
    idle0, idle_t0 = cpu_seconds(args.app_pid), time.time()
    time.sleep(10)
    idle = (cpu_seconds(args.app_pid) - idle0) / (time.time() - idle_t0)
    t0 = time.time()
    feed = push(args.ffmpeg, args.feed, f"{args.ingest}/ingest/{key}", 34)
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
        if pid and window is None and now - t0 >= 8:
            window = (now, cpu_seconds(pid), cpu_seconds(args.app_pid))
        if pid and window and len(window) == 3 and now - t0 >= 28:
            window = window + (now, cpu_seconds(pid), cpu_seconds(args.app_pid))
        time.sleep(0.02)
    command = cmdline(pid) if pid else None
    latencies = []
    for name, at in sorted(seen.items()):
        n = int(name.split("_")[1].split(".")[0])
        if n >= 1:  # the first segment also waits for the probe and the transcoder's start
            latencies.append(at - (t0 + n * SEGMENT))
    first = min(seen.values()) - t0 if seen else None
    elapsed = window[3] - window[0]
    live_cpu = (window[4] - window[1]) / elapsed
    app_cpu = (window[5] - window[2]) / elapsed - idle
    return latencies, first, live_cpu, app_cpu, command


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


def concurrency(args, token):
    rows = []
    for n in range(1, args.max_streams + 1):
        keys = [channel(args, token, f"load {n}.{i}")[1] for i in range(n)]
        known = set(glob.glob(os.path.join(args.scratch, "*")))
        feeds = [push(args.ffmpeg, args.feed, f"{args.ingest}/ingest/{k}", args.seconds, offset=i * 7)
                 for i, k in enumerate(keys)]
        dirs = set()
        deadline = time.time() + 20
        while len(dirs) < n and time.time() < deadline:
            dirs |= {d for d in glob.glob(os.path.join(args.scratch, "*-*-*-*-*")) if d not in known}
            time.sleep(0.1)
        time.sleep(12)
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base")
    p.add_argument("--ingest")
    p.add_argument("--scratch")
    p.add_argument("--feed")
    p.add_argument("--ffmpeg")
    p.add_argument("--app-pid", type=int)
    p.add_argument("--max-streams", type=int, default=5)
    p.add_argument("--seconds", type=int, default=40)
    p.add_argument("--work")
    args = p.parse_args()
    token = keyframe_api.api_token(args.base, os.environ["ADMIN_PASSWORD"])

    latencies, first, live_cpu, app_cpu, command = latency_and_cpu(args, token)
    raw = raw_cpu(args, command)
    rows = concurrency(args, token)

    cores = os.cpu_count()
    print(f"# Live benchmark ({time.strftime('%Y-%m-%d %H:%M')}, {cores} cores)\n")
    print("Feed: 1280x720 30 fps H.264 + AAC, pushed as MPEG-TS over HTTP in real time. Ladder 720p/480p/360p, "
          "x264 veryfast, 2 s segments.\n")
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
    print(f"| the app itself for the stream (ingest, recording, publishing) | {app_cpu * 100:.0f} % |\n")
    print("## Concurrent streams in real time\n")
    print("| streams | segments listed per stream in 20 s (10 = real time) | oldest playlist | real time |")
    print("|---|---|---|---|")
    for n, made, age, ok in rows:
        print(f"| {n} | {', '.join(map(str, made))} | {age:.1f} s | {'yes' if ok else 'no'} |")
    held = max([n for n, _, _, ok in rows if ok], default=0)
    print(f"\nThis machine holds **{held}** concurrent 720p30 streams with a three-rung ladder in real time.")


if __name__ == "__main__":
    main()
