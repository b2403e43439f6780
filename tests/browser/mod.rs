//! Driving the built page in headless Chromium: a static server for `dist/` on a
//! sub-path of 127.0.0.1, ChromeDriver, and a few helpers. Shared by the end-to-end test
//! and the page benchmark (`#[path]`-included, as both are separate targets).

#![allow(dead_code)] // each includer uses a different part

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// The sub-path the page is served from, to prove relative asset paths work.
pub const PREFIX: &str = "/docs/playground/";

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn dist_dir() -> PathBuf {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist");
    assert!(
        dist.join("index.html").exists(),
        "dist/ is missing: build it with `(cd web && trunk build --offline --release)` \
         (scripts/test.sh does this before running the tests)"
    );
    dist
}

/// Serves `dist/` under [`PREFIX`] on a background thread.
pub fn serve(dist: PathBuf) -> u16 {
    // Bound at a port the system picks, read back: a port found free and bound a moment
    // later can be taken in between by a browser another test starts.
    let server = tiny_http::Server::http(("127.0.0.1", 0)).expect("static server starts");
    let port = server.server_addr().to_ip().expect("an IP address").port();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            // One thread per request: a large response (the wasm) written to a slow reader
            // must not hold up the other frames' requests.
            let dist = dist.clone();
            std::thread::spawn(move || respond(request, &dist));
        }
    });
    port
}

/// What the static servers of this test process answered, one line per request (when it
/// came, what, and how long writing the answer took or why it failed): printed when a page
/// does not finish loading, to tell a stalled answer from a stalled browser.
static SERVED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// When this test process first served a file, for [`SERVED`]'s times.
static FIRST_SERVED: Mutex<Option<Instant>> = Mutex::new(None);

/// The last `n` lines of [`SERVED`].
pub fn served_lately(n: usize) -> String {
    let served = SERVED.lock().unwrap();
    served[served.len().saturating_sub(n)..].join("; ")
}

/// Answers one request for a file of `dist/` under [`PREFIX`].
fn respond(request: tiny_http::Request, dist: &Path) {
    let started = Instant::now();
    let since = FIRST_SERVED
        .lock()
        .unwrap()
        .get_or_insert(started)
        .elapsed()
        .as_millis();
    let url = request.url().to_string();
    let path = url.split('?').next().unwrap_or("/").to_string();
    let file = path
        .strip_prefix(PREFIX)
        .map(|rest| if rest.is_empty() { "index.html" } else { rest })
        .filter(|rest| !rest.contains(".."))
        .map(|rest| dist.join(rest));
    let response = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
        Some((file, bytes)) => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "application/javascript",
                Some("wasm") => "application/wasm",
                Some("css") => "text/css",
                Some("svg") => "image/svg+xml",
                _ => "application/octet-stream",
            };
            let header = tiny_http::Header::from_bytes("Content-Type", kind).unwrap();
            tiny_http::Response::from_data(bytes).with_header(header)
        }
        None => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
    };
    let (status, bytes) = (
        response.status_code().0,
        response.data_length().unwrap_or(0),
    );
    let written = request.respond(response);
    let name = url.rsplit('/').next().unwrap_or_default();
    let name: String = name.chars().take(48).collect();
    SERVED.lock().unwrap().push(format!(
        "at {since} ms {name} {status} {bytes} B {}",
        match written {
            Ok(()) => format!("written in {} ms", started.elapsed().as_millis()),
            Err(e) => format!("not written: {e}"),
        }
    ));
}

/// A ChromeDriver process, killed on drop with the Chromium it started (its process group).
pub struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-9", "--", &group]).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn start_browser() -> (Driver, Client) {
    let port = free_port();
    // Its own process group, so that dropping the driver also ends the Chromium it
    // started, even when a test panics before closing its session.
    let child = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts (scripts/setup.sh installs it)");
    let driver = Driver(child, port);
    let caps = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1400,1000"
            ]
        }
    });
    let caps = caps.as_object().unwrap().clone();
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    for _ in 0..100 {
        let attempt = ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{}", driver.1))
            .await;
        if let Ok(client) = attempt {
            return (driver, client);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("could not start a ChromeDriver session");
}

pub async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
}

pub async fn testid(client: &Client, id: &str) -> fantoccini::elements::Element {
    wait_for(client, &format!("[data-testid=\"{id}\"]")).await
}

pub async fn text(client: &Client, id: &str) -> String {
    testid(client, id).await.text().await.unwrap()
}

/// What a node on the stage says of itself: its accessible label (name, role, status and
/// state), which a name-only node (on a phone) shows on tap rather than writes.
pub async fn node_state(client: &Client, id: &str) -> String {
    let node = testid(client, id).await;
    node.attr("aria-label").await.unwrap().unwrap_or_default()
}

pub async fn click(client: &Client, id: &str) {
    // SVG groups are not "interactable" for WebDriver clicks; a DOM click works for all.
    client
        .execute(
            "document.querySelector(`[data-testid=\"${arguments[0]}\"]`)\
             .dispatchEvent(new MouseEvent('click', {bubbles: true}))",
            vec![json!(id)],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
}

pub async fn scrub(client: &Client, micros: u64) {
    client
        .execute(
            "const s = document.querySelector('[data-testid=scrubber]'); s.value = arguments[0]; \
             s.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![json!(micros.to_string())],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
}

pub async fn play_briefly(client: &Client) {
    let before = text(client, "time").await;
    click(client, "play").await;
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    click(client, "play").await;
    let after = text(client, "time").await;
    assert_ne!(before, after, "playing moves the cursor");
}

/// Scrolls the iframe `frame` into view, waits (from the parent page: the frame is same
/// origin) until its own document shows `[data-testid=inner]`, then enters it. Entering a
/// frame before its document has replaced the initial `about:blank` one can leave
/// ChromeDriver searching the old document; waiting from outside avoids that. A frame
/// still empty after 30 s is reloaded once, with a warning naming what it held (once in
/// CI a frame's document was complete and its app never started, with no message: its
/// page now says when its code fails to load); on a timeout the message says which frame,
/// what its document held and which of its files had arrived when.
pub async fn enter_frame_when_ready(client: &Client, frame: &str, inner: &str) {
    let probe = "const f = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);\
                 if (!f) return 'no frame';\
                 f.scrollIntoView({block: 'center'});\
                 const d = f.contentDocument;\
                 if (d && d.querySelector(`[data-testid=\"${arguments[1]}\"]`)) return 'ready';\
                 if (arguments[2]) { f.contentWindow.location.reload(); return 'reloading'; }\
                 if (!d) return 'no document';\
                 const files = f.contentWindow.performance.getEntriesByType('resource')\
                   .map(e => `${e.name.split('/').pop().slice(0, 40)} at ${Math.round(e.responseEnd)} ms`);\
                 return `${d.readyState} ${d.location.href} ${(d.body ? d.body.innerText : '').slice(0, 200)} \
                   [files: ${files.join(', ')}]`;";
    let mut last = String::new();
    for tick in 0..600 {
        let reload = tick == 300;
        if reload {
            eprintln!("warning: frame {frame} showed no [data-testid={inner}] in 30 s, reloading it once; it held: {last}");
        }
        let state = client
            .execute(probe, vec![json!(frame), json!(inner), json!(reload)])
            .await
            .unwrap();
        last = state.as_str().unwrap_or_default().to_string();
        if last == "ready" {
            testid(client, frame).await.enter_frame().await.unwrap();
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("frame {frame} never showed [data-testid={inner}] within 60 s; its document: {last}");
}

/// Opens the example docs page that embeds two frames. Once in CI the page never finished
/// loading (the browser waited 300 s): a load not done in 45 s is printed as a warning,
/// with what the frames held and what the server answered, and tried once more; a second
/// failure fails the test with the same account.
pub async fn open_embed_example(client: &Client, base: &str) {
    let url = format!("{base}embed-example.html");
    let page_load = |secs| {
        fantoccini::wd::TimeoutConfiguration::new(None, Some(Duration::from_secs(secs)), None)
    };
    for attempt in 1..=2 {
        client.update_timeouts(page_load(45)).await.unwrap();
        let loaded = client.goto(&url).await;
        client.update_timeouts(page_load(300)).await.unwrap();
        let Err(error) = loaded else { return };
        let frames = client
            .execute(
                "return [...document.querySelectorAll('iframe')].map(f => { \
                   const d = f.contentDocument; if (!d) return 'no document'; \
                   const files = f.contentWindow.performance.getEntriesByType('resource') \
                     .map(e => `${e.name.split('/').pop().slice(0, 40)} at ${Math.round(e.responseEnd)} ms`); \
                   return `${d.readyState} ${(d.body ? d.body.innerText : '').slice(0, 120)} [files: ${files.join(', ')}]`; })",
                vec![],
            )
            .await
            .map_or_else(|e| format!("(the page did not answer: {e})"), |v| v.to_string());
        let account = format!(
            "{url} did not finish loading in 45 s ({error}); its frames: {frames}; \
             the server's last answers: {}",
            served_lately(16)
        );
        assert!(attempt < 2, "{account}");
        eprintln!("warning: {account}; loading it once more");
    }
}

/// Opens `session` in the page at `base` and moves the cursor to `at_us`.
pub async fn open_at(client: &Client, base: &str, session: &playground_core::Session, at_us: u64) {
    client
        .goto(&format!("{base}?s={}", session.encode()))
        .await
        .unwrap();
    testid(client, "scrubber").await;
    scrub(client, at_us).await;
}

/// Whether the page scrolls sideways (it must not, at any width).
pub async fn scrolls_sideways(client: &Client) -> bool {
    client
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth + 1",
            vec![],
        )
        .await
        .unwrap()
        == json!(true)
}

/// Scrolls the stage to the top of the window (under the header) and writes a
/// screenshot to `path`.
pub async fn shoot_stage(client: &Client, path: &Path) {
    shoot(client, "stage", 130, path).await;
}

/// How many pairs of the diagrams' drawn texts (labels of events and messages, time
/// ticks, the texts of the marks across the lanes) overlap, by their rendered boxes.
pub async fn overlapping_labels(client: &Client) -> u64 {
    client
        .execute(
            "const texts = [...document.querySelectorAll('[data-testid=diagram]')].map(d => \
               [...d.querySelectorAll('.event-labels text, .arrows text, .tick text, .marks text')] \
               .map(t => t.getBoundingClientRect()).filter(b => b.width > 0)); \
             let n = 0; \
             for (const boxes of texts) \
               for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) { \
                 const a = boxes[i], b = boxes[j]; \
                 if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 2 && b.top < a.bottom - 2) n++; } \
             return n;",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap()
}

/// Scrolls the element with test id `id` to `above` pixels below the top of the window
/// and writes a screenshot to `path`.
pub async fn shoot(client: &Client, id: &str, above: u32, path: &Path) {
    let element = testid(client, id).await;
    client
        .execute(
            "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -arguments[1]);",
            vec![serde_json::to_value(&element).unwrap(), json!(above)],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let png = client.screenshot().await.unwrap();
    assert!(png.len() > 10_000, "a real screenshot");
    std::fs::write(path, png).unwrap();
}
