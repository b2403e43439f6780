//! Every pattern's default story on the stage, at 1400×900 and 390×844, at instants with
//! messages in flight: the whole stage is in its panel (fitted, nothing scrolls inside
//! it), each node's name and headline stay inside its box, and no message's label covers
//! a node's box or caption, or another label. A stage drawn smaller than its own size
//! offers "Zoom in" (over no node), which draws it at its size, scrolling inside the
//! panel.
//!
//! Needs `dist/` (built by `scripts/test.sh` before the tests) and `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use browser::{click, dist_dir, open_at, scrub, serve, start_browser, testid, PREFIX};
use playground_core::sim::trace::MsgId;
use playground_core::{Registry, Session};
use serde_json::Value;

/// What is wrong with the stage as drawn, how large it is drawn (its scale: CSS pixels
/// per unit), whether it offers "Zoom in", and how many message labels it writes.
const CHECK: &str = r#"
const panel = document.getElementById('stage-panel');
const svg = panel.querySelector('svg.stage');
const rect = e => e.getBoundingClientRect();
const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1
    && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
const meets = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
    && a.top < b.bottom - 1 && b.top < a.bottom - 1;
const faults = [];
if (panel.scrollHeight > panel.clientHeight + 1 || panel.scrollWidth > panel.clientWidth + 1) {
  faults.push(`the stage scrolls inside its panel (${panel.scrollWidth}x${panel.scrollHeight} in ${panel.clientWidth}x${panel.clientHeight})`);
}
const obstacles = [];
for (const node of svg.querySelectorAll('.node')) {
  const id = node.getAttribute('data-testid');
  const box = rect(node.querySelector('rect.box'));
  for (const t of node.querySelectorAll('text.name, text.headline')) {
    const r = rect(t), w = x => x.toFixed(1);
    if (t.textContent && !inside(r, box)) {
      faults.push(`${id}: "${t.textContent}" (${w(r.left)}–${w(r.right)}, ${w(r.top)}–${w(r.bottom)}) leaves its box (${w(box.left)}–${w(box.right)}, ${w(box.top)}–${w(box.bottom)})`);
    }
  }
  obstacles.push([id, box]);
  for (const t of node.querySelectorAll('text.role, text.badge')) {
    obstacles.push([`${id}'s caption "${t.textContent}"`, rect(t)]);
  }
}
const zoom = document.querySelector('[data-testid=stage-zoom]');
for (const [what, o] of zoom ? obstacles : []) {
  if (meets(rect(zoom), o)) faults.push(`the zoom button covers ${what}`);
}
const labels = svg.querySelectorAll('.message text');
for (const label of labels) {
  for (const [what, o] of obstacles) {
    if (meets(rect(label), o)) faults.push(`label "${label.textContent}" covers ${what}`);
  }
  obstacles.push([`label "${label.textContent}"`, rect(label)]);
}
const box = rect(svg), vb = svg.viewBox.baseVal;
const scale = Math.min(box.width / vb.width, box.height / vb.height);
return [faults, scale, !!document.querySelector('[data-testid=stage-zoom]'), labels.length];
"#;

/// Instants with messages in flight: halfway along eight messages spread over the run.
fn instants(registry: &Registry, session: &Session) -> Vec<u64> {
    let mut run = registry.start(session).unwrap();
    run.engine_mut().run_to_end(200_000);
    let engine = run.engine();
    let count = engine.message_count();
    (0..8)
        .filter_map(|k| {
            let m = engine.message(MsgId(u32::try_from(count * k / 8).ok()?))?;
            let end = m.end.map_or(m.sent_at, |(t, _)| t);
            Some((m.sent_at.as_micros() + end.as_micros()) / 2)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_stage_is_whole_and_its_text_stays_clear() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let registry = Registry::standard();
    let mut faults = Vec::new();
    let mut labels = 0;
    let mut scales = Vec::new();
    for (name, width, height) in [("desktop", 1400, 900), ("phone", 390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        for pattern in registry.patterns() {
            let story = registry.scenarios_of(pattern.id).next().unwrap();
            let session = Session::new(story.id(), 1);
            let times = instants(&registry, &session);
            open_at(&client, &base, &session, times[0]).await;
            for &at in &times {
                scrub(&client, at).await;
                let seen = client.execute(CHECK, vec![]).await.unwrap();
                let Value::Array(seen) = seen else {
                    panic!("{seen:?}")
                };
                for fault in seen[0].as_array().unwrap() {
                    faults.push(format!("{name} {} at {at}µs: {fault}", story.id()));
                }
                let scale = seen[1].as_f64().unwrap();
                let zoom = seen[2].as_bool().unwrap();
                labels += seen[3].as_u64().unwrap();
                if (scale - 0.9).abs() > 0.01 && zoom != (scale < 0.9) {
                    faults.push(format!(
                        "{name} {}: drawn at {scale:.2}, Zoom in offered: {zoom}",
                        story.id()
                    ));
                }
                if at == times[0] {
                    scales.push(format!("{name} {} {scale:.2}", story.id()));
                }
            }
        }
    }
    println!("drawn at (CSS px per unit):\n{}", scales.join("\n"));
    assert!(labels > 50, "messages were labelled in flight: {labels}");
    assert!(faults.is_empty(), "{}", faults.join("\n"));

    // Zooming in on a phone draws the stage at its own size, scrolling inside its panel;
    // the same button, pressed again, fits it whole again.
    client.set_window_size(390, 844).await.unwrap();
    open_at(&client, &base, &Session::new("hosts-three-ways", 1), 0).await;
    let drawn = |client: fantoccini::Client| async move {
        let seen = client.execute(CHECK, vec![]).await.unwrap();
        (seen[1].as_f64().unwrap(), seen[0].as_array().unwrap().len())
    };
    let (fitted, fits) = drawn(client.clone()).await;
    assert!(fitted < 0.9 && fits == 0, "fitted: {fitted}, {fits} faults");
    click(&client, "stage-zoom").await;
    let (zoomed, _) = drawn(client.clone()).await;
    assert!(zoomed >= 0.99, "zoomed in: {zoomed}");
    let scrolls = client
        .execute(
            "const p = document.getElementById('stage-panel'); \
             return p.scrollHeight > p.clientHeight && document.documentElement.scrollWidth <= window.innerWidth",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        scrolls,
        Value::Bool(true),
        "the panel scrolls, the page does not"
    );
    let pressed = testid(&client, "stage-zoom")
        .await
        .attr("aria-pressed")
        .await
        .unwrap();
    assert_eq!(pressed.as_deref(), Some("true"));
    click(&client, "stage-zoom").await;
    assert_eq!(drawn(client.clone()).await, (fitted, 0));
    client.close().await.unwrap();
}
