//! The space-time diagram in the built page, in headless Chromium, at 1400×900 and at
//! phone width: its text is drawn at its true size (at least 11 px on a desktop, 12 px on
//! a phone), no two placed labels overlap, the legend lists the run's marks, the lane
//! filter hides a lane and counts its messages, repetitive heartbeats collapse into a
//! band that a click expands, and the page does not scroll sideways. Screenshots of dense
//! climaxes are written to `tests/screenshots/`.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;
use std::time::Duration;

use browser::{
    dist_dir, overlapping_labels, scrolls_sideways, serve, shoot, start_browser, testid, PREFIX,
};
use fantoccini::{Client, Locator};
use serde_json::Value;

async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

/// Clicks the control with test id `id` and lets the page redraw.
async fn press(client: &Client, id: &str) {
    testid(client, id).await.click().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
}

/// Opens `session` at `at` µs and waits for the diagram.
async fn open(client: &Client, base: &str, session: &str, at: u64) {
    client
        .goto(&format!("{base}?s={session}&t={at}"))
        .await
        .unwrap();
    testid(client, "diagram").await;
}

async fn run(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.unwrap()
}

/// The smallest text on the diagram, in CSS pixels as drawn.
async fn smallest_text(client: &Client) -> f64 {
    run(
        client,
        "const svg = document.querySelector('[data-testid=diagram]'); \
         const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; \
         return Math.min(...[...svg.querySelectorAll('text')] \
           .map(t => parseFloat(getComputedStyle(t).fontSize) * scale));",
    )
    .await
    .as_f64()
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_diagram_is_readable_filtered_and_collapsed_on_a_desktop_and_a_phone() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let stories = [
        ("generation-pause", "v1~generation-pause~seed.1", 1_250_000),
        (
            "consistent-leader-crash",
            "v1~consistent-leader-crash~seed.1",
            2_000_000,
        ),
        (
            "balance-host-failure",
            "v1~balance-host-failure~seed.1",
            3_000_000,
        ),
    ];
    for (name, width, height, least) in [("desktop", 1400, 900, 11.0), ("phone", 390, 844, 12.0)] {
        client.set_window_size(width, height).await.unwrap();
        for (story, session, at) in stories {
            open(&client, &base, session, at).await;
            tokio::time::sleep(Duration::from_millis(400)).await;
            let size = smallest_text(&client).await;
            assert!(size >= least - 0.01, "{story} {name}: text {size} px");
            assert_eq!(overlapping_labels(&client).await, 0, "{story} {name}");
            assert!(!scrolls_sideways(&client).await, "{story} {name}");
            assert!(count(&client, "[data-testid=legend-message]").await == 1);
            let path = shots.join(format!("diagram-{story}-{name}.png"));
            shoot(&client, "diagram", 120, &path).await;
        }
    }

    // The lane filter: hiding s3 takes its lane and counts its messages.
    client.set_window_size(1400, 900).await.unwrap();
    open(&client, &base, "v1~generation-pause~seed.1", 1_900_000).await;
    // (The diagram is drawn while it is in view.)
    run(
        &client,
        "document.activeElement.blur(); \
         document.querySelector('[data-testid=diagram]').scrollIntoView({block: 'center'});",
    )
    .await;
    // Walking to an event from the keyboard names it in a callout (its label may have
    // found no free place).
    run(
        &client,
        "document.dispatchEvent(new KeyboardEvent('keydown', {key: '[', bubbles: true}));",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let chosen = count(&client, "[data-testid=diagram] .event.chosen").await;
    let summary = count(&client, "[data-testid=cone-summary]").await;
    assert_eq!(
        count(&client, "[data-testid=diagram-callout]").await,
        1,
        "{chosen} {summary}"
    );

    let lanes = count(&client, "[data-testid=diagram] .lane").await;
    run(
        &client,
        "document.querySelector('[data-testid=lane-filter]').open = true;",
    )
    .await;
    press(&client, "lane-toggle-s3").await;
    assert_eq!(
        count(&client, "[data-testid=diagram] .lane").await,
        lanes - 1
    );
    assert!(testid(&client, "hidden-messages")
        .await
        .text()
        .await
        .unwrap()
        .contains("not drawn"));
    press(&client, "lanes-all").await;
    assert_eq!(count(&client, "[data-testid=diagram] .lane").await, lanes);

    // Collapsing is on, but a window without a band has no ×N key in its legend.
    open(&client, &base, "v1~lamport-skew~seed.1", 20_000).await;
    let on = testid(&client, "collapse-repeats")
        .await
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(on.as_deref(), Some("true"), "collapsing is on");
    assert_eq!(count(&client, "[data-testid=repeat]").await, 0);
    assert_eq!(count(&client, "[data-testid=legend-repeat]").await, 0);

    // Repetitive messages (the management leader's acks): a band, which the switch
    // draws one by one.
    open(
        &client,
        &base,
        "v1~consistent-leader-crash~seed.1",
        2_000_000,
    )
    .await;
    let bands = count(&client, "[data-testid=repeat]").await;
    assert!(bands > 0, "the heartbeats are collapsed");
    assert_eq!(count(&client, "[data-testid=legend-repeat]").await, 1);
    press(&client, "collapse-repeats").await;
    assert_eq!(count(&client, "[data-testid=repeat]").await, 0);
    let url = client.current_url().await.unwrap();
    assert!(
        !url.as_str().contains("repeat"),
        "a view setting, not in the link: {url}"
    );
}
