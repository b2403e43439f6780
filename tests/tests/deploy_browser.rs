//! The Deployment family in the built page, in headless Chromium: new pods kept out of
//! the service until ready (and the guarantee broken without readiness probes), a host
//! that dies drawn as nested hosts, pods and containers with the endpoints and ready
//! pods charted; a job whose plain proxy sidecar never lets it complete. Screenshots at
//! 1400×900 and at phone width are written to `tests/screenshots/`.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;

use browser::{dist_dir, open_at, serve, start_browser, testid, text, PREFIX};
use playground_core::Session;

/// What a node on the stage says of itself (name, role, status, headline): a small
/// node draws only its name.
async fn label(client: &fantoccini::Client, id: &str) -> String {
    let node = testid(client, id).await;
    node.attr("aria-label").await.unwrap().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn pods_and_a_sidecar_job_in_the_page() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let scale_up = Session::new("pods-readiness", 1);
    let failure = Session::new("pods-node-failure", 1);
    let job = Session::new("sidecar-job", 1);
    for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        // Readiness probes: the new containers are starting at 170 ms and the guarantee
        // holds; without probes it breaks.
        open_at(&client, &base, &scale_up, 170_000).await;
        let app7 = label(&client, "node-app7").await;
        assert!(app7.contains("up, starting"), "{app7}");
        assert!(text(&client, "property-0").await.contains("holds"));
        let off = scale_up.clone().with_switch_off("readiness");
        open_at(&client, &base, &off, 300_000).await;
        assert!(text(&client, "property-0").await.contains("VIOLATED"));
        // A host dies: at 400 ms its pods are gone, four endpoints left, nothing violated.
        open_at(&client, &base, &failure, 400_000).await;
        assert!(label(&client, "node-app1").await.contains("crashed"));
        assert!(label(&client, "node-cp").await.contains("4 endpoints"));
        assert!(text(&client, "property-0").await.contains("holds"));
        testid(&client, "chart-endpoints").await;
        testid(&client, "chart-ready").await;
        let png = client.screenshot().await.unwrap();
        std::fs::write(shots.join(format!("pods-node-failure-{name}.png")), png).unwrap();
        // A job with a managed sidecar completes; with a plain one it never does.
        open_at(&client, &base, &job, 190_000).await;
        assert!(label(&client, "node-k1").await.contains("job complete"));
        let plain = job.clone().with_switch_off("managed-sidecar");
        open_at(&client, &base, &plain, 190_000).await;
        assert!(label(&client, "node-k1").await.contains("1 running"));
        assert!(text(&client, "property-0").await.contains("VIOLATED"));
        let png = client.screenshot().await.unwrap();
        std::fs::write(shots.join(format!("sidecar-job-plain-{name}.png")), png).unwrap();
    }
    client.close().await.unwrap();
}

/// The two proxy stories after the proxy died (every client cut off, or one), the hop
/// story's measured p90s, and the noisy neighbour without CPU limits: screenshots at
/// desktop and phone width.
#[tokio::test(flavor = "multi_thread")]
async fn proxies_the_hop_and_cpu_limits_in_the_page() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let reverse = Session::new("proxy-reverse", 1);
    let client_side = Session::new("proxy-client", 1);
    let hop = Session::new("sidecar-hop", 1);
    let no_limits = Session::new("hosts-three-ways", 1).with_switch_off("cpu-limits");
    for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        open_at(&client, &base, &reverse, 600_000).await;
        assert!(label(&client, "node-rp").await.contains("crashed"));
        assert!(text(&client, "facts").await.contains("timeouts by client"));
        assert!(text(&client, "property-0").await.contains("holds"));
        testid(&client, "chart-timeouts").await;
        let png = client.screenshot().await.unwrap();
        std::fs::write(shots.join(format!("proxy-reverse-{name}.png")), png).unwrap();
        open_at(&client, &base, &client_side, 600_000).await;
        assert!(label(&client, "node-p1").await.contains("crashed"));
        assert!(label(&client, "node-p2").await.contains("up"));
        let png = client.screenshot().await.unwrap();
        std::fs::write(shots.join(format!("proxy-client-{name}.png")), png).unwrap();
        open_at(&client, &base, &hop, 400_000).await;
        let facts = text(&client, "facts").await;
        assert!(facts.contains("added at p90 by the sidecars"), "{facts}");
        testid(&client, "chart-direct").await;
        let png = client.screenshot().await.unwrap();
        std::fs::write(shots.join(format!("sidecar-hop-{name}.png")), png).unwrap();
        open_at(&client, &base, &no_limits, 440_000).await;
        assert!(text(&client, "property-1").await.contains("VIOLATED"));
        let png = client.screenshot().await.unwrap();
        std::fs::write(shots.join(format!("hosts-no-limits-{name}.png")), png).unwrap();
    }
    client.close().await.unwrap();
}
