//! Map/reduce faults and Spark RDD lineage in the built page, in headless Chromium: a
//! worker dying mid-map shows its killed attempt in the task timeline; an executor dying
//! mid-job shows its partitions lost, then recomputed, in the lineage graph, with every
//! invariant holding, and its iteration time chart. Screenshots at 1400×900 and at phone
//! width are written to `tests/screenshots/`.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;

use browser::{dist_dir, open_at, serve, shoot, start_browser, testid, text, wait_for, PREFIX};
use fantoccini::{Client, Locator};
use playground_core::Session;

/// How many elements match `css`.
async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

#[tokio::test(flavor = "multi_thread")]
async fn task_timeline_and_lineage_graph_in_the_page() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        // Map/reduce: w3 dies at 40 ms; by 120 ms its attempt is drawn killed, the
        // copies run again elsewhere, and every invariant holds.
        let mid_map = Session::new("mapreduce-dies-mid-map", 1);
        open_at(&client, &base, &mid_map, 120_000).await;
        testid(&client, "timeline").await;
        assert!(count(&client, ".timeline .bar.killed").await >= 1);
        assert!(count(&client, ".timeline .bar.re-run, .timeline .bar.backup").await >= 1);
        assert!(text(&client, "timeline-legend")
            .await
            .contains("killed with its worker"));
        for i in 0..4 {
            let row = text(&client, &format!("property-{i}")).await;
            assert!(row.contains("holds") && !row.contains("VIOLATED"), "{row}");
        }
        shoot(
            &client,
            "timeline",
            20,
            &shots.join(format!("mapreduce-dies-mid-map-{name}.png")),
        )
        .await;
        // RDD: e3 dies at 114 ms; at 118 ms two cached and two shuffle partitions are lost.
        let rdd = Session::new("rdd-lineage", 1);
        open_at(&client, &base, &rdd, 121_000).await;
        testid(&client, "lineage").await;
        assert_eq!(count(&client, ".lineage .part.lost").await, 4);
        // By 200 ms they are recomputed from their lineage, and the job goes on.
        open_at(&client, &base, &rdd, 200_000).await;
        wait_for(&client, ".lineage .part.recomputed").await;
        assert_eq!(count(&client, ".lineage .part.recomputed").await, 4);
        assert_eq!(count(&client, ".lineage .part.lost").await, 0);
        testid(&client, "chart-iteration").await;
        for i in 0..2 {
            let row = text(&client, &format!("property-{i}")).await;
            assert!(row.contains("holds") && !row.contains("VIOLATED"), "{row}");
        }
        shoot(
            &client,
            "lineage",
            20,
            &shots.join(format!("rdd-lineage-{name}.png")),
        )
        .await;
        shoot(
            &client,
            "charts",
            20,
            &shots.join(format!("rdd-lineage-charts-{name}.png")),
        )
        .await;
        // Without lineage the job starts over: an iteration computed twice.
        let off = rdd.clone().with_switch_off("lineage");
        open_at(&client, &base, &off, 300_000).await;
        assert!(text(&client, "property-1").await.contains("VIOLATED"));
    }
    client.close().await.unwrap();
}
