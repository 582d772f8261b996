"""What the benchmarks need of Keyframe's web API, with nothing but the standard library."""
import json
import re
import urllib.parse
import urllib.request
import http.cookiejar


def api_token(base, password, username="admin"):
    """Signs in with the form (as a browser does) and creates an API token on the account page's API."""
    browser = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                          urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = browser.open(f"{base}/login", timeout=30).read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', form).group(1)
    browser.open(f"{base}/login", data=urllib.parse.urlencode(
        {"username": username, "password": password, "_csrf": csrf}).encode(), timeout=30).read()
    account = browser.open(f"{base}/account", timeout=30).read().decode()
    header = re.search(r'name="csrf-header" content="([^"]+)"', account).group(1)
    token = re.search(r'name="csrf-token" content="([^"]+)"', account).group(1)
    req = urllib.request.Request(f"{base}/api/account/tokens", data=json.dumps({"name": "bench"}).encode(),
                                 method="POST", headers={"Content-Type": "application/json", header: token})
    return json.loads(browser.open(req, timeout=30).read())["secret"]


def call(base, token, method, path, body=None):
    """A JSON call to the API with the token; returns the parsed answer."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base}{path}", data=data, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(req, timeout=120) as answer:
        return json.loads(answer.read())


def upload(base, token, path, title, content_type="video/mp4"):
    """Uploads a file as the upload page does (presigned parts straight to storage); returns the asset id."""
    import os
    size = os.path.getsize(path)
    started = call(base, token, "POST", "/api/uploads",
                   {"filename": os.path.basename(path), "size": size, "contentType": content_type, "title": title})
    urls = {p["partNumber"]: p["url"] for p in started["parts"]}
    missing = [n for n in range(1, started["partCount"] + 1) if n not in urls]
    while missing:
        for p in call(base, token, "POST", f"/api/uploads/{started['uploadId']}/parts", {"partNumbers": missing[:20]}):
            urls[p["partNumber"]] = p["url"]
        missing = [n for n in missing if n not in urls]
    parts = []
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with open(path, "rb") as f:
        for n in range(1, started["partCount"] + 1):
            req = urllib.request.Request(urls[n], data=f.read(started["partSize"]), method="PUT",
                                         headers={"Content-Type": "application/octet-stream"})
            with opener.open(req, timeout=120) as answer:
                parts.append({"partNumber": n, "etag": answer.headers["ETag"]})
    done = call(base, token, "POST", f"/api/uploads/{started['uploadId']}/complete", {"parts": parts})
    if done.get("status") == "FAILED":
        raise SystemExit(f"upload failed: {done.get('reason')}")
    return started["assetId"]


def await_ready(base, token, asset, timeout):
    import time
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = call(base, token, "GET", f"/api/assets/{asset}")
        if found["status"] == "READY":
            return found
        if found["status"] == "FAILED":
            raise SystemExit(f"asset failed: {found.get('statusReason')}")
        time.sleep(1)
    raise SystemExit(f"asset {asset} not READY after {timeout} s")


if __name__ == "__main__":
    # bench/keyframe_api.py BASE PASSWORD token | BASE TOKEN upload FILE TITLE TIMEOUT | BASE TOKEN grant ASSET
    import sys
    base, secret, command = sys.argv[1], sys.argv[2], sys.argv[3]
    if command == "token":
        print(api_token(base, secret))
    elif command == "upload":
        asset = upload(base, secret, sys.argv[4], sys.argv[5])
        await_ready(base, secret, asset, float(sys.argv[6]))
        print(asset)
    elif command == "grant":
        grant = call(base, secret, "GET", f"/api/playback/{sys.argv[4]}")
        print(grant["masterUrl"])
        print("; ".join(f"{name}={value}" for name, value in grant["cookies"].items()))
