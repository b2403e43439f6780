//! The Integration family in the built page, in headless Chromium: the broker with
//! unlimited prefetch (the backlog in c1, c2 starving, its utilisation drawn per
//! consumer), a poison message redelivered forever without a delivery limit, and a
//! transient queue losing messages in a broker crash. Screenshots at 1400×900 and at
//! phone width are written to `tests/screenshots/`.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;

use browser::{dist_dir, open_at, serve, shoot_stage, start_browser, testid, text, PREFIX};
use playground_core::Session;

#[tokio::test(flavor = "multi_thread")]
async fn the_broker_stories_in_the_page() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let unlimited = Session::new("broker-prefetch", 1).with_param("prefetch", 0);
    let poison = Session::new("broker-poison", 1);
    for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        // Unlimited prefetch: c1 holds the backlog, c2 joined at 1 s and has nothing.
        open_at(&client, &base, &unlimited, 1_500_000).await;
        // A node's state: written on it, or (name-only nodes on a phone) in its label,
        // shown on tap.
        assert!(browser::node_state(&client, "node-c2")
            .await
            .contains("0 served"));
        assert!(browser::node_state(&client, "node-broker")
            .await
            .contains("0 ready"));
        assert!(text(&client, "property-0").await.contains("holds"));
        testid(&client, "chart-busy").await;
        testid(&client, "chart-queue").await;
        shoot_stage(&client, &shots.join(format!("broker-prefetch-{name}.png"))).await;
        // A poison message, dead-lettered after 5 deliveries.
        open_at(&client, &base, &poison, 1_000_000).await;
        assert!(browser::node_state(&client, "node-dlq")
            .await
            .contains("1 dead letter"));
        assert!(text(&client, "property-1").await.contains("holds"));
        shoot_stage(&client, &shots.join(format!("broker-poison-{name}.png"))).await;
    }
    client.set_window_size(1400, 900).await.unwrap();
    // Without the delivery limit it comes back forever.
    let forever = poison.with_switch_off("dead-letter");
    open_at(&client, &base, &forever, 1_000_000).await;
    assert!(text(&client, "property-1").await.contains("VIOLATED"));
    assert!(text(&client, "node-dlq").await.contains("0 dead letters"));
    // A transient queue loses what it held when the broker crashes.
    let transient = Session::new("broker-crashes", 1).with_switch_off("durable");
    open_at(&client, &base, &transient, 1_200_000).await;
    assert!(text(&client, "property-0").await.contains("VIOLATED"));
    shoot_stage(&client, &shots.join("broker-crashes-transient-desktop.png")).await;
    client.close().await.unwrap();
}

/// The topic exchange after the broker's crash (the transient queue gone, by design),
/// the bus routing and converting, the bus as a bottleneck that crashes, and the five
/// systems point to point and through a hub: screenshots at desktop and phone width.
#[tokio::test(flavor = "multi_thread")]
async fn topics_the_bus_and_the_hub_in_the_page() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let topics = Session::new("broker-topics", 1);
    let shown = [
        ("bus-routing", 600_000),
        ("bus-bottleneck", 1_700_000),
        ("hub-point-to-point", 1_000_000),
        ("hub-and-spoke", 1_000_000),
    ];
    for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        // After the crash: the transient queue's copies gone, none lost.
        open_at(&client, &base, &topics, 1_500_000).await;
        let facts = text(&client, "facts").await;
        assert!(facts.contains("gone with a transient queue"), "{facts}");
        assert!(facts.contains("copies routed per queue"), "{facts}");
        assert!(text(&client, "property-0").await.contains("holds"));
        assert!(text(&client, "node-c4").await.contains("c4"));
        testid(&client, "chart-ready").await;
        shoot_stage(&client, &shots.join(format!("broker-topics-{name}.png"))).await;
        for (story, at) in shown {
            open_at(&client, &base, &Session::new(story, 1), at).await;
            // Only point to point breaks its contrast: more links than systems.
            let broken = text(&client, "property-0").await.contains("VIOLATED");
            assert_eq!(broken, story == "hub-point-to-point", "{story}");
            shoot_stage(&client, &shots.join(format!("{story}-{name}.png"))).await;
        }
    }
    // Messages not persistent: the durable queues lose theirs at the crash.
    client.set_window_size(1400, 900).await.unwrap();
    open_at(
        &client,
        &base,
        &topics.with_switch_off("durable"),
        1_500_000,
    )
    .await;
    assert!(text(&client, "property-0").await.contains("VIOLATED"));
    client.close().await.unwrap();
}
