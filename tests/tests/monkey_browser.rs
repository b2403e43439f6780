//! A person who clicks anything: random stories, seeds and interactions (buttons, selects,
//! the scrubber, keys, clicks anywhere on the stage, diagram and charts, absurd numbers
//! typed into fields), at desktop and phone width, in headless Chromium. After every
//! interaction the page must still show its stage and must have raised no error: no Rust
//! panic (the panic banner), no uncaught exception, no unhandled promise rejection and
//! nothing written to `console.error`.
//!
//! The draws come from a fixed seed, so a failure names the interaction that caused it and
//! reproduces. Needs `dist/` (built by `scripts/test.sh` before the tests) and
//! `/usr/bin/chromedriver`.

#[path = "../browser/mod.rs"]
mod browser;

use browser::{dist_dir, serve, start_browser, testid, PREFIX};
use fantoccini::Client;
use playground_core::Registry;
use serde_json::{json, Value};

/// Interactions per window width.
const INTERACTIONS: usize = 160;
/// A new story is opened every this many interactions.
const PER_STORY: usize = 40;

/// Records every error the page raises into `window.__errors`.
const LISTEN: &str = "if (!window.__errors) {
    window.__errors = [];
    addEventListener('error', e => window.__errors.push('error: ' + e.message));
    addEventListener('unhandledrejection', e => window.__errors.push('rejection: ' + e.reason));
    const log = console.error;
    console.error = (...a) => { window.__errors.push('console: ' + a.join(' ')); log(...a); };
}";

/// One interaction of kind `arguments[1]`, chosen by the number `arguments[0]` in [0, 1).
const INTERACT: &str = "
const r = arguments[0], kind = arguments[1];
const shown = el => { const b = el.getBoundingClientRect(); return b.width > 0 && b.height > 0 && !el.disabled; };
const pick = sel => { const all = [...document.querySelectorAll(sel)].filter(shown); return all.length ? all[Math.floor(r * all.length)] : null; };
const name = el => el.dataset.testid || el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30);
if (kind === 0) {
    const el = pick('button, summary, [role=button], [role=tab]');
    if (!el) return 'no button';
    // Downloads would leave the page's tests' browser with a save dialog: not clicked.
    if (/export|download/i.test(name(el))) return 'skipped ' + name(el);
    el.scrollIntoView({block: 'center'}); el.click(); return 'click ' + name(el);
}
if (kind === 1) {
    const el = pick('select');
    if (!el || !el.options.length) return 'no select';
    el.value = el.options[Math.floor(r * 997) % el.options.length].value;
    el.dispatchEvent(new Event('change', {bubbles: true}));
    return 'select ' + name(el) + ' = ' + el.value;
}
if (kind === 2) {
    const el = pick('input[type=range]');
    if (!el) return 'no range';
    el.value = String(Number(el.min) + (Number(el.max) - Number(el.min)) * ((r * 7919) % 1));
    el.dispatchEvent(new Event('input', {bubbles: true}));
    return 'scrub ' + el.value;
}
if (kind === 3) {
    const keys = [' ', 'ArrowRight', 'ArrowLeft', 'End', 'Home', ']', '[', 'd', 'Escape', '?', '+', '-', 'g', '.'];
    const key = keys[Math.floor(r * keys.length)];
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    document.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
    return 'key ' + key;
}
if (kind === 4) {
    const svg = pick('svg');
    if (!svg) return 'no picture';
    svg.scrollIntoView({block: 'center'});
    const b = svg.getBoundingClientRect();
    const x = b.left + b.width * ((r * 31) % 1), y = b.top + b.height * ((r * 57) % 1);
    const at = document.elementFromPoint(x, y) || svg;
    for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click'])
        at.dispatchEvent(new MouseEvent(type, {bubbles: true, clientX: x, clientY: y}));
    return 'click in ' + (svg.dataset.testid || svg.getAttribute('class'));
}
const el = pick('input[type=number], input[type=text]:not([readonly])');
if (!el) return 'no field';
const typed = ['-9223372036854775808', '0', '1', '3', '99999999999', 'abc', '', '2.5', '-1'];
el.value = typed[Math.floor(r * typed.length)];
el.dispatchEvent(new Event('input', {bubbles: true}));
el.dispatchEvent(new Event('change', {bubbles: true}));
return 'type ' + name(el) + ' = ' + el.value;
";

/// A small fixed-seed generator (xorshift64*), so the draws reproduce.
struct Draws(u64);

impl Draws {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

async fn run_js(client: &Client, script: &str, args: Vec<Value>) -> Value {
    client.execute(script, args).await.unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread")]
async fn random_interactions_raise_no_error_and_keep_the_page() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;
    let stories: Vec<&str> = Registry::standard()
        .scenarios()
        .iter()
        .map(|s| s.id())
        .collect();
    let mut draws = Draws(0x9e37_79b9_7f4a_7c15);
    let mut kinds_done = [0usize; 6];
    let mut story = "";
    for (width, height) in [(1400, 900), (390, 844)] {
        client.set_window_size(width, height).await.unwrap();
        for i in 0..INTERACTIONS {
            if i % PER_STORY == 0 {
                story = stories[draws.below(stories.len())];
                let seed = draws.below(1000);
                client
                    .goto(&format!("{base}?s=v1~{story}~seed.{seed}"))
                    .await
                    .unwrap();
                testid(&client, "stage").await;
            }
            run_js(&client, LISTEN, vec![]).await;
            let kind = draws.below(6);
            let did = run_js(&client, INTERACT, vec![json!(draws.unit()), json!(kind)]).await;
            kinds_done[kind] += usize::from(!did.as_str().unwrap_or("no").starts_with("no"));
            tokio::time::sleep(std::time::Duration::from_millis(60)).await;
            // A link the person clicked may have opened another story: listen there too.
            run_js(&client, LISTEN, vec![]).await;
            let state = run_js(
                &client,
                "return {errors: window.__errors || [],
                         stage: !!document.querySelector('[data-testid=stage]'),
                         panic: !!document.querySelector('[data-testid=panic-banner]'),
                         at: location.search};",
                vec![],
            )
            .await;
            assert!(
                state["errors"].as_array().is_some_and(Vec::is_empty)
                    && state["stage"] == json!(true)
                    && state["panic"] == json!(false),
                "{width}px, interaction {i} in {story} ({did}) left {state}"
            );
        }
    }
    // The draws reached every kind of interaction, doing something each time.
    assert!(kinds_done.iter().all(|&n| n > 5), "{kinds_done:?}");
}
