//! End to end, as a new user would: the Trunk-built `dist/` served from a sub-path on
//! 127.0.0.1, driven in headless Chromium through ChromeDriver.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`
//! (installed by `scripts/setup.sh`). Screenshots of each pattern's default scenario are
//! written to `tests/artifacts/`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use playground_core::{Registry, Session};
use serde_json::json;

/// The sub-path the page is served from, to prove relative asset paths work.
const PREFIX: &str = "/docs/playground/";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn dist_dir() -> PathBuf {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist");
    assert!(
        dist.join("index.html").exists(),
        "dist/ is missing: build it with `(cd web && trunk build --offline --release)` \
         (scripts/test.sh does this before running the tests)"
    );
    dist
}

/// Serves `dist/` under [`PREFIX`] on a background thread.
fn serve(dist: PathBuf) -> u16 {
    let port = free_port();
    let server = tiny_http::Server::http(("127.0.0.1", port)).expect("static server starts");
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let path = request.url().split('?').next().unwrap_or("/").to_string();
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
            let _ = request.respond(response);
        }
    });
    port
}

/// A ChromeDriver process, killed on drop.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start_browser() -> (Driver, Client) {
    let port = free_port();
    let child = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
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

async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
}

async fn testid(client: &Client, id: &str) -> fantoccini::elements::Element {
    wait_for(client, &format!("[data-testid=\"{id}\"]")).await
}

async fn text(client: &Client, id: &str) -> String {
    testid(client, id).await.text().await.unwrap()
}

async fn click(client: &Client, id: &str) {
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

async fn scrub(client: &Client, micros: u64) {
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

async fn play_briefly(client: &Client) {
    let before = text(client, "time").await;
    click(client, "play").await;
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    click(client, "play").await;
    let after = text(client, "time").await;
    assert_ne!(before, after, "playing moves the cursor");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_user_plays_breaks_shares_and_embeds() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;

    // Open the page from a sub-path and pick a scenario.
    client.goto(&base).await.unwrap();
    testid(&client, "stage").await;
    click(&client, "scenario-lamport-concurrent").await;
    assert!(text(&client, "caption").await.contains("same moment"));

    // Play, then crash a server from its menu.
    play_briefly(&client).await;
    scrub(&client, 3_000).await;
    click(&client, "node-s1").await;
    click(&client, "crash").await;
    assert_eq!(text(&client, "node-status").await, "crashed");

    // Copy the share link and open it in a fresh window: the same run appears.
    let share = testid(&client, "share-url")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(
        share.starts_with(&base) && share.contains("crash.s1"),
        "{share}"
    );
    let fingerprint = text(&client, "fingerprint").await;
    scrub(&client, 1_000_000).await;
    let end = text(&client, "time").await;
    let first_window = client.window().await.unwrap();
    let fresh = client.new_window(false).await.unwrap();
    client.switch_to_window(fresh.handle).await.unwrap();
    client.goto(&share).await.unwrap();
    testid(&client, "stage").await;
    assert_eq!(
        text(&client, "fingerprint").await,
        fingerprint,
        "same trace from the link"
    );
    scrub(&client, 1_000_000).await;
    assert_eq!(text(&client, "time").await, end);
    client.close_window().await.unwrap();
    client.switch_to_window(first_window).await.unwrap();

    // A hand-edited link gets a banner and the default scenario.
    client
        .goto(&format!("{base}?s=v1~lamport-skew~seed.1~p.servers.99"))
        .await
        .unwrap();
    let banner = text(&client, "error-banner").await;
    assert!(banner.contains("must be between 2 and 6"), "{banner}");

    // The example docs page embeds two scenarios; both run.
    client
        .goto(&format!("{base}embed-example.html"))
        .await
        .unwrap();
    for (frame, title) in [
        ("embed-skew", "Skewed wall clocks"),
        ("embed-concurrent", "Concurrent writes"),
    ] {
        testid(&client, frame).await.enter_frame().await.unwrap();
        assert!(text(&client, "embed").await.contains(title));
        play_briefly(&client).await;
        client.enter_parent_frame().await.unwrap();
    }

    // A screenshot of each pattern's default scenario, mid-run with a node selected.
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let registry = Registry::standard();
    client.set_window_size(1400, 1300).await.unwrap();
    for pattern in registry.patterns() {
        let scenario = registry.scenarios_of(pattern.id).next().unwrap();
        let session = Session::new(scenario.id(), 1);
        client
            .goto(&format!("{base}?s={}", session.encode()))
            .await
            .unwrap();
        testid(&client, "scrubber").await;
        // Just after the scenario's last caption: the moment its story turns.
        let run = registry.start(&session).unwrap();
        let turn = run.captions().last().map_or(0, |c| c.at.as_micros()) + 4_000;
        scrub(&client, turn).await;
        let server = wait_for(&client, "[data-testid^=\"node-s\"]").await;
        let id = server.attr("data-testid").await.unwrap().unwrap();
        click(&client, &id).await;
        let png = client.screenshot().await.unwrap();
        assert!(png.len() > 10_000, "a real screenshot");
        std::fs::write(artifacts.join(format!("{}.png", pattern.id)), png).unwrap();
    }
    client.close().await.unwrap();
}
