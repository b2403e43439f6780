//! The Services patterns that have no browser test of their own, in the built page, in
//! headless Chromium: a circuit breaker open while the database is slow (its state on
//! the stage, its guarantee holding), and switched off (violated); the registry lag (the
//! dead instance crashed on the stage, the guarantee holding), and with caches that never
//! refresh (violated). Screenshots at 1400×900 and at phone width go to
//! `tests/screenshots/`.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;

use browser::{dist_dir, open_at, serve, start_browser, testid, text, PREFIX};
use playground_core::Session;

#[tokio::test(flavor = "multi_thread")]
async fn a_breaker_and_the_registry_lag_in_the_page() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let breaker = Session::new("resilience-breaker", 1);
    let lag = Session::new("discovery-registry-lag", 1);
    for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        // While the database is slow the breaker is open, and only probes go through.
        open_at(&client, &base, &breaker, 400_000).await;
        assert!(text(&client, "node-s1").await.contains("open"));
        assert!(text(&client, "property-0").await.contains("holds"));
        testid(&client, "chart-breaker").await;
        let png = client.screenshot().await.unwrap();
        std::fs::write(shots.join(format!("resilience-breaker-{name}.png")), png).unwrap();
        open_at(
            &client,
            &base,
            &breaker.clone().with_switch_off("breaker"),
            400_000,
        )
        .await;
        assert!(text(&client, "property-0").await.contains("VIOLATED"));
        // The registry lag: i2 is down, and no request reached it past the bound.
        open_at(&client, &base, &lag, 450_000).await;
        let i2 = testid(&client, "node-i2").await;
        let label = i2.attr("aria-label").await.unwrap().unwrap_or_default();
        assert!(label.contains("crashed"), "{label}");
        assert!(text(&client, "property-0").await.contains("holds"));
        testid(&client, "chart-to-dead").await;
        let png = client.screenshot().await.unwrap();
        std::fs::write(
            shots.join(format!("discovery-registry-lag-{name}.png")),
            png,
        )
        .unwrap();
        let stale = lag.clone().with_switch_off("refresh-cache");
        open_at(&client, &base, &stale, 700_000).await;
        assert!(text(&client, "property-0").await.contains("VIOLATED"));
    }
    client.close().await.unwrap();
}
