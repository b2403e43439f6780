//! The API gateway's stories in the built page, in headless Chromium: a request selected
//! mid-run lights its path through the gateway, the auth service and an instance; the
//! single point of failure with one gateway and with three. Screenshots at 1400×900 and
//! at phone width are written to `tests/screenshots/`.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;

use browser::{click, dist_dir, scrub, serve, shoot_stage, start_browser, testid, text, PREFIX};
use playground_core::sim::trace::MsgId;
use playground_core::{Registry, Session};

/// A request of c1 the gateway sends on to an instance after 100 ms: its id, and an
/// instant it is in flight.
fn work_in_flight(session: &Session) -> (u32, u64) {
    let mut run = Registry::standard().start(session).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let engine = run.engine();
    let names = engine.names();
    let work = (0..)
        .map_while(|m| engine.message(MsgId(m)))
        .find(|m| {
            m.sent_at.as_micros() > 100_000
                && m.label.starts_with("GET ")
                && m.label.contains(" c1/")
                && names[m.from.index()] == "gw"
        })
        .unwrap();
    let (arrives, _) = work.end.unwrap();
    let mid = (work.sent_at.as_micros() + arrives.as_micros()) / 2;
    (work.id.0, mid)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_path_and_the_gateway_outage_desktop_and_phone() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let routing = Session::new("gateway-routing", 1);
    let (work, at) = work_in_flight(&routing);
    for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        client
            .goto(&format!("{base}?s={}", routing.encode()))
            .await
            .unwrap();
        testid(&client, "scrubber").await;
        scrub(&client, at).await;
        click(&client, &format!("msg-{work}")).await;
        let hops = text(&client, "path-panel").await;
        assert!(hops.contains("auth"), "{hops}");
        shoot_stage(&client, &shots.join(format!("gateway-path-{name}.png"))).await;
    }
    client.set_window_size(1400, 1300).await.unwrap();
    for replicas in [1, 3] {
        let spof = Session::new("gateway-spof", 1).with_param("replicas", replicas);
        client
            .goto(&format!("{base}?s={}", spof.encode()))
            .await
            .unwrap();
        testid(&client, "scrubber").await;
        scrub(&client, 500_000).await;
        let stage = text(&client, "stage").await;
        assert!(stage.contains("gw1"), "{stage}");
        let charts = testid(&client, "charts").await;
        client
            .execute(
                "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -420);",
                vec![serde_json::to_value(&charts).unwrap()],
            )
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let png = client.screenshot().await.unwrap();
        assert!(png.len() > 10_000, "a real screenshot");
        std::fs::write(shots.join(format!("gateway-spof-{replicas}.png")), png).unwrap();
    }
    client.close().await.unwrap();
}
