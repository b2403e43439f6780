//! Causality at a click: which trace events happened before a chosen one, which it could
//! have influenced, and which are concurrent with it (Lamport's happened-before).
//!
//! Event *a* happened before *b* when a chain of steps leads from *a* to *b*: one step is
//! either two events on the same node, in trace order, or a message's send and its
//! arrival (or delivery) at its receiver. Everything else is concurrent: neither could
//! have known of the other. Network-wide actions (a partition, a heal) belong to no node
//! and are related to nothing. A dropped message carries nothing, so its drop is related
//! only through its receiver's own events.
//!
//! Both directions are one linear scan from the chosen event, which the trace's order
//! makes exact: it lists every step's events after the events that caused them.

use std::collections::BTreeSet;

use super::trace::{EventKind, EventTypes, MsgId, TraceEvent};

/// How a trace event or a message relates to the chosen event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Relation {
    /// Concurrent with it (or on no node).
    #[default]
    Concurrent,
    /// Happened before it: it could have influenced the chosen event.
    Before,
    /// The chosen event itself.
    Chosen,
    /// Happened after it: the chosen event could have influenced it.
    After,
}

/// Every event's and every message's relation to one chosen event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cone {
    /// The chosen event's trace index.
    pub chosen: usize,
    events: Vec<Relation>,
    messages: Vec<Relation>,
}

impl Cone {
    /// The relations of `events` to event `chosen` (an index into them); `messages` is how
    /// many messages the trace has (message ids are below it).
    pub fn of<N: EventTypes>(events: &[TraceEvent<N>], messages: usize, chosen: usize) -> Cone {
        let mut cone = Cone {
            chosen,
            events: vec![Relation::Concurrent; events.len()],
            messages: vec![Relation::Concurrent; messages],
        };
        let Some(Some(node)) = events.get(chosen).map(|e| e.node) else {
            return cone;
        };
        cone.events[chosen] = Relation::Chosen;
        let nodes = events
            .iter()
            .filter_map(|e| e.node)
            .map(|n| n.0 as usize + 1)
            .max();
        let nodes = nodes.unwrap_or(1);
        cone.walk_back(events, chosen, node.0 as usize, nodes);
        cone.walk_forward(events, chosen, node.0 as usize, nodes);
        cone
    }

    /// Marks what happened before `chosen`: scanning back, a node is reached once one of
    /// its events is (everything earlier on it happened before), and a message's send is
    /// reached once its arrival or delivery is.
    fn walk_back<N: EventTypes>(
        &mut self,
        events: &[TraceEvent<N>],
        chosen: usize,
        node: usize,
        nodes: usize,
    ) {
        let mut reached = vec![false; nodes];
        reached[node] = true;
        let mut sends = BTreeSet::new();
        if let Some(msg) = received(&events[chosen].kind) {
            sends.insert(msg);
            self.mark_message(msg, Relation::Before);
        }
        for index in (0..chosen).rev() {
            let e = &events[index];
            let Some(n) = e.node else { continue };
            let sent = matches!(e.kind, EventKind::Send { msg, .. } if sends.contains(&msg));
            if !reached[n.0 as usize] && !sent {
                continue;
            }
            reached[n.0 as usize] = true;
            self.events[index] = Relation::Before;
            if let Some(msg) = received(&e.kind) {
                sends.insert(msg);
                self.mark_message(msg, Relation::Before);
            }
        }
    }

    /// Marks what happened after `chosen`: scanning forward, a node is reached once one of
    /// its events is (everything later on it happened after), and a message's receiver
    /// once its send is and it arrives.
    fn walk_forward<N: EventTypes>(
        &mut self,
        events: &[TraceEvent<N>],
        chosen: usize,
        node: usize,
        nodes: usize,
    ) {
        let mut reached = vec![false; nodes];
        reached[node] = true;
        let mut sent = BTreeSet::new();
        if let EventKind::Send { msg, .. } = events[chosen].kind {
            sent.insert(msg);
            self.mark_message(msg, Relation::After);
        }
        for (index, e) in events.iter().enumerate().skip(chosen + 1) {
            let Some(n) = e.node else { continue };
            let arrives = received(&e.kind).is_some_and(|msg| sent.contains(&msg));
            if !reached[n.0 as usize] && !arrives {
                continue;
            }
            reached[n.0 as usize] = true;
            self.events[index] = Relation::After;
            if let EventKind::Send { msg, .. } = e.kind {
                sent.insert(msg);
                self.mark_message(msg, Relation::After);
            }
        }
    }

    fn mark_message(&mut self, msg: MsgId, relation: Relation) {
        if let Some(slot) = self.messages.get_mut(msg.0 as usize) {
            *slot = relation;
        }
    }

    /// Trace event `index`'s relation to the chosen event.
    pub fn event(&self, index: usize) -> Relation {
        self.events.get(index).copied().unwrap_or_default()
    }

    /// Message `msg`'s relation: `Before` if it reached its receiver before the chosen
    /// event (on a chain leading to it), `After` if it was sent on a chain leading from it.
    pub fn message(&self, msg: MsgId) -> Relation {
        self.messages
            .get(msg.0 as usize)
            .copied()
            .unwrap_or_default()
    }

    /// How many events happened before the chosen one, and how many after it.
    pub fn counts(&self) -> (usize, usize) {
        let count = |r| self.events.iter().filter(|&&e| e == r).count();
        (count(Relation::Before), count(Relation::After))
    }
}

/// The message an event receives (its arrival at the node or its delivery), if any.
fn received<N: EventTypes>(kind: &EventKind<N>) -> Option<MsgId> {
    match *kind {
        EventKind::Arrive { msg, .. } | EventKind::Deliver { msg, .. } => Some(msg),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
