//! Comparing two runs in the built page, in headless Chromium: a compare link opens both
//! runs (two stages, two diagrams, both status strips, both runs in each chart), `D` goes
//! to where they part and `O` to the first difference in outcome, the invariants panel
//! gives both runs' verdicts, each run has its heat strip, a bad second half gets a
//! banner and one run, "compare with…" opens run B (also "my actions only up to now") and
//! writes it into the address, both diagrams export as SVG, and a compare link embeds.
//! Screenshots of the stages and of the invariants panel at 1400×900 and 390×844 are
//! written to `tests/screenshots/`.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;
use std::time::Duration;

use browser::{
    dist_dir, scrolls_sideways, scrub, serve, shoot, shoot_stage, start_browser, testid, text,
    PREFIX,
};
use fantoccini::{Client, Locator};
use serde_json::json;

const A: &str = "v1~balance-host-failure~seed.1";
const B: &str = "v1~balance-host-failure~seed.1~off.health-checks";

async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

async fn key(client: &Client, key: &str) {
    client
        .execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: arguments[0], bubbles: true}))",
            vec![json!(key)],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
}

/// The scrubber's `value` or `max` (µs).
async fn scrubber(client: &Client, field: &str) -> u64 {
    let value = client
        .execute(
            "return document.querySelector('[data-testid=scrubber]')[arguments[0]]",
            vec![json!(field)],
        )
        .await
        .unwrap();
    value.as_str().unwrap().parse().unwrap()
}

/// Chooses the change labelled `prefix…` in the compare chooser.
async fn choose(client: &Client, prefix: &str) {
    let found = client
        .execute(
            "const s = document.querySelector('[data-testid=compare-with]'); \
             const i = [...s.options].findIndex(o => o.text.startsWith(arguments[0])); \
             if (i < 0) return false; s.selectedIndex = i; \
             s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
            vec![json!(prefix)],
        )
        .await
        .unwrap();
    assert_eq!(found, json!(true), "no change labelled {prefix}…");
}

/// Scrolls the diagrams into view (they are drawn while in view) and lets them draw.
async fn diagrams_in_view(client: &Client) {
    client
        .execute(
            "document.querySelector('[data-testid=diagram]').scrollIntoView({block: 'start'})",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// The instant (µs) a line of the compare bar goes to, from its `data-at`.
async fn at_of(client: &Client, testid: &str) -> u64 {
    let value = client
        .execute(
            &format!("return document.querySelector('[data-testid={testid}]').dataset.at"),
            vec![],
        )
        .await
        .unwrap();
    value.as_str().expect("an instant").parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_compare_link_shows_both_runs_and_d_goes_to_where_they_part() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        client.goto(&format!("{base}?s={A}&vs={B}")).await.unwrap();
        testid(&client, "run-pair").await;
        assert_eq!(count(&client, "[data-testid=stage]").await, 2, "{name}");
        assert_eq!(count(&client, "[data-testid=diagram]").await, 2, "{name}");
        assert_eq!(
            count(&client, "[data-testid=status-strip]").await,
            2,
            "{name}"
        );
        assert!(text(&client, "compare-change")
            .await
            .contains("health-checks off"));
        // The divergence comes with the fingerprints, a frame after the runs.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let sentence = text(&client, "divergence").await;
        assert!(sentence.starts_with("First difference: At "), "{sentence}");
        scrub(&client, 620_000).await;
        key(&client, "d").await;
        let at = at_of(&client, "divergence").await;
        assert_eq!(scrubber(&client, "value").await, at, "{sentence}");
        // The first difference in outcome, and O goes there.
        let outcome = text(&client, "outcome").await;
        assert!(
            outcome.starts_with("First difference in outcome: At "),
            "{outcome}"
        );
        key(&client, "o").await;
        assert_eq!(
            scrubber(&client, "value").await,
            at_of(&client, "outcome").await,
            "{outcome}"
        );
        key(&client, "d").await;
        // Both diagrams (drawn once they are in view) mark where the runs part and where
        // their outcomes first differ, each run at its own instant, with the compare
        // bar's sentence, keys in the legend, and no label over their texts.
        diagrams_in_view(&client).await;
        assert_eq!(
            count(&client, "[data-testid=divergence-mark]").await,
            2,
            "{name}"
        );
        let marks = client
            .execute(
                "return [...document.querySelectorAll('[data-testid=outcome-mark]')] \
                 .map(m => [Number(m.dataset.at), m.querySelector('title').textContent])",
                vec![],
            )
            .await
            .unwrap();
        let marks: Vec<(u64, String)> = serde_json::from_value(marks).unwrap();
        assert_eq!(marks.len(), 2, "{name}: {marks:?}");
        let first = marks.iter().map(|m| m.0).min();
        assert_eq!(first, Some(at_of(&client, "outcome").await), "{marks:?}");
        for (_, title) in &marks {
            assert!(
                title.starts_with("First difference in outcome: At "),
                "{title}"
            );
            assert!(outcome.starts_with(title.as_str()), "{title} / {outcome}");
        }
        for legend in ["legend-divergence", "legend-outcome"] {
            assert_eq!(count(&client, &format!("[data-testid={legend}]")).await, 1);
        }
        assert_eq!(browser::overlapping_labels(&client).await, 0, "{name}");
        // Each chart draws both runs, with both values at the cursor.
        let readout = text(&client, "chart-readout").await;
        assert!(readout.contains(" vs "), "{readout}");
        assert!(text(&client, "chart-legend").await.contains('B'));
        assert!(
            !scrolls_sideways(&client).await,
            "{name}: no sideways scrolling"
        );
        // Stacked under 900 px, side by side above.
        let stacked = client
            .execute(
                "const s = document.querySelectorAll('.run-side'); \
                 return s[1].getBoundingClientRect().top > s[0].getBoundingClientRect().bottom - 1",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(stacked, json!(name == "phone"), "{name}");
        // The invariants panel says how each property stands in both runs, and a
        // per-node heat strip is drawn for each run.
        let rows = count(&client, "[data-testid=invariants] li.property").await;
        assert!(rows > 0, "{name}");
        assert_eq!(
            count(&client, "[data-testid^=verdict-a-]").await,
            rows,
            "{name}"
        );
        assert_eq!(
            count(&client, "[data-testid^=verdict-b-]").await,
            rows,
            "{name}"
        );
        assert_eq!(
            count(&client, "[data-testid=heat-strip]").await,
            count(&client, "[data-testid=heat-strip-b]").await,
            "{name}"
        );
        assert!(
            count(&client, "[data-testid=heat-strip-b]").await > 0,
            "{name}"
        );
        // By the end, run B (health checks off) breaks a guarantee that run A keeps.
        scrub(&client, scrubber(&client, "max").await).await;
        assert!(
            count(
                &client,
                "[data-testid=invariants] li.differs [data-testid^=verdict-b-][data-status=violated]"
            )
            .await
                > 0,
            "{name}"
        );
        shoot(
            &client,
            "invariants",
            10,
            &shots.join(format!("compare-invariants-{name}.png")),
        )
        .await;
        // After host h2 died: run B still sends its instances requests.
        scrub(&client, 700_000).await;
        shoot_stage(&client, &shots.join(format!("compare-{name}.png"))).await;
    }
    // A crowded pair (the management leader crashes; another seed): at the first
    // difference in outcome, no label is drawn over the marks' texts (one was before
    // labels kept off them).
    client.set_window_size(1400, 900).await.unwrap();
    let crash = "v1~consistent-leader-crash~seed.1";
    client
        .goto(&format!(
            "{base}?s={crash}&vs=v1~consistent-leader-crash~seed.2&t=2000000"
        ))
        .await
        .unwrap();
    testid(&client, "run-pair").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    key(&client, "o").await;
    diagrams_in_view(&client).await;
    assert_eq!(count(&client, "[data-testid=outcome-mark]").await, 2);
    assert_eq!(browser::overlapping_labels(&client).await, 0);
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn compare_with_a_bad_half_and_an_embedded_compare_link() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    // A bad second half: a banner, one run.
    client
        .goto(&format!("{base}?s={A}&vs=v1~lamport-skew~seed.1"))
        .await
        .unwrap();
    let notice = text(&client, "error-banner").await;
    assert!(notice.contains("second run"), "{notice}");
    assert_eq!(count(&client, "[data-testid=stage]").await, 1);
    // "Compare with…" the first change on offer: run B opens and the address keeps it.
    client
        .execute(
            "const s = document.querySelector('[data-testid=compare-with]'); s.selectedIndex = 1; \
             s.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![],
        )
        .await
        .unwrap();
    testid(&client, "run-pair").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let url = client.current_url().await.unwrap().to_string();
    assert!(url.contains(&format!("s={A}&vs={B}")), "{url}");
    // Both diagrams export as one SVG file without a panic.
    browser::click(&client, "export-svg").await;
    assert_eq!(count(&client, "[data-testid=panic-banner]").await, 0);
    browser::click(&client, "stop-compare").await;
    assert_eq!(count(&client, "[data-testid=stage]").await, 1);
    // With actions after the cursor: "my actions only up to now" opens run B on the
    // session cut at the cursor, and the address holds it.
    let acted = format!("{A}~300000.crash.i1~700000.crash.i2");
    client
        .goto(&format!("{base}?s={acted}&t=500000"))
        .await
        .unwrap();
    testid(&client, "compare-with").await;
    choose(&client, "my actions only up to 500.000ms").await;
    testid(&client, "run-pair").await;
    assert!(text(&client, "compare-change")
        .await
        .contains("your actions up to 300.000ms"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let url = client.current_url().await.unwrap().to_string();
    assert!(
        url.contains(&format!("s={acted}&vs={A}~300000.crash.i1")),
        "{url}"
    );
    // Embedded, a compare link shows both runs (both stages, and both diagrams under
    // the Diagram tab).
    client
        .goto(&format!("{base}?embed&s={A}&vs={B}"))
        .await
        .unwrap();
    testid(&client, "embed").await;
    testid(&client, "run-pair").await;
    browser::click(&client, "embed-tab-diagram").await;
    assert_eq!(count(&client, "[data-testid=diagram]").await, 2);
    client.close().await.unwrap();
}

/// Exporting as a test shows the Rust to paste; a JSON export chosen in the file field
/// opens again (its fingerprint checked), a file that is not one says so and changes
/// nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_run_exported_as_a_test_and_a_json_export_opened_again() {
    use playground_core::export::run_json;
    use playground_core::{Registry, Session};
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    client.goto(&format!("{base}?s={B}")).await.unwrap();
    testid(&client, "transfer").await;
    browser::click(&client, "export-test").await;
    let test = client
        .execute(
            "return document.querySelector('[data-testid=exported-test]').value",
            vec![],
        )
        .await
        .unwrap();
    let test = test.as_str().unwrap();
    assert!(test.contains(B) && test.contains("replay::check"), "{test}");
    // The downloads are made (a Blob URL each) without a panic. The diagram is exported
    // as at the cursor, even when it is out of view (where the page keeps what it drew
    // last: its cursor at 0).
    client
        .execute(
            "window.blobs = []; const make = URL.createObjectURL; \
             URL.createObjectURL = b => { window.blobs.push(b); return make(b); };",
            vec![],
        )
        .await
        .unwrap();
    scrub(&client, 620_000).await;
    for export in ["export-json", "export-svg", "export-shiviz"] {
        browser::click(&client, export).await;
    }
    assert_eq!(count(&client, "[data-testid=panic-banner]").await, 0);
    let cursor = client
        .execute_async(
            "const done = arguments[arguments.length - 1]; window.blobs[1].text().then(t => \
             done(new DOMParser().parseFromString(t, 'image/svg+xml') \
             .querySelector('[data-testid=diagram-cursor]').getAttribute('x1')));",
            vec![],
        )
        .await
        .unwrap();
    let x: f64 = cursor.as_str().unwrap().parse().unwrap();
    assert!(
        x > 0.0,
        "the exported diagram's cursor is at 620 ms: {cursor}"
    );
    // The JSON export of run A, written natively, opens in the page showing run B.
    let mut run = Registry::standard()
        .start(&Session::decode(A).unwrap())
        .unwrap();
    let engine = run.engine_mut();
    while engine.trace_len() < playground_tests::replay::PAGE_EVENTS && engine.step() {}
    let fingerprint = run.engine().trace_fingerprint();
    let dir = std::env::temp_dir();
    let good = dir.join(format!("compare-export-{port}.json"));
    std::fs::write(&good, run_json(&run, fingerprint)).unwrap();
    let bad = dir.join(format!("compare-not-json-{port}.json"));
    std::fs::write(&bad, "{ not json").unwrap();
    for (file, banner, says) in [
        (&bad, "error-banner", "it is not JSON. Nothing changed."),
        (&good, "info-banner", "same session, same fingerprint"),
    ] {
        let input = testid(&client, "import").await;
        input.send_keys(file.to_str().unwrap()).await.unwrap();
        let text = text(&client, banner).await;
        assert!(text.contains(says), "{text}");
    }
    // The fingerprint comes a frame after the run is drawn.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let shown = text(&client, "fingerprint").await;
    assert_eq!(shown, format!("run {fingerprint:016x}"));
    let url = client.current_url().await.unwrap().to_string();
    assert!(url.ends_with(&format!("s={A}")), "{url}");
    client.close().await.unwrap();
}
