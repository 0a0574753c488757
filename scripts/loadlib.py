"""Shared by the load and fault scripts (python3 standard library only):
start a `frontdesk demo --no-app` server, log in, speak HTTP on kept-alive
connections, and read the server's memory and open files from /proc."""

import http.client
import json
import os
import re
import resource
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def frontdesk_bin():
    """$FRONTDESK_BIN, or the crate's build ($PROFILE: debug, the default, or release)."""
    if os.environ.get("FRONTDESK_BIN"):
        return os.environ["FRONTDESK_BIN"]
    profile = os.environ.get("PROFILE", "debug")
    args = ["cargo", "build", "--quiet", "--bin", "frontdesk"] + (["--release"] if profile == "release" else [])
    subprocess.run(args, cwd=ROOT, check=True)
    return os.path.join(ROOT, "target", profile, "frontdesk")


class Demo:
    """A demo server on a free loopback port: `Demo(customers=500).start()`."""

    def __init__(self, customers=500, db=None):
        self.customers = customers
        self.db = db
        self.proc = None
        self.host = None
        self.port = None
        self.log = tempfile.NamedTemporaryFile("w+", prefix="frontdesk-demo-", suffix=".log", delete=False)

    def start(self, timeout=120):
        args = [frontdesk_bin(), "demo", "--no-app", "--customers", str(self.customers)]
        if self.db:
            args += ["--db", self.db]
        self.log.seek(0)
        self.log.truncate()
        # SERVER_NOFILE: the server's open-file limit (soft and hard), e.g. the
        # common 1024, to see what happens when a client holds that many.
        nofile = int(os.environ.get("SERVER_NOFILE", "0"))
        # SERVER_CPUS: the CPUs the server may run on (`1`, `0,1`), so a load
        # generator pinned to the others (see `pin_self`) does not share them.
        cpus = cpu_list(os.environ.get("SERVER_CPUS", ""))

        def limit():
            if nofile:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
            if cpus:
                os.sched_setaffinity(0, cpus)

        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=limit)
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.log.name) as f:
                m = re.search(r"API: +http://([0-9.]+):([0-9]+)/api/", f.read())
            if m:
                self.host, self.port = m.group(1), int(m.group(2))
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("the demo did not start:\n" + open(self.log.name).read())
            time.sleep(0.1)
        raise RuntimeError("the demo did not print its address")

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def conn(self, timeout=30):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def token(self):
        status, body, _ = request(self.conn(), "POST", "/api/get-token/", {"username": "demo", "password": "demo"})
        assert status == 200, (status, body)
        return body["token"]

    def rss_mb(self):
        return rss_mb(self.pid)

    def open_files(self):
        return open_files(self.pid)

    def log_text(self):
        with open(self.log.name) as f:
            return f.read()


def cpu_list(text):
    """`0,2-3` -> {0, 2, 3}; empty -> None."""
    cpus = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        lo, _, hi = part.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus or None


def pin_self(variable="CLIENT_CPUS"):
    """Pins this process to the CPUs $CLIENT_CPUS names (if set); returns them."""
    cpus = cpu_list(os.environ.get(variable, ""))
    if cpus:
        os.sched_setaffinity(0, cpus)
    return cpus


def request(conn, method, path, body=None, token=None, headers=None, raw=None, content_type=None):
    """One request on a kept-alive connection: (status, parsed body, headers)."""
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Token " + token
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    if content_type:
        h["Content-Type"] = content_type
    conn.request(method, path, body=data, headers=h)
    resp = conn.getresponse()
    payload = resp.read()
    ctype = resp.getheader("Content-Type", "")
    parsed = payload
    if "json" in ctype:
        try:
            parsed = json.loads(payload)
        except ValueError:
            pass
    if resp.getheader("Connection", "").lower() == "close":
        conn.close()
    return resp.status, parsed, dict(resp.getheaders())


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def open_files(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class Sampler(threading.Thread):
    """Samples the server's RSS (and open files) every `every` seconds; keeps the peak."""

    def __init__(self, pid, every=0.02):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak_rss = 0.0
        self.peak_fds = 0
        self.running = True

    def run(self):
        while self.running:
            try:
                self.peak_rss = max(self.peak_rss, rss_mb(self.pid))
                self.peak_fds = max(self.peak_fds, open_files(self.pid))
            except (FileNotFoundError, ProcessLookupError):
                return
            time.sleep(self.every)

    def stop(self):
        self.running = False
        self.join()


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def quote(s):
    return urllib.parse.quote(s, safe="")
