//! The 200-node stage in the built page, in headless Chromium: a host dies, a node is
//! selected (its action bar and verbs), a group is folded and opened in the inspector;
//! screenshots at 1400×900 and at phone width are written to `tests/screenshots/`.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;

use browser::{click, dist_dir, scrub, serve, start_browser, testid, text, PREFIX};
use fantoccini::Locator;
use playground_core::Session;

#[tokio::test(flavor = "multi_thread")]
async fn two_hundred_nodes_on_the_stage_desktop_and_phone() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let session = Session::new("balance-host-failure", 1).with_param("instances", 200);
    for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        client
            .goto(&format!("{base}?s={}", session.encode()))
            .await
            .unwrap();
        testid(&client, "scrubber").await;
        let nodes = client
            .find_all(Locator::Css(".stage .node.compact"))
            .await
            .unwrap();
        assert_eq!(nodes.len(), 203, "every node drawn, small");
        // After h2 died: its members are crashed, queues show.
        scrub(&client, 620_000).await;
        assert!(text(&client, "group-h2").await.contains("host h2"));
        // Fold one host; another zone's host opens its menu.
        click(&client, "collapse-h4").await;
        assert!(text(&client, "group-h4").await.contains("5 nodes · 5 up"));
        click(&client, "group-select-h2").await;
        assert!(text(&client, "group-summary").await.contains("0 up"));
        // A node: its action bar offers the pattern's verb and retiring it.
        click(&client, "node-i101").await;
        let bar = text(&client, "action-bar").await;
        assert!(bar.contains("Slow down") && bar.contains("Retire"), "{bar}");
        assert!(text(&client, "verbs").await.contains("Times slower"));
        let stage = testid(&client, "stage").await;
        client
            .execute(
                "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -40);",
                vec![serde_json::to_value(&stage).unwrap()],
            )
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let overflow = client
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth + 1",
                vec![],
            )
            .await
            .unwrap();
        let stage_overflows = client
            .execute(
                "const r = document.querySelector('[data-testid=stage]').getBoundingClientRect(); \
                 return r.right > window.innerWidth + 1",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            stage_overflows,
            serde_json::json!(false),
            "{name}: the stage fits"
        );
        if name == "desktop" {
            assert_eq!(overflow, serde_json::json!(false), "no sideways scrolling");
        }
        let png = client.screenshot().await.unwrap();
        assert!(png.len() > 10_000, "a real screenshot");
        std::fs::write(shots.join(format!("stage-200-{name}.png")), png).unwrap();
    }
    client.close().await.unwrap();
}
