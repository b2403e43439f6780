//! Drives the mounted app in a wasm test: one page at a time, mounted at an address,
//! found by `data-testid`, clicked, typed into and scrolled like a person would.

use std::time::Duration;

use playground_web::App;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::platform::time::sleep;
use yew::AppHandle;

thread_local! {
    /// The page's address is global, and the runner interleaves async tests: one page
    /// at a time.
    static BUSY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A mounted app that unmounts itself (and lets the next test in) when dropped.
pub struct Page {
    handle: Option<AppHandle<App>>,
    /// The element the app is mounted in.
    pub root: Element,
}

impl Drop for Page {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
        BUSY.with(|busy| busy.set(false));
    }
}

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Waits for its turn, sets the address's query, then mounts the app.
pub async fn open(query: &str) -> Page {
    while BUSY.with(|busy| busy.replace(true)) {
        sleep(Duration::from_millis(10)).await;
    }
    let history = web_sys::window().unwrap().history().unwrap();
    let path = web_sys::window().unwrap().location().pathname().unwrap();
    history
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{query}")),
        )
        .unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    Page {
        handle: Some(handle),
        root,
    }
}

pub async fn settle() {
    sleep(Duration::from_millis(30)).await;
    // Yew renders in slices of 16 ms, each continued from a zero-delay timer; on a loaded
    // machine a render can outlast the 30 ms. Timers run in order, so a few zero-delay
    // sleeps let the slices queued before them finish first.
    for _ in 0..4 {
        sleep(Duration::ZERO).await;
    }
}

/// Dispatches a bubbling, cancelable event named `name` at `target`, as the browser
/// would for a person's input.
pub fn fire(target: &web_sys::EventTarget, name: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = web_sys::Event::new_with_event_init_dict(name, &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

impl Page {
    pub fn find(&self, testid: &str) -> Option<Element> {
        self.root
            .query_selector(&format!("[data-testid=\"{testid}\"]"))
            .unwrap()
    }

    /// The element, once the page has drawn it (a loaded machine may take a few frames).
    pub async fn wait_for(&self, testid: &str) -> Option<Element> {
        for _ in 0..20 {
            if let Some(found) = self.find(testid) {
                return Some(found);
            }
            settle().await;
        }
        None
    }

    pub fn get(&self, testid: &str) -> Element {
        self.find(testid)
            .unwrap_or_else(|| panic!("no element with data-testid={testid}"))
    }

    pub fn text(&self, testid: &str) -> String {
        self.get(testid).text_content().unwrap_or_default()
    }

    pub fn count(&self, testid: &str) -> u32 {
        self.root
            .query_selector_all(&format!("[data-testid=\"{testid}\"]"))
            .unwrap()
            .length()
    }

    /// Scrolls the element into view and waits for the page to draw it there (the
    /// diagram and the log are drawn only while they are in view).
    pub async fn reveal(&self, testid: &str) {
        self.get(testid).scroll_into_view();
        for _ in 0..3 {
            settle().await;
        }
    }

    pub async fn click(&self, testid: &str) {
        let init = web_sys::MouseEventInit::new();
        init.set_bubbles(true);
        let event = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
        self.get(testid).dispatch_event(&event).unwrap();
        settle().await;
    }

    pub async fn set_input(&self, testid: &str, value: &str, event: &str) {
        let input: HtmlInputElement = self.get(testid).dyn_into().unwrap();
        input.set_value(value);
        fire(&input, event);
        settle().await;
    }

    /// Picks `value` in the `<select>` with this test id, as a person would.
    pub async fn choose(&self, testid: &str, value: &str) {
        let select: HtmlSelectElement = self.get(testid).dyn_into().unwrap();
        select.set_value(value);
        fire(&select, "change");
        settle().await;
    }

    /// The cursor's simulated time in milliseconds, read from the time display.
    pub fn now_ms(&self) -> f64 {
        let text = self.text("time");
        text[4..].split("ms").next().unwrap().parse().unwrap()
    }

    /// Plays at the fastest speed until `done` (for up to 20 s: a loaded machine renders
    /// late), then pauses, unless playing already stopped (at the run's end: clicking
    /// play again would start over).
    pub async fn play_fast_until(&self, done: impl Fn(&Page) -> bool) {
        self.choose("speed", "9").await;
        self.click("play").await;
        for _ in 0..4000 {
            if done(self) {
                break;
            }
            sleep(Duration::from_millis(5)).await;
        }
        if self.text("play").contains("Pause") {
            self.click("play").await;
        }
    }

    pub fn step(&self) -> usize {
        let text = self.text("time");
        let after = text.split("step ").nth(1).expect("time shows the step");
        after.split(' ').next().unwrap().parse().unwrap()
    }

    /// The address's query once it holds every one of `parts` (the address is rewritten
    /// right after a render), or as it is after a second.
    pub async fn search(&self, parts: &[&str]) -> String {
        let read = || web_sys::window().unwrap().location().search().unwrap();
        for _ in 0..50 {
            if parts.iter().all(|p| read().contains(p)) {
                break;
            }
            sleep(Duration::from_millis(20)).await;
        }
        read()
    }
}
