#!/usr/bin/env python3
"""Main-thread CPU per frame of the built page while it plays a session at 10x.

Wall-clock frame intervals (tests/benches/page.rs) measure the machine as much as the
page: on a shared 2-core machine they are several times the page's own work. This reads
the renderer main thread's CPU time from a Chrome trace instead: `console.timeStamp`
marks around N seconds of requestAnimationFrame, their thread timestamps (`tts`)
subtracted, divided by the frames drawn. Under 16.7 ms per frame means the page's own
work fits a 60 Hz frame.

Usage (serve dist/ first, e.g. `python3 -m http.server 8790 -d dist`):
    scripts/frame_cpu.py "http://127.0.0.1:8790/?s=v1~balance-scale-out~seed.1" [TESTID] [SECONDS]
TESTID, if given, is scrolled into view while playing (e.g. `diagram`).
Needs /usr/bin/chromedriver and /usr/bin/chromium (scripts/setup.sh installs them).
"""
import json
import socket
import subprocess
import sys
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    url = sys.argv[1]
    in_view = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 4.0
    port = free_port()
    driver = subprocess.Popen(["/usr/bin/chromedriver", f"--port={port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def call(method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, data=data,
                                     headers={"Content-Type": "application/json"})
        return json.loads(urllib.request.urlopen(req, timeout=300).read())["value"]

    sid = None
    try:
        for _ in range(50):
            try:
                call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {
            "goog:loggingPrefs": {"performance": "ALL"},
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "perfLoggingPrefs": {"enableNetwork": False, "enablePage": False,
                                     "traceCategories": "toplevel,devtools.timeline"},
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--hide-scrollbars", "--window-size=1400,900"]}}}}
        sid = call("POST", "/session", caps)["sessionId"]

        def js(script, sync=True):
            kind = "sync" if sync else "async"
            return call("POST", f"/session/{sid}/execute/{kind}", {"script": script, "args": []})

        call("POST", f"/session/{sid}/url", {"url": url})
        for _ in range(200):
            if js("return !!document.querySelector('[data-testid=stage]')"):
                break
            time.sleep(0.1)
        time.sleep(1)
        scroll = (f"document.querySelector('[data-testid={in_view}]')"
                  ".scrollIntoView({block:'center'});") if in_view else ""
        js("const s = document.querySelector('[data-testid=speed]'); s.value = '6';"
           "s.dispatchEvent(new Event('change', {bubbles: true}));"
           "document.querySelector('[data-testid=play]').click();" + scroll)
        time.sleep(0.5)
        frames = js(f"""const done = arguments[arguments.length - 1];
            console.timeStamp('frames-start'); let n = 0;
            const end = performance.now() + {seconds * 1000};
            function frame(t) {{ n++; if (t < end) requestAnimationFrame(frame);
                else {{ console.timeStamp('frames-end'); done(n); }} }}
            requestAnimationFrame(frame);""", sync=False)
        events = []
        for entry in call("POST", f"/session/{sid}/se/log", {"type": "performance"}):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Tracing.dataCollected":
                events.append(message["params"])
        marks = {e["args"]["data"]["message"]: e for e in events if e.get("name") == "TimeStamp"}
        start, end = marks["frames-start"], marks["frames-end"]
        cpu_ms = (end["tts"] - start["tts"]) / 1000
        wall_ms = (end["ts"] - start["ts"]) / 1000
        print(f"frames {frames} in {wall_ms:.0f} ms ({frames * 1000 / wall_ms:.1f} fps); "
              f"main-thread CPU {cpu_ms:.0f} ms, {cpu_ms / max(frames, 1):.2f} ms per frame")
    finally:
        if sid:
            try:
                call("DELETE", f"/session/{sid}")
            except OSError:
                pass
        driver.kill()


if __name__ == "__main__":
    main()
