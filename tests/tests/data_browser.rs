//! The Data processing patterns in the built page, in headless Chromium: a map/reduce job
//! with a straggler ends with every invariant holding, and without backup copies breaks
//! one; scatter/gather's contrast breaks on the tail and its charts are drawn; a
//! coordinated batch's join publishes late, its reduce early, and a reducer that folds
//! repeats publishes a wrong sum. Screenshots
//! at 1400×900 and at phone width are written to `tests/screenshots/`.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;

use browser::{dist_dir, open_at, serve, start_browser, testid, text, PREFIX};
use playground_core::Session;

#[tokio::test(flavor = "multi_thread")]
async fn map_reduce_scatter_gather_and_batches_in_the_page() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let straggler = Session::new("mapreduce-straggler", 1);
    for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        // With backups the job is done by 200 ms, and every property holds.
        open_at(&client, &base, &straggler, 200_000).await;
        assert!(browser::node_state(&client, "node-m")
            .await
            .contains("job done"));
        for i in 0..3 {
            let row = text(&client, &format!("property-{i}")).await;
            assert!(row.contains("holds") && !row.contains("VIOLATED"), "{row}");
        }
        testid(&client, "chart-busy").await;
        let png = client.screenshot().await.unwrap();
        std::fs::write(shots.join(format!("mapreduce-straggler-{name}.png")), png).unwrap();
        // Without them, the job is still mapping, and a worker sat idle: violated.
        let off = straggler.clone().with_switch_off("backup-tasks");
        open_at(&client, &base, &off, 200_000).await;
        assert!(browser::node_state(&client, "node-m").await.contains("map"));
        assert!(text(&client, "property-2").await.contains("VIOLATED"));
        // Scatter/gather: the tail breaks the contrast; the latency chart is drawn.
        open_at(&client, &base, &Session::new("scatter-tail", 1), 900_000).await;
        assert!(text(&client, "property-0").await.contains("holds"));
        assert!(text(&client, "property-1").await.contains("VIOLATED"));
        testid(&client, "chart-latency").await;
        let png = client.screenshot().await.unwrap();
        std::fs::write(shots.join(format!("scatter-tail-{name}.png")), png).unwrap();
        // Coordinated batch: at 100 ms a join has published nothing (the slow worker's
        // tasks are not in); by 200 ms its final result is out, and late: the contrast
        // broke. At 100 ms a reduce shows a running sum of 11 tasks.
        let join = Session::new("batch-join", 1);
        open_at(&client, &base, &join, 100_000).await;
        assert!(browser::node_state(&client, "node-out")
            .await
            .contains("no result yet"));
        open_at(&client, &base, &join, 200_000).await;
        assert!(browser::node_state(&client, "node-out")
            .await
            .contains("b1: final"));
        assert!(text(&client, "property-1").await.contains("VIOLATED"));
        open_at(&client, &base, &Session::new("batch-reduce", 1), 100_000).await;
        assert!(browser::node_state(&client, "node-out")
            .await
            .contains("b1: 11 tasks"));
        assert!(text(&client, "property-1").await.contains("holds"));
        testid(&client, "chart-covered").await;
        let png = client.screenshot().await.unwrap();
        std::fs::write(shots.join(format!("batch-reduce-{name}.png")), png).unwrap();
        // Folding every output that arrives: a wrong final sum by the end.
        let off = Session::new("batch-reduce", 1).with_switch_off("fold-once");
        open_at(&client, &base, &off, 900_000).await;
        assert!(text(&client, "property-0").await.contains("VIOLATED"));
    }
    client.close().await.unwrap();
}
