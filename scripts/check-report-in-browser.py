#!/usr/bin/env python3
"""Checks raci-sim's report page in a real browser: headless Chromium (Debian's `chromium`
and `fonts-liberation` packages, installed with apt-get when missing), driven over the
DevTools protocol by a small stdlib-only WebSocket client.

    python3 scripts/check-report-in-browser.py OUT_DIR [--binary target/debug/raci-sim]
    python3 scripts/check-report-in-browser.py OUT_DIR --report DIR [--report DIR ...]

Without --report it builds two reports with the binary (built by `cargo test`): the default
report (`raci-sim` with no arguments: every shipped model on every shipped scenario, 2000 runs)
and a two-model comparison (`compare --models single-incident-lead anti-approval-committee`).
Each index.html is opened at 1366 x 768 (device scale 1) and checked:

  1. the summary `<header id="decision">` exists, holds text and ends within the first screen;
  2. nothing is wider than the page (scrollWidth <= viewport width), offenders listed;
  3. no console error, uncaught exception or failed resource load;
  4. every `href="#x"` names an existing id, ids are unique, and every relative href names a
     file inside the report folder;
  5. every visible text is drawn at least 11 px high (HTML: computed font size; inline SVG:
     font size times the text's screen scale);
  6. printed on A4 (print style sheet), nothing is wider than the printed page;
  7. index.html is under 5 MB.

It saves into OUT_DIR/<report>/: first-screen.png (1366 x 768), full-page.png, print.pdf and
print-first-screen.png (print media), and prints a summary with numbers. Exit 0 when every check
passes, 1 when one fails, 2 when it cannot run. Every wait has a timeout; Chromium is killed
at exit.
"""
import argparse, atexit, base64, glob, hashlib, json, os, re, shutil, signal, socket
import subprocess, sys, tempfile, time, urllib.parse

VIEW_W, VIEW_H = 1366, 768
MIN_TEXT_PX = 11.0
MAX_INDEX_BYTES = 5_000_000
A4_PRINT_W = 718  # CSS px: A4 (210 mm) less the print style sheet's 10 mm margins
TWO_MODELS = ["single-incident-lead", "anti-approval-committee"]


class Failure(Exception):
    """The script cannot run (exit 2)."""


# --- a minimal RFC 6455 client: text frames, client masking, ping, fragments -------------

class WebSocket:
    def __init__(self, url, timeout):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
        self.buf = b""
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                          .encode())
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buf:
            self.buf += self._recv_some(deadline)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        accept = base64.b64encode(hashlib.sha1(
            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        if not head.startswith(b"HTTP/1.1 101") or accept not in head:
            raise Failure(f"DevTools refused the WebSocket upgrade: {head[:200]!r}")

    def _recv_some(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no answer from Chromium")
        self.sock.settimeout(left)
        data = self.sock.recv(1 << 20)
        if not data:
            raise Failure("Chromium closed the DevTools connection")
        return data

    def _exact(self, n, deadline):
        while len(self.buf) < n:
            self.buf += self._recv_some(deadline)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _frame(self, opcode, data):
        n = len(data)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 1 << 16:
            head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
        else:
            head += bytes([0x80 | 127]) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        body = (int.from_bytes(data, "big") ^ int.from_bytes((mask * (n // 4 + 1))[:n], "big")
                ).to_bytes(n, "big") if n else b""
        self.sock.sendall(head + mask + body)

    def send(self, text):
        self._frame(0x1, text.encode())

    def recv(self, deadline):
        """The next whole text message."""
        parts = []
        while True:
            b0, b1 = self._exact(2, deadline)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = int.from_bytes(self._exact(2, deadline), "big")
            elif n == 127:
                n = int.from_bytes(self._exact(8, deadline), "big")
            mask = self._exact(4, deadline) if b1 & 0x80 else None
            data = self._exact(n, deadline)
            if mask:
                data = bytes(c ^ mask[i % 4] for i, c in enumerate(data))
            if opcode == 0x9:
                self._frame(0xA, data)
            elif opcode == 0x8:
                raise Failure("Chromium closed the DevTools connection")
            elif opcode in (0x0, 0x1, 0x2):
                parts.append(data)
                if b0 & 0x80:
                    return b"".join(parts).decode()


# --- Chromium over the DevTools protocol ------------------------------------------------

class Chromium:
    def __init__(self, timeout=60):
        exe = shutil.which("chromium")
        self.profile = tempfile.mkdtemp(prefix="raci-sim-chromium-")
        self.log = open(os.path.join(self.profile, "stderr.txt"), "wb")
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-extensions",
             "--disable-default-apps", "--mute-audio", "--disable-dev-shm-usage", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True)
        atexit.register(self.close)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + timeout
        while True:
            lines = open(port_file).read().split() if os.path.exists(port_file) else []
            if len(lines) >= 2:
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.flush()
                err = open(self.log.name, errors="replace").read()[-2000:]
                raise Failure(f"Chromium did not start its DevTools endpoint:\n{err}")
            time.sleep(0.1)
        self.ws = WebSocket(f"ws://127.0.0.1:{lines[0]}{lines[1]}", timeout)
        self.next_id = 0
        self.events = []
        self.version = self.call("Browser.getVersion")["product"]

    def call(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while True:
            m = json.loads(self.ws.recv(deadline))
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise Failure(f"{method}: {m['error'].get('message')}")
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method, session, timeout):
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e["method"] == method and e.get("sessionId") == session:
                    return self.events.pop(i)
            m = json.loads(self.ws.recv(deadline))
            if "method" in m:
                self.events.append(m)

    def evaluate(self, session, expression, timeout=120):
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True}, session, timeout)
        if "exceptionDetails" in r:
            raise Failure(f"script error in the check: {r['exceptionDetails']}")
        return r["result"].get("value")

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


# --- the checks, run inside the page ---------------------------------------------------

JS_DESCRIBE = r"""
const describe = el => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  const cls = el.getAttribute('class');
  if (cls) s += '.' + cls.trim().split(/\s+/).join('.');
  const sec = el.closest('section[id],header[id],nav[id]');
  let head = null;
  for (let p = el; p && !head; p = p.parentElement) {
    for (let q = p.previousElementSibling; q; q = q.previousElementSibling)
      if (/^H[1-4]$/.test(q.tagName)) { head = q; break; }
  }
  if (sec) s += ' in #' + sec.id;
  if (head) s += ' under "' + head.textContent.trim().slice(0, 60) + '"';
  return s;
};
"""

JS_LAYOUT = r"""
(() => {
  const de = document.documentElement, W = de.clientWidth;
  const clipped = el => {
    for (let a = el.parentElement; a && a !== document.body && a !== de; a = a.parentElement)
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    return false;
  };
  const off = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if ((r.right > W + 0.5 || r.left < -0.5) && !clipped(el)) off.add(el);
  }
  const outer = [...off].filter(el => !off.has(el.parentElement));
  const d = document.getElementById('decision');
  const dr = d && d.getBoundingClientRect();
  return {
    scrollWidth: de.scrollWidth, clientWidth: W, innerWidth: innerWidth,
    pageHeight: de.scrollHeight, elements: document.body.querySelectorAll('*').length,
    overflow: outer.slice(0, 20).map(el => describe(el) + ' (right edge at ' +
      Math.round(el.getBoundingClientRect().right) + ' px)'),
    overflowCount: outer.length,
    decision: d ? {tag: d.tagName.toLowerCase(), text: d.textContent.trim().length,
                   top: dr.top + scrollY, bottom: dr.bottom + scrollY, height: dr.height} : null,
  };
})
"""

JS_TEXT = r"""
((min) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const out = {html: 0, svg: 0, minHtml: null, minSvg: null, small: {}, smallCount: 0};
  while (walker.nextNode()) {
    const t = walker.currentNode, text = t.nodeValue.trim(), el = t.parentElement;
    if (!text || !el) continue;
    range.selectNodeContents(t);
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    if (!rects.length) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility !== 'visible') continue;
    let px = parseFloat(cs.fontSize);
    const svg = el instanceof SVGElement;
    if (svg) {
      const m = el.getScreenCTM();
      if (m) px *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    const k = svg ? 'Svg' : 'Html';
    out[k.toLowerCase()]++;
    if (out['min' + k] === null || px < out['min' + k]) out['min' + k] = px;
    if (px < min - 0.005) {
      out.smallCount++;
      const key = px.toFixed(1) + ' px ' + describe(el.closest('svg') || el);
      const g = out.small[key] || (out.small[key] = {n: 0, example: text.slice(0, 40)});
      g.n++;
    }
  }
  return out;
})
"""


def in_page(body, arg=""):
    """A check function applied in the page, with `describe` in scope."""
    return f"(() => {{ {JS_DESCRIBE} return ({body})({arg}); }})()"

JS_LINKS = r"""
(() => {
  const ids = {};
  for (const el of document.querySelectorAll('[id]')) ids[el.id] = (ids[el.id] || 0) + 1;
  return {ids, hrefs: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))};
})()
"""


def check_links(links, folder, fails):
    """Fragment links name an existing id, ids are unique, relative links name a file inside
    the folder. Returns (fragment links, file links, other links)."""
    ids = links["ids"]
    dup = sorted(i for i, n in ids.items() if n > 1)
    if dup:
        fails.append(f"{len(dup)} ids used more than once: {', '.join(dup[:10])}")
    frag = files = other = 0
    missing, absent = [], []
    root = os.path.realpath(folder)
    for h in links["hrefs"]:
        if h.startswith("#"):
            frag += 1
            name = urllib.parse.unquote(h[1:])
            if name and name not in ids:
                missing.append(h)
        elif re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", h) or h.startswith("//"):
            other += 1
            if h.lower().startswith("file:"):
                absent.append(h + " (an absolute file address)")
        else:
            files += 1
            rel = urllib.parse.unquote(h.split("#")[0].split("?")[0])
            path = os.path.realpath(os.path.join(folder, rel))
            if not path.startswith(root + os.sep) or not os.path.exists(path):
                absent.append(h)
    if missing:
        fails.append(f"{len(missing)} links to ids that do not exist: {', '.join(missing[:10])}")
    if absent:
        fails.append(f"{len(absent)} links to files not in the report folder: "
                     f"{', '.join(absent[:10])}")
    return frag, files, other


def page_errors(events, session):
    out = []
    for e in events:
        if e.get("sessionId") != session:
            continue
        p, m = e.get("params", {}), e["method"]
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            out.append("console: " + " ".join(str(a.get("value", a.get("description", "")))
                                              for a in p.get("args", [])))
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append("exception: " + d.get("exception", {}).get("description", d.get("text", "")))
        elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
            out.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        elif m == "Network.loadingFailed" and not p.get("canceled"):
            out.append(f"failed load: {p.get('errorText')} ({p.get('type')})")
    return out


def save_b64(path, data):
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))


def check_page(cr, folder, out_dir, skip_decision):
    """Every check on one report folder; returns (failures, numbers)."""
    fails, n = [], {}
    index = os.path.join(folder, "index.html")
    n["bytes"] = os.path.getsize(index)
    if n["bytes"] >= MAX_INDEX_BYTES:
        fails.append(f"index.html is {n['bytes']:,} bytes, not under {MAX_INDEX_BYTES:,}")
    target = cr.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    s = cr.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        cr.call(f"{domain}.enable", session=s)
    cr.call("Emulation.setDeviceMetricsOverride", {"width": VIEW_W, "height": VIEW_H,
            "deviceScaleFactor": 1, "mobile": False}, s)
    started = time.monotonic()
    nav = cr.call("Page.navigate", {"url": "file://" + urllib.parse.quote(
        os.path.realpath(index))}, s)
    if nav.get("errorText"):
        raise Failure(f"{index}: {nav['errorText']}")
    cr.wait_event("Page.loadEventFired", s, timeout=180)
    n["load_s"] = time.monotonic() - started
    cr.evaluate(s, "document.fonts.ready.then(() => new Promise(r => setTimeout(r, 200)))")

    lay = cr.evaluate(s, in_page(JS_LAYOUT))
    n.update(height=lay["pageHeight"], elements=lay["elements"])
    d = lay["decision"]
    if d is None:
        msg = 'no <header id="decision"> (the summary on the first screen)'
        (print("  skipped (--skip-decision-check): " + msg) if skip_decision
         else fails.append(msg))
    else:
        n["decision_bottom"] = round(d["bottom"])
        if d["tag"] != "header":
            fails.append(f'#decision is a <{d["tag"]}>, not a <header>')
        if d["text"] == 0 or d["height"] <= 0:
            fails.append("#decision is empty")
        if d["bottom"] > VIEW_H + 0.5:
            fails.append(f"#decision ends at {d['bottom']:.0f} px, below the first screen "
                         f"({VIEW_H} px): it needs scrolling")
    if lay["scrollWidth"] > lay["clientWidth"] or lay["overflowCount"]:
        fails.append(f"the page is {lay['scrollWidth']} px wide in a {lay['clientWidth']} px "
                     f"viewport; {lay['overflowCount']} elements stick out:\n      "
                     + "\n      ".join(lay["overflow"]))

    txt = cr.evaluate(s, in_page(JS_TEXT, MIN_TEXT_PX))
    n.update(text_html=txt["html"], text_svg=txt["svg"], min_html=txt["minHtml"],
             min_svg=txt["minSvg"])
    if txt["smallCount"]:
        groups = sorted(txt["small"].items(), key=lambda kv: -kv[1]["n"])
        fails.append(f"{txt['smallCount']} texts drawn under {MIN_TEXT_PX:.0f} px, in "
                     f"{len(groups)} places:\n      " + "\n      ".join(
                         f"{g['n']} x {k} (e.g. \"{g['example']}\")" for k, g in groups[:15]))

    n["frag"], n["files"], n["other"] = check_links(cr.evaluate(s, JS_LINKS), folder, fails)

    save_b64(os.path.join(out_dir, "first-screen.png"),
             cr.call("Page.captureScreenshot", {"format": "png"}, s)["data"])
    scale = min(1.0, 16000 / max(lay["pageHeight"], 1))
    save_b64(os.path.join(out_dir, "full-page.png"), cr.call("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True, "clip": {
            "x": 0, "y": 0, "width": VIEW_W, "height": lay["pageHeight"], "scale": scale}},
        s, timeout=180)["data"])
    n["full_scale"] = scale

    print_checks(cr, s, out_dir, n, fails)
    errors = page_errors(cr.events, s)
    n["errors"] = len(errors)
    if errors:
        fails.append(f"{len(errors)} errors while loading:\n      " + "\n      ".join(errors[:10]))
    cr.call("Target.closeTarget", {"targetId": target})
    return fails, n


def print_checks(cr, s, out_dir, n, fails):
    """The PDF as printed on A4, and nothing wider than the printed page."""
    pdf = cr.call("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True,
                                      "paperWidth": 8.27, "paperHeight": 11.69}, s, timeout=300)
    raw = base64.b64decode(pdf["data"])
    with open(os.path.join(out_dir, "print.pdf"), "wb") as f:
        f.write(raw)
    n["pdf_pages"] = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", raw))
    cr.call("Emulation.setEmulatedMedia", {"media": "print"}, s)
    cr.call("Emulation.setDeviceMetricsOverride", {"width": A4_PRINT_W, "height": 1000,
            "deviceScaleFactor": 1, "mobile": False}, s)
    lay = cr.evaluate(s, in_page(JS_LAYOUT))
    save_b64(os.path.join(out_dir, "print-first-screen.png"),
             cr.call("Page.captureScreenshot", {"format": "png"}, s)["data"])
    if lay["scrollWidth"] > lay["clientWidth"] or lay["overflowCount"]:
        fails.append(f"printed (A4, {A4_PRINT_W} px wide), {lay['overflowCount']} elements are "
                     "cut off at the right edge:\n      " + "\n      ".join(lay["overflow"]))


# --- the checks checked: a page that breaks every rule, and one that keeps them ----------

BAD_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bad</title></head>
<body style="margin:0"><div style="height:900px">spacer</div><header id="decision">late</header>
<div style="width:1500px">too wide</div><p style="font-size:9px">tiny text</p>
<svg width="1000" height="100" viewBox="0 0 2000 200" style="width:500px;height:50px">
<text x="0" y="50" font-size="20">drawn at 5 px</text></svg>
<a href="#nowhere">a</a> <a href="missing.svg">b</a> <a href="../outside.txt">c</a>
<img src="absent.png" alt=""><span id="twice">d</span><span id="twice">e</span>
<script>console.error("boom"); null.x;</script></body></html>"""

GOOD_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>good</title>
<style>div.wide{overflow-x:auto}</style></head><body><header id="decision"><h1>Prefer A</h1>
<p>Basis: runs.</p></header><div class="wide"><table><tr><td style="width:2000px">wide</td></tr>
</table></div><svg width="400" height="40" viewBox="0 0 800 80" style="width:400px">
<text x="0" y="40" font-size="24">drawn at 12 px</text></svg><section id="s"><a href="#s">s</a>
<a href="plots/a.svg">plot</a> <a href="https://example.org/">out</a></section></body></html>"""

EXPECTED = ["#decision ends at", "elements stick out", "texts drawn under", "cut off",
            "links to ids that do not exist", "links to files not in the report folder",
            "ids used more than once", "errors while loading"]


def self_test(cr):
    """The checks fire on a page that breaks every rule and stay quiet on one that keeps them;
    otherwise the checker itself is broken (a changed Chromium, say)."""
    with tempfile.TemporaryDirectory(prefix="raci-sim-self-test-") as tmp:
        for name, page in (("bad", BAD_PAGE), ("good", GOOD_PAGE)):
            os.makedirs(os.path.join(tmp, name, "plots"))
            with open(os.path.join(tmp, name, "index.html"), "w") as f:
                f.write(page)
            open(os.path.join(tmp, name, "plots", "a.svg"), "w").close()
        fails, n = check_page(cr, os.path.join(tmp, "bad"), tmp, False)
        text = "\n".join(fails)
        silent = [e for e in EXPECTED if e not in text]
        if silent or n["errors"] < 3:
            raise Failure(f"self-test: on a broken page no failure says {silent} "
                          f"({n['errors']} errors seen, 3 expected):\n{text}")
        fails, _ = check_page(cr, os.path.join(tmp, "good"), tmp, False)
        if fails:
            raise Failure("self-test: a page that keeps every rule fails:\n" + "\n".join(fails))


# --- building the reports, installing Chromium, the summary ------------------------------

def ensure_chromium():
    if shutil.which("chromium"):
        return
    print("installing chromium (Debian package)", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium",
                 "fonts-liberation"]):
        r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=900)
        if r.returncode:
            raise Failure(f"{' '.join(cmd)} failed:\n{r.stderr.decode(errors='replace')[-2000:]}")
    if not shutil.which("chromium"):
        raise Failure("chromium is still not on PATH after apt-get install")


def run_binary(binary, args, cwd):
    started = time.monotonic()
    r = subprocess.run([binary, *args], cwd=cwd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=1200)
    if r.returncode:
        raise Failure(f"raci-sim {' '.join(args)} exited {r.returncode}:\n"
                      + r.stderr.decode(errors="replace")[-3000:])
    print(f"  raci-sim {' '.join(args) or '(no arguments)'}: {time.monotonic() - started:.1f} s",
          flush=True)


def build_reports(binary, out):
    """The default report and a two-model comparison, written under out/."""
    work = os.path.abspath(os.path.join(out, "reports"))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    binary = os.path.abspath(binary)
    run_binary(binary, [], work)
    default = glob.glob(os.path.join(work, "reports", "*", "index.html"))
    if len(default) != 1:
        raise Failure(f"the default command wrote {len(default)} reports under {work}/reports")
    two = os.path.join(work, "two-models")
    run_binary(binary, ["compare", "--models", *TWO_MODELS, "--quiet", "--out", two], work)
    return [("default", os.path.dirname(default[0])), ("two-models", two)]


def fmt(x):
    return "-" if x is None else f"{x:.1f}"


def summary(label, n):
    print(f"  {label}: index.html {n['bytes'] / 1e6:.2f} MB, loaded in {n['load_s']:.1f} s, "
          f"page {n['height']} px tall ({n['height'] / VIEW_H:.1f} screens), "
          f"{n['elements']} elements; #decision ends at {n.get('decision_bottom', '-')} px; "
          f"text: {n['text_html']} HTML (smallest {fmt(n['min_html'])} px), {n['text_svg']} SVG "
          f"(smallest {fmt(n['min_svg'])} px); links: {n['frag']} to ids, {n['files']} to "
          f"files, {n['other']} other; {n['errors']} errors; PDF {n['pdf_pages']} A4 pages")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="folder for the reports, screenshots and PDFs")
    ap.add_argument("--binary", default="target/debug/raci-sim",
                    help="raci-sim to build the reports with (default: %(default)s)")
    ap.add_argument("--report", action="append", default=[],
                    help="check this report folder instead of building the two")
    ap.add_argument("--skip-decision-check", action="store_true",
                    help="development only: do not require <header id=\"decision\">")
    ap.add_argument("--timeout", type=int, default=1500, help="whole run, seconds")
    a = ap.parse_args()

    def on_alarm(*_):
        raise TimeoutError(f"the browser check took longer than {a.timeout} s")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
    signal.alarm(a.timeout)
    started = time.monotonic()
    try:
        os.makedirs(a.out, exist_ok=True)
        if a.report:
            reports = [(os.path.basename(os.path.normpath(r)), r) for r in a.report]
        else:
            if not os.access(a.binary, os.X_OK):
                raise Failure(f"{a.binary} not found: run `cargo test` (or `cargo build`) "
                              "first, or pass --binary")
            print("== building the reports", flush=True)
            reports = build_reports(a.binary, a.out)
        ensure_chromium()
        cr = Chromium()
        print(f"== checking in {cr.version} at {VIEW_W} x {VIEW_H}", flush=True)
        self_test(cr)
        print("  self-test: each check fires on a page that breaks it", flush=True)
        failed = 0
        for label, folder in reports:
            if not os.path.isfile(os.path.join(folder, "index.html")):
                raise Failure(f"no index.html in {folder}")
            shots = os.path.join(a.out, label)
            os.makedirs(shots, exist_ok=True)
            fails, n = check_page(cr, folder, shots, a.skip_decision_check)
            summary(label, n)
            print(f"    saved {shots}/first-screen.png, full-page.png (scale "
                  f"{n['full_scale']:.2f}), print.pdf, print-first-screen.png")
            for f in fails:
                print(f"    FAIL {label}: {f}")
            failed += len(fails)
        cr.close()
    except (Failure, TimeoutError, subprocess.TimeoutExpired, OSError) as e:
        print(f"check-report-in-browser: cannot check: {e}", file=sys.stderr)
        return 2
    took = time.monotonic() - started
    if failed:
        print(f"check-report-in-browser: {failed} checks failed ({took:.0f} s)", file=sys.stderr)
        return 1
    print(f"check-report-in-browser: every check passed ({took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
