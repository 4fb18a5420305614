#!/usr/bin/env python3
# Browser tests of kiln web and of the flame graph SVG, in headless Debian
# chromium driven through Debian's chromedriver by python3-selenium (no npm,
# no browser download). Usage:
#   python3 browser.py URL EVIL_URL SVG_FILE SHOT_DIR
# URL serves tests/render's known profile (cwd holding app.c), EVIL_URL the
# profile whose function names are script injections; both as kiln web
# printed them, with ?token=, which the first visit turns into a cookie.
# Prints one "ok - ..." or "not ok - ..." line per check; exits 1 if any
# check failed or the run broke off.
import base64
import os
import shutil
import sys
import tempfile
import time
import traceback
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, UnexpectedAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

printed_url, printed_evil_url, svg_file, shot_dir = sys.argv[1:5]
failures = 0


def check(cond, what):
    global failures
    if cond:
        print("ok - " + what, flush=True)
        return
    print("not ok - " + what, flush=True)
    failures += 1


# Injected into every document before its own scripts: records uncaught
# errors and unhandled rejections (what Playwright calls page errors).
ERROR_HOOK = """
(function () {
	var errs = [];
	Object.defineProperty(window, "__kilnTestErrors", { value: errs });
	window.addEventListener("error", function (e) {
		errs.push("error: " + String(e.error || e.message));
	});
	window.addEventListener("unhandledrejection", function (e) {
		errs.push("unhandled rejection: " + String(e.reason));
	});
})();
"""


class Browser:
    """One chromium; each tab has a list where its page errors and dialogs
    (an alert, confirm or prompt, which chromedriver dismisses) go."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="kiln-chromium-")
        o = webdriver.ChromeOptions()
        o.binary_location = "/usr/bin/chromium"
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1280,800", "--user-data-dir=" + self.dir):
            o.add_argument(a)
        o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        o.unhandled_prompt_behavior = "dismiss and notify"
        self.d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
        self.d.set_page_load_timeout(120)
        self.d.set_script_timeout(60)
        self.errors = {}  # window handle -> list
        self.setup_tab()

    def setup_tab(self):
        h = self.d.current_window_handle
        self.errors[h] = []
        self.d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ERROR_HOOK})
        # As the Playwright version did (bypassCSP): the injection checks
        # are stronger when nothing may run even without the CSP's help.
        self.d.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})
        return h

    def new_tab(self):
        self.d.switch_to.new_window("tab")
        return self.setup_tab()

    def switch(self, h):
        self.d.switch_to.window(h)

    def close_tab(self, back_to):
        self.d.close()
        self.d.switch_to.window(back_to)

    def errs(self):
        return self.errors[self.d.current_window_handle]

    def guard(self, fn):
        """Runs fn; a dialog open on the page is recorded, dismissed (by
        chromedriver) and fn run again."""
        for _ in range(50):
            try:
                return fn()
            except UnexpectedAlertPresentException as e:
                self.errs().append("dialog: " + str(e.alert_text))
        raise RuntimeError("dialogs keep opening")

    def js(self, script, *args):
        return self.guard(lambda: self.d.execute_script(script, *args))

    def ajs(self, body):
        """Runs the body of an async function in the page and returns its value."""
        script = ("const done = arguments[arguments.length - 1];"
                  "(async () => {" + body + "})().then((v) => done({v: v}), (e) => done({e: String(e)}));")
        r = self.guard(lambda: self.d.execute_async_script(script))
        if "e" in r:
            raise RuntimeError("page script failed: " + r["e"])
        return r["v"]

    def harvest(self):
        """Moves the page errors recorded so far in the document into the
        tab's list (before the document goes away)."""
        try:
            self.errs().extend(self.js("return window.__kilnTestErrors ? window.__kilnTestErrors.splice(0) : [];"))
        except Exception as e:  # noqa: BLE001 - a page that cannot answer is an error too
            self.errs().append("could not read page errors: " + str(e))

    def log_errors(self):
        """Uncaught exceptions that chromium logged (SEVERE, from a script;
        not refused requests, which the tests make on purpose)."""
        return ["log: " + e.get("message", "") for e in self.guard(lambda: self.d.get_log("browser"))
                if e.get("level") == "SEVERE" and e.get("source") == "javascript"]

    def goto(self, url):
        if self.d.current_url.startswith(("http:", "file:")):
            self.harvest()
        self.guard(lambda: self.d.get(url))

    def url(self):
        return self.guard(lambda: self.d.current_url)

    def wait_js(self, cond, timeout=30):
        """Waits until the JS expression cond is true (a throw counts as not yet)."""
        script = "try { return !!(" + cond + "); } catch (e) { return false; }"
        WebDriverWait(self.d, timeout, poll_frequency=0.05).until(
            lambda d: self.js(script), "timed out waiting for " + cond)

    def wait_for(self, selector, timeout=30):
        self.wait_js("document.querySelector(" + jstr(selector) + ") !== null", timeout)

    def text(self, selector):
        t = self.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", selector)
        if t is None:
            raise RuntimeError("no element " + selector)
        return t

    def click(self, selector):
        self.guard(lambda: self.d.find_element(By.CSS_SELECTOR, selector).click())

    def fill(self, selector, value):
        """Like Playwright's fill: replaces the value, with input events."""
        def do():
            el = self.d.find_element(By.CSS_SELECTOR, selector)
            el.send_keys(Keys.CONTROL, "a")
            el.send_keys(Keys.BACKSPACE)
            if value:
                el.send_keys(value)
        self.guard(do)

    def mouse(self, x, y, click):
        """A real pointer move (and click) at viewport coordinates."""
        def do():
            a = ActionBuilder(self.d)
            a.pointer_action.move_to_location(int(round(x)), int(round(y)))
            if click:
                a.pointer_action.click()
            a.perform()
        self.guard(do)

    def screenshot(self, name, full_page=False):
        path = os.path.join(shot_dir, name)
        if not full_page:
            self.guard(lambda: self.d.save_screenshot(path))
            return
        m = self.d.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = m.get("cssContentSize") or m["contentSize"]
        shot = self.d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def quit(self):
        try:
            self.d.quit()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def jstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def open_printed(b, printed, what):
    """Opens the URL kiln printed; returns the clean base URL it redirects to."""
    u = urllib.parse.urlsplit(printed)
    base = u.scheme + "://" + u.netloc + "/"
    b.goto(printed)
    # The document's URL as loaded: the app then rewrites it (replaceState
    # to the default view), which the page's current URL would show.
    nav = b.js('const n = performance.getEntriesByType("navigation")[0];'
               'return [n.name, n.redirectCount];')
    check(nav[0] == base and nav[1] == 1,
          what + ": the printed URL redirects to " + base + " (" + nav[0] + ", redirects: " + str(nav[1]) + ")")
    return base


def rows(b):
    return b.js('return Array.from(document.querySelectorAll("#top-table tbody tr"), '
                '(tr) => Array.from(tr.children, (td) => td.textContent));')


def main(b):
    page = b.d.current_window_handle

    # The printed URL: a cookie for the token, then the clean URL.
    url = open_printed(b, printed_url, "known")
    check("kiln_token" not in b.js("return document.cookie;"), "the token cookie is HttpOnly")
    no_cookie = b.ajs('const r = await fetch("/api/meta", { credentials: "omit" }); return [r.status, await r.text()];')
    check(no_cookie[0] == 403 and "token" in no_cookie[1], "without the cookie the API answers 403 (" + str(no_cookie) + ")")

    # Top: first rows of the known profile (flat order, ties by name).
    b.goto(url + "top")
    b.wait_for("#top-table tbody tr")
    r = rows(b)
    check(len(r) == 6, "top has 6 rows (" + str(len(r)) + ")")
    check(r[0][5] == "compute" and r[0][0] == "400ms" and r[0][1] == "40.00%", "top row 1 is compute 400ms 40.00% (" + str(r[0]) + ")")
    check(r[1][5] == "helper" and r[1][0] == "200ms", "top row 2 is helper 200ms (" + str(r[1]) + ")")
    check(r[2][5] == "sys_write" and r[2][2] == "80.00%", "top row 3 is sys_write, sum 80% (" + str(r[2]) + ")")
    b.click('th[data-col="cum"]')
    r = rows(b)
    check(r[0][5] == "main" and r[0][3] == "1000ms", "sorted by cum: main 1000ms first (" + str(r[0]) + ")")

    # Flame graph: switch view without reloading, click a frame, zoom.
    b.js("window.__sameDocument = 1;")
    b.click('#views a[data-view="flamegraph"]')
    b.wait_for('body[data-flame-ready="1"]')
    check(b.js("return window.__sameDocument === 1;"), "switching to the flame graph did not reload the page")
    check(urllib.parse.urlsplit(b.url()).path == "/flamegraph", "URL shows the flame graph view")
    work = b.js('return window.kilnFlame.frame("work");')
    canvas_w = b.js('return document.querySelector("#flame").getBoundingClientRect().width;')
    check(work is not None and abs(work["w"] / canvas_w - 0.7) < 0.01, "work is 70% of the flame graph wide")
    b.mouse(work["x"] + work["w"] / 2, work["y"] + work["h"] / 2, click=True)
    b.wait_js('window.kilnFlame.zoomed() === "work"')
    comp = b.js('return window.kilnFlame.frame("compute");')
    check(abs(comp["w"] / canvas_w - 600 / 700) < 0.01, "after zooming into work, compute is 6/7 wide")
    check("Zoomed: work" in b.text("#flame-status"), "status names the zoomed frame")
    b.mouse(comp["x"] + 5, comp["y"] + 5, click=False)
    check("compute" in b.text("#tooltip"), "tooltip shows the function under the pointer")

    # Search: matched share of the zoomed view.
    b.fill("#search", "^comp")
    b.wait_js('document.querySelector("#flame-matched").textContent.includes("Matched")')
    matched = b.text("#flame-matched")
    check("85.71%" in matched, "search ^comp matches 85.71% of work (" + matched + ")")
    b.screenshot("web-flamegraph.png", full_page=True)

    # sample_index: switch to samples (counts).
    b.fill("#search", "")
    b.guard(lambda: Select(b.d.find_element(By.CSS_SELECTOR, "#si")).select_by_value("samples"))
    b.wait_js('location.search.includes("si=samples")')
    b.wait_js('document.querySelector("#flame-status").textContent.startsWith("samples")')
    check("total 100" in b.text("#flame-status"), "samples view totals 100 samples")
    b.click('#views a[data-view="top"]')
    b.wait_js('(() => { const td = document.querySelector("#top-table tbody tr td"); '
              'return td && td.textContent === "40"; })()')
    check(True, "top in samples shows compute's 40 samples")
    b.screenshot("web-top.png")

    # A shared link opens the same view.
    b.harvest()
    b.new_tab()
    b.goto(url + "flamegraph?si=samples&f=memcpy")
    b.wait_for('body[data-flame-ready="1"]')
    check("total 10" in b.text("#flame-status"), "shared link: focus=memcpy in samples totals 10")
    b.close_tab(page)

    # Graph (Graphviz) and Peek and Source.
    b.click('#views a[data-view="graph"]')
    b.wait_for("#graph-box svg", timeout=20)
    check("compute" in b.text("#graph-box svg"), "graph view draws the call graph")
    b.screenshot("web-graph.png")
    b.goto(url + "peek?re=compute")
    b.wait_js('document.querySelector("#peek-box").textContent.includes("compute")')
    check("| compute" in b.text("#peek-box"), "peek shows compute's callers and callees")
    b.goto(url + "source?re=compute")
    b.wait_js('document.querySelector("#source-box").textContent.includes("ROUTINE")')
    check("compute_hot" in b.text("#source-box"), "source view lists app.c around compute")
    b.goto(url + "source")
    b.wait_for("#source-files a")
    b.click("#source-files a")
    b.wait_for("table.src tr.hot")
    check("app.c line 30" in b.text("table.src"), "source file view shows app.c with hot lines")
    refused = b.ajs('const a = await fetch("/api/source?file=" + encodeURIComponent("../../../../etc/passwd"));'
                    'const b = await fetch("/api/source?file=/etc/passwd");'
                    'return [a.status, b.status, await a.text()];')
    check(refused[0] == 403 and refused[1] == 403,
          "'..' and foreign absolute source paths are refused (" + str(refused) + ")")
    dl = b.ajs('const r = await fetch("/download"); const b = new Uint8Array(await r.arrayBuffer());'
               'return [r.headers.get("content-type"), b[0], b[1]];')
    check(dl[0] == "application/vnd.google.protobuf+gzip" and dl[1] == 0x1f and dl[2] == 0x8b,
          "download serves the profile as .pb.gz")
    b.harvest()
    page_errors = b.errs() + b.log_errors()
    check(len(page_errors) == 0, "no page errors (" + "; ".join(page_errors) + ")")

    # The malicious profile: names with <script> must render as text only.
    b.new_tab()
    evil_url = open_printed(b, printed_evil_url, "evil")
    # Each view must have drawn the names first: a view that failed to
    # load would run no script either.
    drawn = [
        ("top", 'document.querySelector("#top-table tbody tr") !== null && '
                'document.body.textContent.includes("window.__pwned=1")'),
        ("flamegraph", 'document.body.dataset.flameReady === "1" && '
                       '!!window.kilnFlame.frame("<script>window.__pwned=1</script>")'),
        ("graph", '(() => { const g = document.querySelector("#graph-box svg"); '
                  'return !!g && g.textContent.includes("__pwned=1"); })()'),
        ("peek?re=script", 'document.querySelector("#peek-box").textContent.includes("window.__pwned=1")'),
        ("source?re=.", 'document.querySelector("#source-box").textContent.includes("ROUTINE")'),
        ("source", 'document.querySelector("#source-files a") !== null'),
    ]
    for v, cond in drawn:
        b.goto(evil_url + v)
        try:
            b.wait_js(cond, timeout=20)
            shown = True
        except TimeoutException:
            shown = False
        check(shown, "evil profile, " + v + ": the view drew the profile")
        time.sleep(1.5 if v == "graph" else 0.4)
        pwned = b.js("return typeof window.__pwned;")
        check(pwned == "undefined", "evil profile, " + v + ": no script ran")
    b.goto(evil_url + "top")
    b.wait_for("#top-table tbody tr")
    names = b.js('return Array.from(document.querySelectorAll("#top-table td.name"), (t) => t.textContent);')
    check("<script>window.__pwned=1</script>" in names, "evil name is shown as text")
    check(b.js('return document.querySelectorAll("#top-table script, #top-table img").length;') == 0,
          "no element was created from a name")
    evil_refused = b.ajs('return (await fetch("/api/source?file=" + encodeURIComponent("../../../../etc/passwd"))).status;')
    check(evil_refused == 403, "a '..' file named by the profile is refused too")
    dialogs = [e for e in b.errs() if e.startswith("dialog")]
    check(len(dialogs) == 0, "no dialogs on the evil profile (" + "; ".join(dialogs) + ")")

    # The flame graph SVG file: zoom and search in its own script.
    b.new_tab()
    b.goto("file://" + svg_file)
    width_of = ('for (const g of document.querySelectorAll("g.f"))'
                '  if (g.querySelector("title").textContent.startsWith("compute "))'
                '    return +g.querySelector("rect").getAttribute("width");'
                'return null;')
    before = b.js(width_of)
    b.js('for (const g of document.querySelectorAll("g.f"))'
         '  if (g.querySelector("title").textContent.startsWith("work "))'
         '    g.querySelector("rect").dispatchEvent(new MouseEvent("click", { bubbles: true }));')
    after = b.js(width_of)
    check(before is not None and after is not None and abs(before - 708) < 0.2 and abs(after - 1180 * 6 / 7) < 0.2,
          "SVG: zoom into work widens compute from 708 to 1011.4 (" + str(before) + " -> " + str(after) + ")")
    b.goto("file://" + svg_file + "?s=" + urllib.parse.quote("^(helper|memcpy)$", safe=""))
    m = b.text("#matched")
    check("30.0%" in m, "SVG: ?s= search matches 30.0% (" + m + ")")
    b.screenshot("svg-flame.png")


def run():
    try:
        b = Browser()
    except Exception as e:  # noqa: BLE001
        print("not ok - chromium starts through chromedriver (%s)" % e, flush=True)
        return 1
    try:
        main(b)
    except Exception:  # noqa: BLE001 - any break-off fails the test
        traceback.print_exc()
        print("not ok - the browser checks ran to the end", flush=True)
        return 1
    finally:
        b.quit()
    print("%d failed" % failures if failures else "all passed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(run())
