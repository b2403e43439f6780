//! The 200-node stage in the built page, in headless Chromium: a host dies, a node is
//! selected (its action bar and verbs), a group is folded and opened in the inspector;
//! screenshots at 1400×900 and at phone width are written to `tests/screenshots/`.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;

use browser::{
    click, dist_dir, scrolls_sideways, scrub, serve, start_browser, testid, text, PREFIX,
};
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
        assert!(
            !scrolls_sideways(&client).await,
            "{name}: no sideways scrolling"
        );
        let png = client.screenshot().await.unwrap();
        assert!(png.len() > 10_000, "a real screenshot");
        std::fs::write(shots.join(format!("stage-200-{name}.png")), png).unwrap();
    }
    client.close().await.unwrap();
}

/// The first screen holds the stage's panel (a tall phone stage scrolls inside it), the
/// play controls and the run's status (each invariant, the mechanism's switches) on a
/// desktop and on a phone, where the catalog is a folded drawer; nothing scrolls sideways.
#[tokio::test(flavor = "multi_thread")]
async fn the_first_screen_holds_the_stage_the_controls_and_the_status() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        for story in [
            "lamport-skew",
            "mapreduce-straggler",
            "resilience-breaker",
            "discovery-registry-lag",
        ] {
            client
                .goto(&format!("{base}?s=v1~{story}~seed.1"))
                .await
                .unwrap();
            testid(&client, "status-strip").await;
            let fits = client
                .execute(
                    "const el = id => id === 'stage' ? document.getElementById('stage-panel') \
                       : document.querySelector(`[data-testid=${id}]`); \
                     const bottom = id => el(id).getBoundingClientRect().bottom; \
                     return [['stage', 'play', 'status-strip'].every(id => bottom(id) <= window.innerHeight), \
                             document.documentElement.scrollWidth <= window.innerWidth, \
                             !!document.querySelector('.catalog.drawer')]",
                    vec![],
                )
                .await
                .unwrap();
            let phone = name == "phone";
            let sizes = client
                .execute(
                    "const el = id => id === 'stage' ? document.getElementById('stage-panel') \
                       : document.querySelector(`[data-testid=${id}]`); \
                     const r = id => Math.round(el(id).getBoundingClientRect().bottom); \
                     return [window.innerHeight, r('stage'), r('play'), r('status-strip')].join(' ')",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(
                fits,
                serde_json::json!([true, true, phone]),
                "{name} {story}: [first screen, no sideways scroll, catalog as a drawer]; \
                 window height, bottom of stage, play, status: {sizes}"
            );
        }
    }
    client.close().await.unwrap();
}

/// Choosing another story is a history entry: Back opens the story before it, Forward
/// the chosen one again, each with its own address.
#[tokio::test(flavor = "multi_thread")]
async fn back_and_forward_move_between_the_stories_chosen() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    client
        .goto(&format!("{base}?s=v1~lamport-skew~seed.1"))
        .await
        .unwrap();
    testid(&client, "stage").await;
    click(&client, "scenario-lamport-concurrent").await;
    let address = |client: fantoccini::Client| async move {
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        client.current_url().await.unwrap().to_string()
    };
    assert!(address(client.clone()).await.contains("lamport-concurrent"));
    assert!(text(&client, "caption").await.contains("same moment"));
    client.back().await.unwrap();
    assert!(address(client.clone()).await.contains("lamport-skew"));
    testid(&client, "stage").await;
    assert!(
        !text(&client, "caption").await.contains("same moment"),
        "Back shows the first story again"
    );
    client.forward().await.unwrap();
    assert!(address(client.clone()).await.contains("lamport-concurrent"));
    assert!(text(&client, "caption").await.contains("same moment"));
}
