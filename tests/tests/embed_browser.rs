//! The embedded view in the built page, in headless Chromium: the example docs page's
//! frames fit (nothing below the frame's foot, nothing sideways) and its question is
//! answered inside the frame (the replay orders, under "At this instant"); panels chosen
//! in the address are exactly the tabs shown; an unknown panel gives a notice and every
//! panel; the Embed dialog's checkboxes, height and guided mode land in the snippet,
//! titled with the story's title, and a guided snippet's frame stops to ask. The stage's text is at least 11 CSS px on a phone. Screenshots of the
//! example page and of stages at phone width are written to `tests/screenshots/`.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use std::path::Path;
use std::time::Duration;

use browser::{
    click, dist_dir, enter_frame_when_ready, open_embed_example, serve, start_browser, testid,
    text, PREFIX,
};
use fantoccini::{Client, Locator};

/// Sizes the window so that the page itself (the viewport) is `width` by `height`.
async fn viewport(client: &Client, width: u32, height: u32) {
    client.set_window_size(width, height).await.unwrap();
    let inner = client
        .execute("return [window.innerWidth, window.innerHeight]", vec![])
        .await
        .unwrap();
    let inner: Vec<u32> = serde_json::from_value(inner).unwrap();
    let (w, h) = (
        2 * width - inner[0].min(width),
        2 * height - inner[1].min(height),
    );
    client.set_window_size(w, h).await.unwrap();
}

/// Opens the page at `base` with `query` and waits for the element with test id `id`.
async fn visit(client: &Client, base: &str, query: &str, id: &str) {
    client.goto(&format!("{base}{query}")).await.unwrap();
    testid(client, id).await;
}

/// The document's height and width against the window's (a frame's own size).
async fn fits(client: &Client) -> (bool, String) {
    let sizes = client
        .execute(
            "const d = document.documentElement; \
             return [d.scrollHeight, window.innerHeight, d.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let v: Vec<u64> = serde_json::from_value(sizes).unwrap();
    (v[0] <= v[1] && v[2] <= v[3] + 1, format!("{v:?}"))
}

/// The tabs shown, by their panel names.
async fn tabs(client: &Client) -> Vec<String> {
    let mut names = Vec::new();
    for tab in client
        .find_all(Locator::Css("[data-testid^=\"embed-tab-\"]"))
        .await
        .unwrap()
    {
        let id = tab.attr("data-testid").await.unwrap().unwrap_or_default();
        names.push(id.trim_start_matches("embed-tab-").to_string());
    }
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn the_embed_fits_its_frame_and_shows_the_panels_asked_for() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");

    // The example page: each frame fits, and its question is answered inside it.
    client.set_window_size(1000, 900).await.unwrap();
    open_embed_example(&client, &base).await;
    // Both frames are up before one of them plays.
    for frame in ["embed-concurrent", "embed-skew"] {
        enter_frame_when_ready(&client, frame, "embed").await;
        client.enter_parent_frame().await.unwrap();
    }
    for frame in ["embed-skew", "embed-concurrent"] {
        enter_frame_when_ready(&client, frame, "embed").await;
        let (ok, sizes) = fits(&client).await;
        assert!(ok, "{frame} overflows its frame: {sizes}");
        assert_eq!(
            tabs(&client).await,
            ["stage", "facts", "invariants", "diagram"]
        );
        click(&client, "play").await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        click(&client, "embed-tab-facts").await;
        let facts = text(&client, "embed-panel-facts").await;
        assert!(
            facts.to_lowercase().contains("replay order"),
            "{frame}: {facts}"
        );
        let (ok, sizes) = fits(&client).await;
        assert!(ok, "{frame} with its facts open overflows: {sizes}");
        click(&client, "embed-tab-invariants").await;
        let invariants = text(&client, "embed-panel-invariants").await;
        assert!(invariants.contains("happened"), "{frame}: {invariants}");
        click(&client, "embed-tab-stage").await;
        client.enter_parent_frame().await.unwrap();
    }
    browser::shoot(&client, "embed-skew", 60, &shots.join("embed-example.png")).await;

    // Panels from the address, at the snippet's default size and at a phone's.
    for (width, height) in [(900, 620), (390, 600)] {
        viewport(&client, width, height).await;
        visit(
            &client,
            &base,
            "?embed=invariants,stage&s=v1~balance-host-failure~seed.1",
            "embed",
        )
        .await;
        assert_eq!(tabs(&client).await, ["invariants", "stage"]);
        let open = text(&client, "embed-panel-invariants").await;
        assert!(
            open.contains("has been down"),
            "the invariants open first: {open}"
        );
        let (ok, sizes) = fits(&client).await;
        assert!(ok, "{width}x{height}: {sizes}");
        click(&client, "embed-tab-stage").await;
        testid(&client, "stage").await;
        let (ok, sizes) = fits(&client).await;
        assert!(ok, "{width}x{height} stage: {sizes}");
    }

    // One panel: no tabs at all. An unknown panel: a notice, and every panel.
    client.set_window_size(900, 620).await.unwrap();
    visit(
        &client,
        &base,
        "?embed=diagram&s=v1~lamport-skew~seed.1",
        "embed-panel-diagram",
    )
    .await;
    assert!(tabs(&client).await.is_empty());
    visit(
        &client,
        &base,
        "?embed=stage,timeline&s=v1~balance-host-failure~seed.1",
        "embed",
    )
    .await;
    let notice = text(&client, "error-banner").await;
    assert!(notice.contains("`timeline`"), "{notice}");
    assert_eq!(
        tabs(&client).await,
        ["stage", "diagram", "invariants", "facts", "charts"]
    );

    // The Embed dialog: panels and height land in the snippet, with the story's title.
    client.set_window_size(1400, 900).await.unwrap();
    visit(&client, &base, "?s=v1~lamport-skew~seed.1", "embed").await;
    click(&client, "embed").await;
    let snippet = testid(&client, "embed-snippet").await;
    let first = snippet.prop("value").await.unwrap().unwrap_or_default();
    assert!(
        first.contains("?embed&s=v1~lamport-skew~seed.1\"")
            && first.contains("title=\"Lamport clock: Skewed wall clocks — ")
            && first.contains("height=\"620\""),
        "{first}"
    );
    assert!(
        client
            .find(Locator::Css("[data-testid=\"embed-choose-charts\"]"))
            .await
            .is_err(),
        "no charts offered for a pattern without metrics"
    );
    click(&client, "embed-choose-stage").await;
    click(&client, "embed-choose-diagram").await;
    let height = testid(&client, "embed-height").await;
    height.clear().await.unwrap();
    height.send_keys("480").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let snippet = testid(&client, "embed-snippet").await;
    let chosen = snippet.prop("value").await.unwrap().unwrap_or_default();
    assert!(
        chosen.contains("?embed=invariants,facts&s=") && chosen.contains("height=\"480\""),
        "{chosen}"
    );

    // Guided: the snippet says `guide=1`, and the frame it gives stops at a key moment
    // and asks its question.
    assert!(!chosen.contains("guide="), "{chosen}");
    click(&client, "embed-guided").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let snippet = testid(&client, "embed-snippet").await;
    let guided = snippet.prop("value").await.unwrap().unwrap_or_default();
    assert!(guided.contains("&guide=1\""), "{guided}");
    let src = guided.split('"').nth(1).unwrap().to_string();
    client.goto(&src).await.unwrap();
    testid(&client, "embed").await;
    client
        .execute(
            "const s = document.querySelector('[data-testid=speed]'); \
             s.value = [...s.options].find(o => o.text === '10×').value; \
             s.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![],
        )
        .await
        .unwrap();
    click(&client, "play").await;
    let card = browser::wait_for(&client, "[data-testid=guide-card]").await;
    let asked = card.text().await.unwrap();
    assert!(
        asked.contains("happens next?") || asked.contains("breaks first"),
        "{asked}"
    );
    client.close().await.unwrap();
}

/// The smallest text on the stage, in CSS pixels as drawn (font size times the SVG's
/// scale), over the texts shown, and which text it is.
async fn smallest_stage_text(client: &Client) -> (f64, String) {
    let px = client
        .execute(
            "const svg = document.querySelector('[data-testid=stage]'); \
             const k = svg.getScreenCTM().a; let min = [1e9, '']; \
             for (const t of svg.querySelectorAll('text')) { \
               const s = getComputedStyle(t); \
               if (s.display === 'none' || t.textContent.trim() === '') continue; \
               const px = parseFloat(s.fontSize) * k; \
               if (px < min[0]) min = [px, `${t.textContent} (${s.fontSize} at ${k.toFixed(2)}, \
                 viewBox ${svg.getAttribute('viewBox')}, ${svg.clientWidth}x${svg.clientHeight})`]; } \
             return min;",
            vec![],
        )
        .await
        .unwrap();
    (
        px[0].as_f64().unwrap(),
        px[1].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn stage_text_is_readable_on_a_phone() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    for (story, shot) in [
        ("hub-and-spoke", Some("hub-and-spoke")),
        ("lamport-skew", None),
        ("consistent-lookup", None),
        ("pods-readiness", Some("pods-readiness")),
        ("hosts-three-ways", None),
    ] {
        for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
            viewport(&client, width, height).await;
            let query = format!("?s=v1~{story}~seed.1");
            visit(&client, &base, &query, "scrubber").await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            if name == "phone" {
                // Drawn whole, a stage of groups is smaller than its own size: "Zoom in"
                // draws it at its size (then "Fit" again, for the screenshot).
                let (mut px, mut which) = smallest_stage_text(&client).await;
                let zooms = client
                    .find_all(Locator::Css("[data-testid=stage-zoom]"))
                    .await
                    .unwrap();
                if px < 10.9 && !zooms.is_empty() {
                    click(&client, "stage-zoom").await;
                    (px, which) = smallest_stage_text(&client).await;
                    click(&client, "stage-zoom").await;
                }
                assert!(
                    px >= 10.9,
                    "{story} on a phone: stage text {px:.1} px (zoom offered: {}): {which}",
                    !zooms.is_empty()
                );
            }
            if let Some(shot) = shot {
                browser::shoot_stage(&client, &shots.join(format!("stage-{shot}-{name}.png")))
                    .await;
            }
        }
    }
    client.close().await.unwrap();
}
