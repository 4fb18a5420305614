#!/usr/bin/env python3
# bench/web-load's measurement, for kiln web and go tool pprof -http alike:
# with the browser already running (headless Debian chromium through
# chromedriver and python3-selenium), start the server, poll its page until
# it answers, open the flame graph and wait until it is fully drawn; the
# time is from the server's start to that moment. Runs each tool RUNS
# times, alternating, and prints one JSON line of medians.
#   python3 web-load.py PROFILE KILN RUNS
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

profile, kiln = sys.argv[1:3]
runs = int(sys.argv[3]) if len(sys.argv) > 3 and int(sys.argv[3]) > 0 else 3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, deadline):
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if 200 <= r.status < 300:
                    return
        except OSError:
            pass  # not yet
        if time.monotonic() > deadline:
            raise RuntimeError("server did not come up: " + url)
        time.sleep(0.02)


def kiln_token(proc):
    """kiln prints its URL with the run's token once it listens; the rest
    of its output is drained so that it never blocks on the pipe."""
    out = ""
    for line in iter(proc.stdout.readline, ""):
        out += line
        m = re.search(r"http://\S+\?token=([0-9a-f]+)", out)
        if m:
            threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
            return m.group(1)
    raise RuntimeError("kiln web exited: " + out)


def measure(d, tool):
    port = free_port()
    env = dict(os.environ, BROWSER="")
    t0 = time.monotonic()
    if tool == "kiln":
        proc = subprocess.Popen([kiln, "web", "--http", "127.0.0.1:%d" % port, profile], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    else:
        env.update(GOTOOLCHAIN="local", GOTELEMETRY="off")
        proc = subprocess.Popen(["go", "tool", "pprof", "-no_browser", "-http=127.0.0.1:%d" % port, profile], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if tool == "kiln":
            token = kiln_token(proc)
            probe = "http://127.0.0.1:%d/api/meta?token=%s" % (port, token)
            url = "http://127.0.0.1:%d/flamegraph?token=%s" % (port, token)
        else:
            probe = "http://127.0.0.1:%d/" % port
            url = "http://127.0.0.1:%d/ui/flamegraph" % port
        wait_up(probe, t0 + 600)
        t_up = time.monotonic()
        d.get(url)
        sel = 'body[data-flame-ready="1"]' if tool == "kiln" else "#chart svg g rect"
        WebDriverWait(d, 600, poll_frequency=0.01).until(
            lambda d: d.execute_script("return document.querySelector(arguments[0]) !== null;", sel))
        # one more frame so the drawing is on screen
        d.execute_async_script("requestAnimationFrame(() => arguments[0]());")
        t1 = time.monotonic()
        frames = d.execute_script("return window.kilnFlame.drawn();" if tool == "kiln"
                                  else 'return document.querySelectorAll("#chart svg g").length;')
        return {"total": t1 - t0, "server": t_up - t0, "page": t1 - t_up, "frames": frames}
    finally:
        proc.terminate()
        try:
            proc.wait(3)
        except subprocess.TimeoutExpired:
            pass


def median(xs):
    s = sorted(xs)
    return s[(len(s) - 1) >> 1]


def main():
    tmp = tempfile.mkdtemp(prefix="kiln-bench-chromium-")
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--window-size=1280,900", "--user-data-dir=" + tmp):
        o.add_argument(a)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    try:
        d.set_page_load_timeout(600)
        d.set_script_timeout(600)
        first = d.current_window_handle
        res = {"kiln": [], "pprof": []}
        for i in range(runs):
            for tool in ("kiln", "pprof"):
                d.switch_to.new_window("tab")
                d.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})
                m = measure(d, tool)
                d.close()
                d.switch_to.window(first)
                res[tool].append(m)
                print("%s run %d: %s" % (tool, i + 1, json.dumps(m)), file=sys.stderr, flush=True)
    finally:
        d.quit()
        shutil.rmtree(tmp, ignore_errors=True)
    out = {}
    for tool in ("kiln", "pprof"):
        out[tool] = {k: median([m[k] for m in res[tool]]) for k in ("total", "server", "page")}
        out[tool]["frames"] = res[tool][0]["frames"]
    out["ratio"] = out["pprof"]["total"] / out["kiln"]["total"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
