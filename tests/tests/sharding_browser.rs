//! Sharding's stories in the built page, in headless Chromium: after two shards join
//! under hash mod N, the facts, the shards' table and the hash ring show most keys moved;
//! a live move with the fence off shows two shards taking writes for a key; the hot key's
//! heat map and throughput per shard, and its charts; a salted key; a client's stale
//! table with redirects off; the scaling curve.
//! Screenshots at 1400×1300 and at phone width are written to `tests/screenshots/`.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;

use browser::{dist_dir, open_at, serve, start_browser, testid, text, PREFIX};
use playground_core::Session;

async fn shoot(client: &fantoccini::Client, id: &str, up: i32, file: &str) {
    let element = testid(client, id).await;
    client
        .execute(
            "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -arguments[1]);",
            vec![serde_json::to_value(&element).unwrap(), up.into()],
        )
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let png = client.screenshot().await.unwrap();
    assert!(png.len() > 10_000, "a real screenshot");
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::write(shots.join(file), png).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_moved_by_mod_n_and_two_writers_without_the_fence() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let functions = Session::new("sharding-functions", 1);
    for (name, width, height) in [("desktop", 1400, 1300), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        open_at(&client, &base, &functions, 1_900_000).await;
        let facts = text(&client, "facts").await;
        assert!(facts.contains("Keys moved by the latest change"), "{facts}");
        let tables = text(&client, "pattern-tables").await;
        assert!(
            tables.contains("s12") && tables.contains("keys moved in"),
            "{tables}"
        );
        let plots = text(&client, "pattern-plots").await;
        assert!(
            plots.contains("The hash ring") && plots.contains("drawn keys the change moved"),
            "{plots}"
        );
        let (id, up) = if width > 1000 {
            ("pattern-tables", 200)
        } else {
            ("stage", 130)
        };
        shoot(&client, id, up, &format!("sharding-functions-{name}.png")).await;
        shoot(
            &client,
            "pattern-plots",
            10,
            &format!("sharding-ring-{name}.png"),
        )
        .await;
    }
    client.set_window_size(1400, 1300).await.unwrap();
    let unfenced = Session::new("sharding-reshard", 1).with_switch_off("write-fence");
    open_at(&client, &base, &unfenced, 600_000).await;
    let invariants = text(&client, "invariants").await;
    assert!(invariants.contains("VIOLATED"), "{invariants}");
    let detail = text(&client, "violation-detail-1").await;
    assert!(detail.contains("after s3 had taken writes"), "{detail}");
    shoot(&client, "invariants", 60, "sharding-reshard-no-fence.png").await;
    // One hot key: the drops stop only once it is replicated for reads.
    open_at(
        &client,
        &base,
        &Session::new("sharding-hot-key", 1),
        2_100_000,
    )
    .await;
    shoot(&client, "charts", 60, "sharding-hot-key.png").await;
    let plots = text(&client, "pattern-plots").await;
    assert!(
        plots.contains("Key-space heat map") && plots.contains("hottest shard"),
        "{plots}"
    );
    shoot(&client, "pattern-plots", 10, "sharding-hot-key-heat.png").await;
    let salted = Session::new("sharding-salted-key", 1);
    open_at(&client, &base, &salted, 1_900_000).await;
    shoot(&client, "pattern-plots", 10, "sharding-salted-key.png").await;
    // A client's stale table, with redirects off: a shard that neither holds nor redirects.
    let stale = Session::new("sharding-routers", 1).with_switch_off("redirect");
    open_at(&client, &base, &stale, 600_000).await;
    let detail = text(&client, "violation-detail-2").await;
    assert!(
        detail.contains("of c2), which it neither holds"),
        "{detail}"
    );
    shoot(
        &client,
        "invariants",
        60,
        "sharding-routers-no-redirect.png",
    )
    .await;
    let scaling = Session::new("sharding-scaling", 1);
    for (name, width, height) in [("desktop", 1400, 1300), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        open_at(&client, &base, &scaling, 1_600_000).await;
        let plots = text(&client, "pattern-plots").await;
        assert!(plots.contains("8 shards"), "{plots}");
        shoot(
            &client,
            "pattern-plots",
            10,
            &format!("sharding-scaling-{name}.png"),
        )
        .await;
    }
    client.close().await.unwrap();
}
