//! Panels drawn only while they are on screen.
//!
//! Playing redraws the page on every frame. A panel far below the window (the diagram,
//! the event log) would be rebuilt and diffed for nothing: the browser does not even lay
//! it out (`content-visibility: auto`). [`use_in_view`] watches a panel with an
//! `IntersectionObserver`; while it is out of view, [`InView::panel`] hands back what the
//! panel drew last (the same virtual DOM, so Yew changes nothing), unless the caller
//! needs it current (the page does whenever it is not playing), and it is drawn afresh
//! as soon as it comes within [`MARGIN`] of the window.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};
use yew::prelude::*;

/// How near the window a panel counts as in view: drawn a little before it scrolls in.
const MARGIN: &str = "200px 0px";

/// A panel that is drawn only while it is in view.
pub struct InView {
    /// The panel's element (give it to the panel's outermost tag).
    pub node: NodeRef,
    /// Whether the panel is in view (or near it); until the observer says, it is.
    seen: bool,
    /// What the panel drew last.
    held: Rc<RefCell<Option<Html>>>,
}

impl InView {
    /// The panel: drawn by `draw` when it is in view or `now` (it must be current, e.g.
    /// for an export that reads it), else as it was drawn last.
    pub fn panel(&self, now: bool, draw: impl FnOnce() -> Html) -> Html {
        let mut held = self.held.borrow_mut();
        match held.as_ref() {
            Some(last) if !self.seen && !now => last.clone(),
            _ => held.insert(draw()).clone(),
        }
    }
}

/// What the observer calls with its entries.
type Entries = Closure<dyn FnMut(js_sys::Array)>;

/// What watches the panel: the observer, its callback, and the element it observes.
#[derive(Default)]
struct Watch {
    observer: Option<(IntersectionObserver, Entries)>,
    element: Option<Element>,
}

impl Watch {
    /// Observes `element` (the panel may have been drawn anew as another element),
    /// telling `seen` whether it is in view.
    fn follow(&mut self, element: Option<Element>, seen: &UseStateSetter<bool>) {
        if self.element == element {
            return;
        }
        if self.observer.is_none() {
            let seen = seen.clone();
            let callback = Entries::new(move |entries: js_sys::Array| {
                let last = entries.iter().last();
                if let Some(entry) =
                    last.and_then(|e| e.dyn_into::<IntersectionObserverEntry>().ok())
                {
                    seen.set(entry.is_intersecting());
                }
            });
            let options = IntersectionObserverInit::new();
            options.set_root_margin(MARGIN);
            self.observer =
                IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options)
                    .ok()
                    .map(|observer| (observer, callback));
        }
        let Some((observer, _)) = &self.observer else {
            return;
        };
        if let Some(old) = &self.element {
            observer.unobserve(old);
        }
        if let Some(new) = &element {
            observer.observe(new);
        }
        self.element = element;
    }
}

/// The panel is gone: so is its observer.
impl Drop for Watch {
    fn drop(&mut self) {
        if let Some((observer, _)) = &self.observer {
            observer.disconnect();
        }
    }
}

/// Watches a panel (the element behind [`InView::node`]) and says whether it is in view.
#[hook]
pub fn use_in_view() -> InView {
    let node = use_node_ref();
    let seen = use_state_eq(|| true);
    let held = use_mut_ref(|| None);
    let watch = use_mut_ref(Watch::default);
    {
        // After every render: the panel's element may be a new one.
        let (node, setter, watch) = (node.clone(), seen.setter(), watch.clone());
        use_effect(move || {
            watch
                .borrow_mut()
                .follow(node.get().and_then(|n| n.dyn_into().ok()), &setter)
        });
    }
    InView {
        node,
        seen: *seen,
        held,
    }
}
