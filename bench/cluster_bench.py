"""The fleet benchmark (bench/cluster.sh): real OS processes of the jar against one set of local stand-ins.

Phases, one after the other on the same stand-ins and the same kind of work (N short assets uploaded at once):
  1. one worker instance: seconds until every asset is READY
  2. two worker instances: the same
  3. two worker instances, one killed with SIGKILL while it encodes: READY count, jobs encoded twice, seconds from
     the kill until the killed job runs again on the other instance, and ffmpeg processes left afterwards.
Ends with the machine-readable line
  CLUSTER instances=<n> assets=<n> ready=<n> duplicate_encodes=<n> recovered_s=<s> idle_ffmpeg=<n>
"""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.environ["BENCH_DIR"])
import keyframe_api  # noqa: E402

JAVA, JAR, WORK = os.environ["JAVA"], os.environ["JAR"], os.environ["WORK"]
ASSETS = int(os.environ.get("ASSETS", "6"))
SECONDS = int(os.environ.get("SOURCE_SECONDS", "8"))
WEB_PORT = int(os.environ.get("WEB_PORT", "28080"))
PG_PORT = int(os.environ.get("PG_PORT", "25432"))
DATA = os.path.join(WORK, "data")
PASSWORD = os.environ["ADMIN_PASSWORD"]
FFMPEG = os.environ["FFMPEG"]
BASE = f"http://127.0.0.1:{WEB_PORT}"
started = []


def log(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def instance(name, *args):
    """Starts one instance of the jar; all of them share the stand-ins of the stack instance by its data dir."""
    out = open(os.path.join(WORK, f"{name}.log"), "ab")
    command = [JAVA, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", f"-Djava.io.tmpdir={WORK}/tmp",
               "-jar", JAR, f"--keyframe.local.data-dir={DATA}", f"--keyframe.instance.id={name}",
               f"--keyframe.instance.work-root={WORK}/instances", f"--keyframe.identity.admin-password={PASSWORD}",
               "--keyframe.live.rtmp.enabled=false", *args]
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    started.append(process)
    return process


def await_log(name, text, process, timeout=300):
    deadline = time.time() + timeout
    path = os.path.join(WORK, f"{name}.log")
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited ({process.returncode}); see {path}")
        with open(path, errors="replace") as f:
            if text in f.read():
                return
        time.sleep(0.5)
    raise SystemExit(f"{name}: no '{text}' after {timeout} s")


def sql(query):
    answer = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", "postgres",
                             "-At", "-F", "|", "-c", query], capture_output=True, text=True,
                            env={**os.environ, "PGPASSWORD": "postgres"}, check=True)
    return [line.split("|") for line in answer.stdout.splitlines() if line]


def ffmpeg_pids():
    pids = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    args = f.read().split(b"\0")
                if args and os.path.basename(args[0]).decode(errors="replace").endswith("ffmpeg"):
                    pids.add(int(pid))
            except OSError:
                pass
    return pids


def descendants(pid):
    found, frontier = set(), {pid}
    while frontier:
        children = set()
        for parent in frontier:
            # a JVM starts children from many threads: each thread lists its own
            try:
                tasks = os.listdir(f"/proc/{parent}/task")
            except OSError:
                continue
            for task in tasks:
                try:
                    with open(f"/proc/{parent}/task/{task}/children") as f:
                        children |= {int(c) for c in f.read().split()}
                except OSError:
                    pass
        children -= found
        found |= children
        frontier = children
    return found


def source():
    path = os.path.join(WORK, "source.mp4")
    if not os.path.exists(path):
        subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        f"testsrc2=size=1280x720:rate=30:duration={SECONDS}", "-f", "lavfi", "-i",
                        f"sine=frequency=440:sample_rate=48000:duration={SECONDS}", "-c:v", "libx264", "-preset",
                        "veryfast", "-c:a", "aac", "-shortest", path], check=True)
    return path


def batch(token, label):
    return [keyframe_api.upload(BASE, token, source(), f"{label} {i + 1}") for i in range(ASSETS)]


def await_all(token, assets, timeout=1800):
    for asset in assets:
        keyframe_api.await_ready(BASE, token, asset, timeout)


def workers(names):
    processes = {}
    for name in names:
        processes[name] = instance(name, "--keyframe.roles=worker", "--keyframe.transcode.workers=1")
    for name, process in processes.items():
        await_log(name, "Started KeyframeApplication", process)
    return processes


def stop(process, grace=60):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():
    os.makedirs(f"{WORK}/tmp", exist_ok=True)
    before = ffmpeg_pids()
    log("Starting the stand-ins (ops/keyframe stack) and a web instance")
    stack = instance("stack", "--keyframe.roles=none", "--keyframe.local.stack=start",
                     f"--keyframe.local.postgres-port={PG_PORT}", "--keyframe.local.s3-port=0",
                     "--keyframe.local.sqs-port=0", "--keyframe.local.edge-port=0")
    await_log("stack", "Started KeyframeApplication", stack)
    web = instance("web", "--keyframe.roles=web,scheduler", f"--server.port={WEB_PORT}")
    await_log("web", "Started KeyframeApplication", web)
    token = keyframe_api.api_token(BASE, PASSWORD)
    results = {}

    for count in (1, 2):
        names = [f"worker-{count}-{i}" for i in range(count)]
        fleet = workers(names)
        t0 = time.time()
        await_all(token, batch(token, f"{count} workers"))
        results[count] = time.time() - t0
        log(f"{count} worker instance(s): {ASSETS} assets READY in {results[count]:.1f} s")
        for process in fleet.values():
            stop(process)

    fleet = workers(["victim", "survivor"])
    victim, survivor = fleet["victim"], fleet["survivor"]
    assets = batch(token, "kill drill")
    ids = ",".join(f"'{a}'" for a in assets)
    deadline = time.time() + 300
    killed_job = None
    while killed_job is None and time.time() < deadline:
        running = sql(f"select id, lease_owner from transcode_job where asset_id in ({ids}) and state = 'RUNNING' "
                      f"and lease_owner like '%/{victim.pid}/%'")
        if running and any(p in ffmpeg_pids() for p in descendants(victim.pid)):
            killed_job = running[0][0]
        else:
            time.sleep(0.2)
    if killed_job is None:
        raise SystemExit("the victim instance never encoded")
    encoders = descendants(victim.pid)
    # everything the victim holds at the kill: one ffmpeg may make several rungs (an encode group), all re-run
    held = {row[0]: int(row[1]) for row in sql(
        f"select id, attempts from transcode_job where state = 'RUNNING' and lease_owner like '%/{victim.pid}/%'")}
    victim.kill()
    killed_at = time.time()
    log(f"Killed the worker instance {victim.pid} (SIGKILL) while it encoded job {killed_job}")
    recovered = None
    while time.time() < killed_at + 600:
        owner = sql(f"select state, coalesce(lease_owner, '') from transcode_job where id = '{killed_job}'")[0]
        if owner[0] == "DONE" or f"/{survivor.pid}/" in owner[1]:
            recovered = time.time() - killed_at
            break
        time.sleep(0.2)
    orphans = sorted(p for p in encoders if os.path.exists(f"/proc/{p}"))
    await_all(token, assets)
    ready = sum(1 for a in assets if keyframe_api.call(BASE, token, "GET", f"/api/assets/{a}")["status"] == "READY")
    jobs = sql(f"select id, attempts from transcode_job where asset_id in ({ids})")
    # the jobs the victim held legitimately ran once more; every other extra run is a duplicate encode
    duplicates = sum(int(a) - 1 for i, a in jobs if i not in held) + sum(
        max(0, int(a) - held[i] - 1) for i, a in jobs if i in held)

    for process in reversed(started):
        stop(process)
    time.sleep(2)
    idle = len(ffmpeg_pids() - before)
    ratio = results[1] / results[2] if results[2] else 0
    report = {"jobs_held_by_the_killed_instance": len(held), "one_worker_s": round(results[1], 1), "two_workers_s": round(results[2], 1),
              "throughput_2_vs_1": round(ratio, 2), "orphaned_encoders_after_kill": orphans}
    print(json.dumps(report))
    print(f"CLUSTER instances={2 + len(fleet)} assets={len(assets)} ready={ready} duplicate_encodes={duplicates} "
          f"recovered_s={recovered if recovered is None else round(recovered, 1)} idle_ffmpeg={idle}")


try:
    main()
finally:
    for p in started:
        if p.poll() is None:
            p.kill()
