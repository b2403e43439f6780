//! End to end, as a new user would: the Trunk-built `dist/` served from a sub-path on
//! 127.0.0.1, driven in headless Chromium through ChromeDriver.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`
//! (installed by `scripts/setup.sh`). Screenshots of each pattern's default scenario at its
//! climax, at 1400×900 and 390×844, are written to `tests/screenshots/climax/`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;

use browser::{
    click, dist_dir, enter_frame_when_ready, open_at, open_embed_example, play_briefly, scrub,
    serve, start_browser, testid, text, PREFIX,
};
use playground_core::{Registry, Session};

/// The run's fingerprint, once the page has computed it (a moment after drawing the run).
async fn fingerprint_of(client: &fantoccini::Client) -> String {
    for _ in 0..100 {
        let shown = text(client, "fingerprint").await;
        if !shown.ends_with('…') {
            return shown;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the fingerprint never appeared");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_user_plays_breaks_shares_and_embeds() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;

    // Open the page from a sub-path and pick a scenario.
    client.goto(&base).await.unwrap();
    testid(&client, "stage").await;
    assert!(
        !loading_line_shown(&client).await,
        "'Loading…' goes once the app starts"
    );
    click(&client, "scenario-lamport-concurrent").await;
    assert!(text(&client, "caption").await.contains("same moment"));

    // Play, then crash a server from its menu.
    play_briefly(&client).await;
    scrub(&client, 3_000).await;
    click(&client, "node-s1").await;
    click(&client, "crash").await;
    assert_eq!(text(&client, "node-status").await, "crashed");

    // Copy the share link and open it in a fresh window: the same run appears.
    // The browser may let the page write the clipboard or refuse (headless Chromium
    // refuses without a granted permission): the button says which, and on a refusal
    // the whole link is selected for the person to copy.
    click(&client, "copy-link").await;
    let mut said = text(&client, "copy-link").await;
    for _ in 0..50 {
        if said != "Copy link" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        said = text(&client, "copy-link").await;
    }
    if said.contains("refused") {
        let selected = client
            .execute(
                "const i = document.querySelector('[data-testid=share-url]');
                 return document.activeElement === i
                     && i.selectionStart === 0 && i.selectionEnd === i.value.length;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(selected, serde_json::json!(true), "the link is selected");
    } else {
        assert!(said.contains("Link copied"), "{said}");
    }
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
    let fingerprint = fingerprint_of(&client).await;
    scrub(&client, 1_000_000).await;
    let end = text(&client, "time").await;
    let first_window = client.window().await.unwrap();
    let fresh = client.new_window(false).await.unwrap();
    client.switch_to_window(fresh.handle).await.unwrap();
    client.goto(&share).await.unwrap();
    testid(&client, "stage").await;
    assert_eq!(
        fingerprint_of(&client).await,
        fingerprint,
        "same trace from the link"
    );
    scrub(&client, 1_000_000).await;
    assert_eq!(text(&client, "time").await, end);
    client.close_window().await.unwrap();
    client.switch_to_window(first_window).await.unwrap();

    // A hand-edited link opens its story repaired, with a banner saying how; an
    // unknown story gets the default one and the nearest names.
    client
        .goto(&format!(
            "{base}?s=v1~lamport-concurrent~seed.1~p.servers.99"
        ))
        .await
        .unwrap();
    let banner = text(&client, "error-banner").await;
    assert!(
        banner.contains("(between 2 and 6); the run uses 6"),
        "{banner}"
    );
    assert!(text(&client, "caption").await.contains("same moment"));
    client
        .goto(&format!("{base}?s=v1~lamport-concurent~seed.1"))
        .await
        .unwrap();
    let banner = text(&client, "error-banner").await;
    assert!(
        banner
            .contains("the nearest are: Lamport clock “Concurrent writes” (lamport-concurrent), "),
        "{banner}"
    );

    // The example docs page embeds two scenarios; both run.
    open_embed_example(&client, &base).await;
    for (frame, title) in [
        ("embed-skew", "Skewed wall clocks"),
        ("embed-concurrent", "Concurrent writes"),
    ] {
        enter_frame_when_ready(&client, frame, "embed").await;
        assert!(text(&client, "embed").await.contains(title));
        play_briefly(&client).await;
        client.enter_parent_frame().await.unwrap();
    }

    // A screenshot of each pattern's default scenario at its climax, with a node
    // selected, at 1400×900 and at 390×844 (committed under tests/screenshots/climax/).
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots/climax");
    std::fs::create_dir_all(&shots).unwrap();
    let registry = Registry::standard();
    for (width, height, name) in [(1400, 900, "desktop"), (390, 844, "phone")] {
        client.set_window_size(width, height).await.unwrap();
        for pattern in registry.patterns() {
            let scenario = registry.scenarios_of(pattern.id).next().unwrap();
            let session = Session::new(scenario.id(), 1);
            // Just after the scenario's last caption: the moment its story turns.
            let run = registry.start(&session).unwrap();
            let turn = run.captions().last().map_or(0, |c| c.at.as_micros()) + 4_000;
            open_at(&client, &base, &session, turn).await;
            // Select the last node, so the inspector shows its state too.
            let nodes = client
                .find_all(fantoccini::Locator::Css("[data-testid^=\"node-\"]"))
                .await
                .unwrap();
            let id = nodes
                .last()
                .unwrap()
                .attr("data-testid")
                .await
                .unwrap()
                .unwrap();
            click(&client, &id).await;
            client
                .execute("window.scrollTo(0, 0);", vec![])
                .await
                .unwrap();
            let png = client.screenshot().await.unwrap();
            assert!(png.len() > 10_000, "a real screenshot");
            let file = format!("{}-{name}.png", pattern.id);
            std::fs::write(shots.join(file), png).unwrap();
        }
    }
    client.close().await.unwrap();
}

/// A page whose WebAssembly does not arrive says so, with the reason, instead of staying
/// blank: served from a copy of `dist/` without its `.wasm` file.
#[tokio::test(flavor = "multi_thread")]
async fn a_page_whose_code_fails_to_load_says_so() {
    let broken = std::env::temp_dir().join(format!("playground-no-wasm-{}", std::process::id()));
    std::fs::create_dir_all(&broken).unwrap();
    for entry in std::fs::read_dir(dist_dir()).unwrap() {
        let path = entry.unwrap().path();
        let is_wasm = path.extension().is_some_and(|e| e == "wasm");
        if path.is_file() && !is_wasm {
            std::fs::copy(&path, broken.join(path.file_name().unwrap())).unwrap();
        }
    }
    let port = serve(broken.clone());
    let (_driver, client) = start_browser().await;
    client
        .goto(&format!("http://127.0.0.1:{port}{PREFIX}"))
        .await
        .unwrap();
    let message = text(&client, "load-failed").await;
    std::fs::remove_dir_all(&broken).unwrap();
    assert!(
        message.starts_with("The playground could not load (") && message.contains("Reload"),
        "{message}"
    );
    assert!(
        !loading_line_shown(&client).await,
        "the failure replaces 'Loading…'"
    );
}

/// Whether the "Loading the playground…" line the page shows until its app starts is there.
async fn loading_line_shown(client: &fantoccini::Client) -> bool {
    client
        .execute(
            "return !!document.querySelector('[data-testid=app-loading]')",
            vec![],
        )
        .await
        .unwrap()
        == serde_json::json!(true)
}
