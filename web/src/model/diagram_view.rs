//! How the diagram is viewed, apart from its window: the lanes a person hid, whether
//! repetitive messages are collapsed and which runs were expanded, and the kinds of
//! event the run has (for the legend). None of it is in the session: the run is the
//! same whatever is shown.

use std::collections::BTreeSet;
use std::rc::Rc;

use playground_core::sim::node::NodeId;
use playground_core::sim::run::{EventInfo, EventTag};

use super::Playground;
use crate::layout::repeats::RepeatKey;
use crate::memo::Memo;

/// The diagram's view settings.
#[derive(Debug, Default)]
pub struct DiagramView {
    /// Nodes whose lanes are hidden, by index.
    pub(super) hidden: BTreeSet<usize>,
    /// Whether every message is drawn, repetitive ones too (off by default).
    pub(super) every_message: bool,
    /// Runs of repetitive messages a person expanded.
    pub(super) expanded: Rc<Vec<RepeatKey>>,
    /// The kinds of event in the run explored last.
    pub(super) tags: Memo<(), Rc<Vec<EventTag>>>,
}

impl Playground {
    /// Hides `node`'s lane, or shows it again (the last lane shown stays).
    pub(super) fn toggle_lane(&mut self, node: NodeId) {
        let (i, n) = (node.index(), self.run.engine().names().len());
        if i >= n {
            return;
        }
        if !self.view.hidden.remove(&i) && self.view.hidden.len() + 1 < n {
            self.view.hidden.insert(i);
        }
        self.view.expanded = Rc::default();
    }

    /// Shows every lane.
    pub(super) fn show_all_lanes(&mut self) {
        self.view.hidden.clear();
        self.view.expanded = Rc::default();
    }

    /// Nodes whose lanes are hidden.
    pub fn hidden_lanes(&self) -> &BTreeSet<usize> {
        &self.view.hidden
    }

    /// Draws repetitive messages one by one, or collapses them again (every run).
    pub(super) fn toggle_repeats(&mut self) {
        self.view.every_message = !self.view.every_message;
        self.view.expanded = Rc::default();
    }

    /// Draws the runs `key` names one message at a time.
    pub(super) fn expand_repeat(&mut self, key: RepeatKey) {
        let expanded = Rc::make_mut(&mut self.view.expanded);
        if !expanded.contains(&key) {
            expanded.push(key);
        }
    }

    /// The runs of repetitive messages a person expanded, or `None` when every message
    /// is drawn.
    pub fn collapse(&self) -> Option<Rc<Vec<RepeatKey>>> {
        (!self.view.every_message).then(|| self.view.expanded.clone())
    }

    /// How many messages among `events` go to or from a hidden lane (not drawn).
    pub fn hidden_messages(&self, events: &[EventInfo]) -> usize {
        if self.view.hidden.is_empty() {
            return 0;
        }
        let mut msgs = BTreeSet::new();
        for e in events {
            if let (Some(msg), Some(node)) = (e.msg, e.node) {
                let hidden = |n: NodeId| self.view.hidden.contains(&n.index());
                let other = e.peer.is_some_and(hidden);
                if hidden(node) || other {
                    msgs.insert(msg);
                }
            }
        }
        msgs.len()
    }

    /// The kinds of event the run has, in legend order (scanned once per run).
    pub fn event_tags(&self) -> Rc<Vec<EventTag>> {
        self.view.tags.get((), || {
            let engine = self.engine();
            let mut seen = [false; 11];
            for i in 0..engine.trace_len() {
                if let Some((_, tag)) = engine.event_class(i) {
                    seen[tag as usize] = true;
                }
            }
            Rc::new(ALL_TAGS.into_iter().filter(|t| seen[*t as usize]).collect())
        })
    }
}

/// Every kind of event, in the legend's order.
const ALL_TAGS: [EventTag; 11] = [
    EventTag::Start,
    EventTag::Send,
    EventTag::Deliver,
    EventTag::Arrive,
    EventTag::Timer,
    EventTag::Note,
    EventTag::Action,
    EventTag::Lost,
    EventTag::Cut,
    EventTag::Dropped,
    EventTag::Retired,
];
