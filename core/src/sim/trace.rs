//! The append-only trace: every send, delivery, timer, fault and pattern-level event.
//!
//! Events are small fixed-size records; message payloads live once in a message log
//! indexed by [`MsgId`], so a delivery does not copy its payload. Each event has a
//! one-line text form ([`Trace::line`]) that golden tests compare. Steps group events: one
//! step (a delivery, a timer, a start or an action) appends one or more events, and
//! `step_ends` says where each step's events end, which is how a cursor moves by step.
//!
//! The trace is the same type for every pattern: its events are `TraceEvent<Slots>`, whose
//! timer and note events hold the index of their value in the typed log
//! ([`PayloadLog`], see `payloads.rs`), which also holds every message's record. A
//! checker sees each event in its pattern's types, `TraceEvent<N>`, as it is appended.
//!
//! Memory: an event is `size_of::<TraceEvent<Slots>>()` bytes (40; a test pins it), a
//! step adds 4 bytes, and a message adds its record once.

use std::fmt;

use super::action::Action;
use super::node::{Node, NodeId};
use super::payloads::{Envelope, PayloadLog};
use super::time::SimTime;

mod text;

pub use text::fingerprint;
pub(crate) use text::{write_description, write_line, Parts};
use text::{write_message, write_msg_id, Fnv1a};

/// A message's index in the run's message log, in send order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MsgId(pub u32);

impl fmt::Display for MsgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_msg_id(f, *self)
    }
}

/// What became of a message when it was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// It will arrive at this instant (unless held, delayed or dropped later).
    Arrives(SimTime),
    /// The network lost it.
    Lost,
    /// A partition cut it.
    Cut,
}

/// Why a message in flight never reached its node's handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// The receiver was crashed when it arrived.
    ReceiverDown,
    /// A person dropped it.
    ByUser,
    /// It arrived at a full queue.
    QueueFull,
    /// The receiver was not a member of the run (not yet added, or retired).
    NotMember,
}

/// The types a trace event's timers and notes have: a pattern's own (every [`Node`]), or
/// [`Slots`], indices into the typed log, in the trace the engine keeps.
pub trait EventTypes {
    /// What a timer event holds.
    type Timer: Clone + fmt::Debug;
    /// What a note event holds.
    type Note: Clone + fmt::Debug;
}

impl<N: Node> EventTypes for N {
    type Timer = N::Timer;
    type Note = N::Note;
}

/// The trace's own event types: a timer or note event holds its value's index in the
/// typed log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slots;

impl EventTypes for Slots {
    type Timer = u32;
    type Note = u32;
}

/// What happened in one trace event.
#[derive(Clone, Debug)]
pub enum EventKind<N: EventTypes> {
    /// The node started (at the beginning of the run or on restart).
    Start,
    /// The node sent a message.
    Send {
        /// The message.
        msg: MsgId,
        /// Its receiver.
        to: NodeId,
        /// Whether and when it arrives.
        fate: Fate,
    },
    /// A message that takes time to handle reached its node: it is served now, or waits.
    Arrive {
        /// The message.
        msg: MsgId,
        /// Its sender.
        from: NodeId,
        /// The queue's length once it joined (0: a worker took it at once).
        queued: u32,
    },
    /// A message reached the node's handler.
    Deliver {
        /// The message.
        msg: MsgId,
        /// Its sender.
        from: NodeId,
    },
    /// A message in flight was dropped before delivery.
    Dropped {
        /// The message.
        msg: MsgId,
        /// Why.
        reason: DropReason,
    },
    /// A timer fired.
    Timer(N::Timer),
    /// The node left the run (it is absent until it joins again).
    Retired,
    /// A person or the scenario's script acted on the run.
    Action(Box<Action<NodeId>>),
    /// A pattern-level event.
    Note(N::Note),
}

/// One trace event: when, on which node's lane (none for network-wide actions), what.
#[derive(Clone, Debug)]
pub struct TraceEvent<N: EventTypes> {
    /// Virtual time of the event.
    pub time: SimTime,
    /// The lane it belongs to; `None` for network-wide actions (partition, heal, links).
    pub node: Option<NodeId>,
    /// What happened.
    pub kind: EventKind<N>,
}

/// A message as it was sent, kept once for the whole run.
#[derive(Clone, Debug)]
pub struct MessageRecord<M> {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When it was sent.
    pub sent_at: SimTime,
    /// The original, when this message is a network duplicate.
    pub copy_of: Option<MsgId>,
    /// The trace event whose handler sent it (a delivery, a timer, a start, an action),
    /// which is how a request's path is followed.
    pub cause: Option<u32>,
    /// The payload.
    pub payload: M,
}

/// The append-only record of a run.
pub struct Trace {
    /// Every event, in order.
    pub events: Vec<TraceEvent<Slots>>,
    /// For each step, the number of events once that step was done.
    pub step_ends: Vec<u32>,
    /// For each message, the event that delivered or dropped it, once one has.
    pub ends: Vec<Option<u32>>,
    /// Every message's record, timer and note, in the pattern's types.
    pub(crate) log: Box<dyn PayloadLog>,
}

impl Trace {
    /// An empty trace over the typed log `log`.
    pub(crate) fn new(log: Box<dyn PayloadLog>) -> Self {
        Trace {
            events: Vec::new(),
            step_ends: Vec::new(),
            ends: Vec::new(),
            log,
        }
    }

    /// The typed log: every message's record, timer and note.
    pub fn log(&self) -> &dyn PayloadLog {
        self.log.as_ref()
    }

    /// Messages sent so far (duplicates included).
    pub fn message_count(&self) -> usize {
        self.log.messages()
    }

    /// Message `msg`'s record without its payload.
    pub fn message(&self, msg: MsgId) -> Option<Envelope> {
        self.log.envelope(msg)
    }

    /// Appends one step's events, noting where messages end.
    pub(crate) fn append_step(&mut self, events: &mut Vec<TraceEvent<Slots>>) {
        self.ends.resize(self.log.messages(), None);
        for event in events.drain(..) {
            let index = self.events.len() as u32;
            if let EventKind::Deliver { msg, .. } | EventKind::Dropped { msg, .. } = event.kind {
                if let Some(end) = self.ends.get_mut(msg.0 as usize) {
                    *end = Some(index);
                }
            }
            self.events.push(event);
        }
        self.step_ends.push(self.events.len() as u32);
    }

    /// Forgets everything after the first `steps` steps and `events` events, and every
    /// message, timer and note from the counts `logged` on.
    pub(crate) fn truncate(&mut self, steps: usize, events: usize, logged: [usize; 3]) {
        let [messages, timers, notes] = logged;
        self.events.truncate(events);
        self.log.truncate(messages, timers, notes);
        self.step_ends.truncate(steps);
        self.ends.truncate(messages);
        for end in &mut self.ends {
            if end.is_some_and(|e| e as usize >= events) {
                *end = None;
            }
        }
    }

    /// The event that delivered or dropped `msg`, if any has.
    pub fn end_of(&self, msg: MsgId) -> Option<&TraceEvent<Slots>> {
        let index = (*self.ends.get(msg.0 as usize)?)?;
        self.events.get(index as usize)
    }

    /// The virtual time of step `step` (0-based), if recorded.
    pub fn step_time(&self, step: usize) -> Option<SimTime> {
        let end = *self.step_ends.get(step)? as usize;
        self.events.get(end.checked_sub(1)?).map(|e| e.time)
    }

    /// How many events the first `steps` steps recorded.
    pub fn events_through(&self, steps: usize) -> usize {
        match steps {
            0 => 0,
            n => self
                .step_ends
                .get(n - 1)
                .or(self.step_ends.last())
                .map_or(0, |&end| end as usize),
        }
    }

    /// How many recorded steps happened at or before `t`.
    pub fn steps_until(&self, t: SimTime) -> usize {
        self.step_ends
            .partition_point(|&end| self.events[end as usize - 1].time <= t)
    }

    /// The indices of the events at or after `from` and before `to`.
    pub fn events_between(&self, from: SimTime, to: SimTime) -> std::ops::Range<usize> {
        let start = self.events.partition_point(|e| e.time < from);
        let end = self.events.partition_point(|e| e.time < to);
        start..end.max(start)
    }

    /// The step that produced event `index`.
    pub fn step_of_event(&self, index: usize) -> usize {
        self.step_ends.partition_point(|&end| end as usize <= index)
    }

    /// Event `index` as one line of text, naming nodes with `names`.
    pub fn line(&self, index: usize, names: &[String]) -> String {
        let mut out = String::new();
        if let Some(event) = self.events.get(index) {
            self.write_line(&mut out, event, names);
        }
        out
    }

    /// The whole trace as text, one event per line.
    pub fn text(&self, names: &[String]) -> String {
        let mut out = String::new();
        self.write_text(&mut out, names);
        out
    }

    /// The fingerprint of [`Trace::text`], hashed line by line as it is written, without
    /// building the whole text.
    pub fn fingerprint(&self, names: &[String]) -> u64 {
        let mut hasher = Fnv1a::default();
        self.write_text(&mut hasher, names);
        hasher.0
    }

    /// [`Trace::fingerprint`] and, from the same pass, the fingerprint of each run of
    /// `chunk` lines (the last one may be shorter): two traces share their first
    /// `k * chunk` lines when their first `k` chunk fingerprints agree (up to a 64-bit
    /// hash collision, as for the fingerprint itself).
    pub fn fingerprints(&self, names: &[String], chunk: usize) -> (u64, Vec<u64>) {
        let mut whole = Fnv1a::default();
        let mut chunks = Vec::new();
        let mut line = String::new();
        for events in self.events.chunks(chunk.max(1)) {
            let mut part = Fnv1a::default();
            for event in events {
                line.clear();
                self.write_line(&mut line, event, names);
                line.push('\n');
                whole.add(&line);
                part.add(&line);
            }
            chunks.push(part.0);
        }
        (whole.0, chunks)
    }

    fn write_text(&self, out: &mut dyn fmt::Write, names: &[String]) {
        for event in &self.events {
            self.write_line(out, event, names);
            let _ = out.write_char('\n');
        }
    }

    /// A one-line description of a message: `#4 c1->s1 write e1 clock=3`.
    pub fn describe_message(&self, msg: MsgId, names: &[String]) -> String {
        let mut out = String::new();
        let record = self.message(msg).zip(self.log.payload(msg));
        let _ = write_message(
            &mut out,
            msg,
            record.map(|(m, payload)| (m.from, m.to, payload)),
            names,
        );
        out
    }

    fn write_line(&self, out: &mut dyn fmt::Write, event: &TraceEvent<Slots>, names: &[String]) {
        write_line(out, event.time, event.node, &self.parts(event), names);
    }

    /// What event `index` was, without its time and lane: `stored a1 at ts=2 …`.
    pub fn describe(&self, index: usize, names: &[String]) -> String {
        let mut out = String::new();
        if let Some(event) = self.events.get(index) {
            let _ = write_description(&mut out, &self.parts(event), names);
        }
        out
    }

    /// The event with the pattern's values behind `dyn Display`, for its text.
    pub(crate) fn parts<'a>(&'a self, event: &'a TraceEvent<Slots>) -> Parts<'a> {
        let log = self.log.as_ref();
        let payload = |msg: MsgId| log.payload(msg);
        match &event.kind {
            EventKind::Start => Parts::Start,
            EventKind::Send { msg, to, fate } => Parts::Send {
                msg: *msg,
                to: *to,
                payload: payload(*msg),
                copy_of: log.envelope(*msg).and_then(|m| m.copy_of),
                fate: *fate,
            },
            EventKind::Deliver { msg, from } => Parts::Deliver {
                msg: *msg,
                from: *from,
                payload: payload(*msg),
            },
            EventKind::Arrive { msg, from, queued } => Parts::Arrive {
                msg: *msg,
                from: *from,
                payload: payload(*msg),
                queued: *queued,
            },
            EventKind::Retired => Parts::Retired,
            EventKind::Dropped { msg, reason } => Parts::Dropped {
                msg: *msg,
                payload: payload(*msg),
                reason: *reason,
            },
            EventKind::Timer(slot) => Parts::Timer(log.timer(*slot)),
            EventKind::Action(action) => Parts::Action(action),
            EventKind::Note(slot) => Parts::Note(log.note(*slot)),
        }
    }
}

/// A message event for checkers' unit tests: message `index` from node `from` to node
/// `to` at `at` µs, sent (`deliver` false, arriving 1 µs later) or delivered, with its
/// record.
#[cfg(test)]
pub(crate) fn message_event<N: Node>(
    index: usize,
    at: u64,
    (from, to): (u32, u32),
    payload: N::Msg,
    deliver: bool,
) -> (TraceEvent<N>, MessageRecord<N::Msg>) {
    let msg = MsgId(index as u32);
    let (node, kind) = if deliver {
        let from = NodeId(from);
        (to, EventKind::Deliver { msg, from })
    } else {
        let fate = Fate::Arrives(SimTime(at + 1));
        let to = NodeId(to);
        (from, EventKind::Send { msg, to, fate })
    };
    let event = TraceEvent {
        time: SimTime(at),
        node: Some(NodeId(node)),
        kind,
    };
    let record = MessageRecord {
        from: NodeId(from),
        to: NodeId(to),
        sent_at: SimTime(at),
        copy_of: None,
        cause: None,
        payload,
    };
    (event, record)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ARCHITECTURE.md and the module's doc quote this figure; keep them in step.
    #[test]
    fn a_trace_event_is_small() {
        assert_eq!(std::mem::size_of::<TraceEvent<Slots>>(), 40);
    }

    #[test]
    fn fingerprint_matches_the_fnv1a_reference() {
        assert_eq!(fingerprint(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fingerprint("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn hashing_in_pieces_equals_hashing_the_whole_text() {
        let mut hasher = Fnv1a::default();
        for piece in ["rec", "v #3 from s1", "\n", "", "µs"] {
            hasher.add(piece);
        }
        assert_eq!(hasher.0, fingerprint("recv #3 from s1\nµs"));
        assert_ne!(hasher.0, fingerprint("recv #3 from s1\nµ"));
    }
}
