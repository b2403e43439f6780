//! For checkers' unit tests: a trace built by hand, one event per call, fed to a checker
//! as the engine would (each message event with its record). Any pattern's tests can use
//! it instead of writing their own builder.

use std::marker::PhantomData;

use crate::sim::checker::Checker;
use crate::sim::node::{Node, NodeId};
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, Fate, MessageRecord, MsgId, TraceEvent};

/// A checker and the events fed to it so far; event `i` happens at `i` µs.
pub(crate) struct TraceBuilder<N: Node, C: Checker<N>> {
    /// The checker under test.
    pub checker: C,
    index: usize,
    node: PhantomData<N>,
}

impl<N: Node, C: Checker<N>> TraceBuilder<N, C> {
    /// An empty trace fed to `checker`.
    pub fn new(checker: C) -> Self {
        TraceBuilder {
            checker,
            index: 0,
            node: PhantomData,
        }
    }

    /// Appends an event on `node`'s lane, with the record of `msg` (from and to `node`:
    /// checkers read those from the event) for a message event.
    pub fn event(&mut self, node: NodeId, kind: EventKind<N>, msg: Option<N::Msg>) {
        let event = TraceEvent {
            time: SimTime(self.index as u64),
            node: Some(node),
            kind,
        };
        let record = msg.map(|payload| MessageRecord {
            from: node,
            to: node,
            sent_at: SimTime(0),
            copy_of: None,
            cause: None,
            payload,
        });
        self.checker.observe(self.index, &event, record.as_ref());
        self.index += 1;
    }

    /// `from` sends `msg` to `to`.
    pub fn send(&mut self, from: NodeId, to: NodeId, msg: N::Msg) {
        let kind = EventKind::Send {
            msg: MsgId(self.index as u32),
            to,
            fate: Fate::Arrives(SimTime(0)),
        };
        self.event(from, kind, Some(msg));
    }

    /// `msg` from `from` reaches `to`'s handler.
    pub fn deliver(&mut self, from: NodeId, to: NodeId, msg: N::Msg) {
        let kind = EventKind::Deliver {
            msg: MsgId(self.index as u32),
            from,
        };
        self.event(to, kind, Some(msg));
    }
}
