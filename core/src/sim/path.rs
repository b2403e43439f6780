//! A request's path: the messages caused, one by another, from the first send.
//!
//! Every message records the trace event whose handler sent it ([`MessageRecord::cause`]).
//! When that event is a delivery, the delivered message is the new one's *parent*: a
//! client's request delivered at a gateway causes the gateway's forward, which causes the
//! instance's query to its database, and the answers come back the same way. A path
//! walks up to the root (a message sent by a timer, a start or an action) and collects
//! every message descended from it. A node that parks a request and answers it from a
//! timer starts a new path there: the simulation cannot know which waiting request the
//! timer serves (work that takes time is modelled by `Node::service`, which keeps the path).

use std::collections::BTreeSet;

use super::node::NodeId;
use super::time::SimTime;
use super::trace::{EventKind, MsgId, Trace};

/// One message of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    /// The message.
    pub msg: MsgId,
    /// The message whose delivery caused it (`None` for the root).
    pub parent: Option<MsgId>,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When it was sent.
    pub sent_at: SimTime,
    /// When it was delivered (handled) or dropped, and whether it was delivered.
    pub end: Option<(SimTime, bool)>,
}

/// A request's whole path, in send order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    /// Every message, the root first.
    pub hops: Vec<Hop>,
}

impl Path {
    /// When the root was sent.
    pub fn start(&self) -> SimTime {
        self.hops.first().map_or(SimTime::ZERO, |h| h.sent_at)
    }

    /// When the last message of the path was delivered (its end-to-end end), if any was.
    pub fn end(&self) -> Option<SimTime> {
        self.hops
            .iter()
            .filter_map(|h| h.end.filter(|e| e.1).map(|e| e.0))
            .max()
    }

    /// End-to-end time, from the root's send to the last delivery.
    pub fn latency(&self) -> Option<u64> {
        Some(self.end()?.as_micros() - self.start().as_micros())
    }
}

impl Trace {
    /// When `msg` reached its node to wait for a worker (its `Arrive` event), if it did:
    /// read backwards from its delivery (or the trace's end) to its send.
    pub fn arrival(&self, msg: MsgId) -> Option<SimTime> {
        let record = self.message(msg)?;
        let last = self.ends.get(msg.0 as usize).copied().flatten();
        let last = last.map_or(self.events.len(), |i| i as usize);
        self.events[..last]
            .iter()
            .rev()
            .take_while(|e| e.time >= record.sent_at)
            .find(|e| matches!(e.kind, EventKind::Arrive { msg: m, .. } if m == msg))
            .map(|e| e.time)
    }

    /// The message event `index` is about (a send, arrival, delivery or drop), if any.
    pub fn event_msg(&self, index: usize) -> Option<MsgId> {
        match self.events.get(index)?.kind {
            EventKind::Send { msg, .. }
            | EventKind::Arrive { msg, .. }
            | EventKind::Deliver { msg, .. }
            | EventKind::Dropped { msg, .. } => Some(msg),
            _ => None,
        }
    }

    /// The message whose delivery caused `msg`, if a delivery did.
    pub fn parent(&self, msg: MsgId) -> Option<MsgId> {
        let cause = self.message(msg)?.cause?;
        match self.events.get(cause as usize)?.kind {
            EventKind::Deliver { msg: parent, .. } => Some(parent),
            _ => None,
        }
    }

    /// The path `msg` belongs to: its root and everything descended from the root.
    pub fn path(&self, msg: MsgId) -> Option<Path> {
        self.message(msg)?;
        let mut root = msg;
        while let Some(parent) = self.parent(root) {
            root = parent;
        }
        let mut members = BTreeSet::from([root]);
        let mut hops = vec![self.hop(root, None)?];
        // A descendant is sent when a member is delivered, so the scan stops at the
        // first message sent after every member's delivery.
        let mut until = hops[0].end.map_or(hops[0].sent_at, |e| e.0);
        for index in root.0 + 1..self.message_count() as u32 {
            let id = MsgId(index);
            if self.message(id).is_none_or(|m| m.sent_at > until) {
                break;
            }
            let Some(parent) = self.parent(id).filter(|p| members.contains(p)) else {
                continue;
            };
            members.insert(id);
            let Some(hop) = self.hop(id, Some(parent)) else {
                continue;
            };
            until = until.max(hop.end.map_or(hop.sent_at, |e| e.0));
            hops.push(hop);
        }
        Some(Path { hops })
    }

    fn hop(&self, msg: MsgId, parent: Option<MsgId>) -> Option<Hop> {
        let record = self.message(msg)?;
        Some(Hop {
            msg,
            parent,
            from: record.from,
            to: record.to,
            sent_at: record.sent_at,
            end: self
                .end_of(msg)
                .map(|e| (e.time, matches!(e.kind, EventKind::Deliver { .. }))),
        })
    }
}
