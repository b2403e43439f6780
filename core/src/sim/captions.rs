//! A run's captions: the scenario's timed ones, and those that wait for an event of the
//! run ([`EventCaption`]: a note or a message sent), found in the explored trace when first asked for and
//! remembered until explored events are discarded.

use std::cell::RefCell;

use super::run::{Engine, EventTag};
use super::scenario::{Caption, EventCaption};
use super::time::SimTime;

/// What is known of one event caption's event.
#[derive(Clone, Debug, Default)]
struct Search {
    /// The engine's truncation count this was read under.
    truncations: usize,
    /// Trace events before this index have been looked at.
    scanned: usize,
    /// The event found: when, and at which node.
    found: Option<(SimTime, String)>,
}

/// The captions of one run.
pub struct Captions {
    timed: Vec<Caption>,
    waiting: Vec<EventCaption>,
    searches: RefCell<Vec<Search>>,
}

impl Captions {
    /// The captions `timed` (in time order) and those `waiting` for events.
    pub fn new(timed: Vec<Caption>, waiting: Vec<EventCaption>) -> Captions {
        let searches = RefCell::new(vec![Search::default(); waiting.len()]);
        Captions {
            timed,
            waiting,
            searches,
        }
    }

    /// The timed captions, in time order.
    pub fn timed(&self) -> &[Caption] {
        &self.timed
    }

    /// Every caption that applies by `t` in `engine`'s run, in the order they apply:
    /// the timed ones, and each waiting one from its event, its text naming the node.
    pub fn until(&self, engine: &dyn Engine, t: SimTime) -> Vec<Caption> {
        let mut all: Vec<Caption> = self.timed.iter().filter(|c| c.at <= t).cloned().collect();
        for (k, waiting) in self.waiting.iter().enumerate() {
            if let Some((at, node)) = self.found(engine, k, t) {
                all.push(Caption {
                    at,
                    text: waiting.text.replace("{node}", &node),
                });
            }
        }
        // Stable: at one instant a waiting caption follows the timed one.
        all.sort_by_key(|c| c.at);
        all
    }

    /// The caption in force at `t`: of those that apply by then, the last.
    pub fn at(&self, engine: &dyn Engine, t: SimTime) -> Option<Caption> {
        self.until(engine, t).pop()
    }

    /// When and where waiting caption `k`'s event happened, if it did by `t` in the
    /// explored run. Looks at each trace event once, unless explored events are
    /// discarded in between.
    fn found(&self, engine: &dyn Engine, k: usize, t: SimTime) -> Option<(SimTime, String)> {
        let waiting = &self.waiting[k];
        let mut searches = self.searches.borrow_mut();
        let search = &mut searches[k];
        if search.truncations != engine.truncations() {
            *search = Search {
                truncations: engine.truncations(),
                ..Search::default()
            };
        }
        if search.found.is_none() && t >= waiting.from {
            let events = engine.events_between(waiting.from, SimTime(t.as_micros() + 1));
            for i in events.start.max(search.scanned)..events.end {
                let Some((Some(node), EventTag::Note | EventTag::Send)) = engine.event_class(i)
                else {
                    continue;
                };
                let event = engine.event(i)?;
                if event.label.contains(waiting.on) {
                    let name = engine.names().get(node.index()).cloned();
                    search.found = Some((event.time, name.unwrap_or_default()));
                    break;
                }
            }
            search.scanned = search.scanned.max(events.end);
        }
        search.found.clone().filter(|(at, _)| *at <= t)
    }
}
