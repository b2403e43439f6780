//! Guided mode in the built page, in headless Chromium: a `guide=1` link stops at the
//! story's first key moment with a question card (focus on its first choice), a choice
//! reveals what the run does, Continue plays on; a `guide=0` link plays through; a story
//! chosen from the catalog is guided on its first visit only. Screenshots of the card
//! and its reveal at 1400×900 and 390×844 go to `tests/screenshots/`.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;
use std::time::Duration;

use browser::{click, dist_dir, open_at, serve, start_browser, testid, text, wait_for, PREFIX};
use fantoccini::Client;
use playground_core::Session;
use serde_json::json;

/// What `script` returns in the page, given `arg` as `arguments[0]`.
async fn eval(client: &Client, script: &str, arg: &str) -> serde_json::Value {
    client.execute(script, vec![json!(arg)]).await.unwrap()
}

/// Picks playback speed `label` (e.g. "10×") from the speed control.
async fn speed(client: &Client, label: &str) {
    let script = "const s = document.querySelector('[data-testid=speed]'); \
                  s.value = [...s.options].find(o => o.text === arguments[0]).value; \
                  s.dispatchEvent(new Event('change', {bubbles: true}));";
    eval(client, script, label).await;
}

/// The test id of the focused element.
async fn focused(client: &Client) -> serde_json::Value {
    let script = "return document.activeElement.getAttribute('data-testid') || ''";
    eval(client, script, "").await
}

/// Whether the question card is on the page.
async fn card_shown(client: &Client) -> bool {
    let script = "return !!document.querySelector('[data-testid=guide-card]')";
    eval(client, script, "").await == json!(true)
}

/// The `aria-pressed` state of the button with test id `id`.
async fn pressed(client: &Client, id: &str) -> Option<String> {
    testid(client, id).await.attr("aria-pressed").await.unwrap()
}

/// Writes a screenshot of the window to `tests/screenshots/<name>.png`.
async fn screenshot(client: &Client, name: &str) {
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let png = client.screenshot().await.unwrap();
    assert!(png.len() > 10_000, "a real screenshot");
    std::fs::write(shots.join(format!("{name}.png")), png).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_guided_link_stops_asks_reveals_and_plays_on() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let guided = format!("{base}?s=v1~generation-crash~seed.1&guide=1");
    for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        client.goto(&guided).await.unwrap();
        assert_eq!(pressed(&client, "guided").await.as_deref(), Some("true"));
        speed(&client, "10×").await;
        click(&client, "play").await;
        wait_for(&client, "[data-testid=guide-card]").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        // Stopped just before s1 crashes, asking which follower stands first.
        assert!(text(&client, "time").await.starts_with("t = 399.999ms"));
        assert_eq!(pressed(&client, "play").await.as_deref(), Some("false"));
        let card = text(&client, "guide-card").await;
        assert!(card.contains("Which of these happens next?"), "{card}");
        assert!(card.contains("next action: CRASH s1"), "{card}");
        assert!(card.contains("s2: stands for election in gen 2"), "{card}");
        assert_eq!(
            focused(&client).await,
            "guide-choice-0",
            "focus moves to the card"
        );
        assert!(
            !text(&client, "caption").await.contains("s1 crashes"),
            "not revealed"
        );
        screenshot(&client, &format!("guide-question-{name}")).await;

        click(&client, "guide-choice-0").await;
        let said = text(&client, "guide-say").await;
        assert!(
            said.starts_with("Right.") || said.starts_with("Not this time."),
            "{said}"
        );
        assert!(
            said.contains("next event is “s2: stands for election in gen 2”, at 639.368ms"),
            "{said}"
        );
        assert_eq!(focused(&client).await, json!("guide-continue"));
        screenshot(&client, &format!("guide-reveal-{name}")).await;

        click(&client, "guide-continue").await;
        assert!(!card_shown(&client).await, "the card closes");
        tokio::time::sleep(Duration::from_millis(300)).await;
        let caption = text(&client, "caption").await;
        assert!(
            !caption.starts_with("s1 leads generation 1"),
            "played on: {caption}"
        );
    }

    // Without guided mode the same story plays through without a question.
    client.set_window_size(1400, 900).await.unwrap();
    client
        .goto(&format!("{base}?s=v1~generation-crash~seed.1&guide=0"))
        .await
        .unwrap();
    assert_eq!(pressed(&client, "guided").await.as_deref(), Some("false"));
    speed(&client, "100×").await;
    click(&client, "play").await;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!card_shown(&client).await, "no question with guide=0");
        if pressed(&client, "play").await.as_deref() == Some("false") {
            break;
        }
    }
    let time = text(&client, "time").await;
    assert!(time.starts_with("t = 1998.402ms of 1998.402ms"), "{time}");

    // A bad value gets a notice, and the mode stays off.
    client
        .goto(&format!("{base}?s=v1~generation-crash~seed.1&guide=maybe"))
        .await
        .unwrap();
    assert!(text(&client, "error-banner")
        .await
        .contains("`guide=maybe`"));
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_story_from_the_catalog_is_guided_on_its_first_visit_only() {
    let port = serve(dist_dir());
    let (_driver, client) = start_browser().await;
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    open_at(&client, &base, &Session::new("lamport-skew", 1), 0).await;
    // Whatever an earlier test left in this browser's storage is forgotten.
    eval(&client, "localStorage.clear()", "").await;
    assert_eq!(pressed(&client, "guided").await.as_deref(), Some("false"));
    // (what is clicked, whether guided mode is on after it, why); the Guided button is
    // the person's own choice, which holds for the stories opened after it.
    for (id, on, why) in [
        ("scenario-generation-crash", "true", "first visit"),
        ("scenario-lamport-concurrent", "true", "first visit"),
        ("scenario-generation-crash", "false", "visited before"),
        ("guided", "true", "the person's choice"),
        ("scenario-hybrid-lww", "true", "the person's choice"),
        ("scenario-generation-crash", "true", "the person's choice"),
    ] {
        click(&client, id).await;
        assert_eq!(
            pressed(&client, "guided").await.as_deref(),
            Some(on),
            "{id}: {why}"
        );
    }
    client.close().await.unwrap();
}
