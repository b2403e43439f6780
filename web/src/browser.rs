//! The little the page needs from the browser: its address, motion preference, the
//! stories visited before, and a banner when Rust panics.

use crate::url::{parse_query, Query};

/// What the current address asks for.
pub fn query() -> Query {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    parse_query(&search)
}

/// The page's address without its query or fragment.
pub fn page_url() -> String {
    web_sys::window()
        .and_then(|w| {
            let location = w.location();
            Some(format!(
                "{}{}",
                location.origin().ok()?,
                location.pathname().ok()?
            ))
        })
        .unwrap_or_default()
}

/// Writes `query` into the address bar: as a new history entry when `push` (so Back
/// returns to the address before it), else in place of the current one.
pub fn write_query(query: &str, push: bool) {
    if let Some(window) = web_sys::window() {
        if let Ok(history) = window.history() {
            let state = wasm_bindgen::JsValue::NULL;
            let _ = if push {
                history.push_state_with_url(&state, "", Some(query))
            } else {
                history.replace_state_with_url(&state, "", Some(query))
            };
        }
    }
}

/// The local-storage key of the stories this browser has opened (ids, space-separated).
const VISITED: &str = "dpp-visited-stories";

/// Whether this is the person's first visit to `story`, which is then remembered in the
/// browser's local storage. False when storage is unavailable (private windows, blocked
/// storage): without a memory, guided mode stays off rather than ask on every visit.
pub fn first_visit(story: &str) -> bool {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return false;
    };
    let seen = storage.get_item(VISITED).ok().flatten().unwrap_or_default();
    if seen.split(' ').any(|s| s == story) {
        return false;
    }
    storage
        .set_item(VISITED, format!("{seen} {story}").trim_start())
        .is_ok()
}

/// Selects the text of the input with `data-testid` `testid`, and focuses it.
pub fn select_text(testid: &str) {
    use wasm_bindgen::JsCast;
    let input = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector(&format!("[data-testid={testid}]"))
                .ok()
                .flatten()
        })
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
    if let Some(input) = input {
        let _ = input.focus();
        input.select();
    }
}

/// Whether the person asked the system for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Whether the window is phone-narrow (under 700 CSS pixels), so the stage is laid out
/// for a narrow screen.
pub fn narrow() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 700.0)
}

/// Marks a moment on the page's performance timeline (read by the page benchmark).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Milliseconds from a monotonic clock, for playback.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

thread_local! {
    static LAST_COMMAND: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Remembers the command being carried out, for the panic banner.
pub fn remember_command(command: &str) {
    LAST_COMMAND.with(|last| *last.borrow_mut() = command.to_string());
}

/// On a Rust panic, shows a banner with the message and a link that reproduces the run
/// (the address always holds the session), instead of leaving a dead page.
pub fn install_panic_banner() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let href = document
            .location()
            .and_then(|l| l.href().ok())
            .unwrap_or_default();
        let Ok(banner) = document.create_element("div") else {
            return;
        };
        banner.set_class_name("banner error panic");
        let _ = banner.set_attribute("role", "alert");
        let _ = banner.set_attribute("data-testid", "panic-banner");
        let text = document.create_element("p").ok();
        let link = document.create_element("a").ok();
        if let (Some(text), Some(link)) = (text, link) {
            let command = LAST_COMMAND.with(|last| last.borrow().clone());
            text.set_text_content(Some(&format!(
                "Something broke inside the playground ({message}) while doing {command}. The \
                 page has stopped; this link reproduces the run up to that moment, so please \
                 report it with what you did last: "
            )));
            let _ = link.set_attribute("href", &href);
            link.set_text_content(Some(&href));
            let _ = text.append_child(&link);
            let _ = banner.append_child(&text);
        }
        if let Some(body) = document.body() {
            let _ = body.insert_before(&banner, body.first_child().as_ref());
        }
    }));
}
