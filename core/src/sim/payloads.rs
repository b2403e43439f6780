//! The typed half of a trace: every message's record with its payload, every timer that
//! fired and every note, in the pattern's own types.
//!
//! The trace's events are the same type for every pattern ([`TraceEvent<Slots>`]): a
//! message event names its [`MsgId`], a timer or note event the index of its value here.
//! The engine reaches this log through the object-safe [`PayloadLog`], so its code is
//! compiled once; only [`Payloads<N>`] and the pattern's side of the state
//! (`state::typed`) are compiled per pattern.
//!
//! [`TraceEvent<Slots>`]: super::trace::TraceEvent

use std::any::Any;
use std::fmt;

use super::node::Node;
use super::trace::{MessageRecord, MsgId};

/// A message's record without its payload: sender, receiver, send time, duplicate of,
/// cause.
pub type Envelope = MessageRecord<()>;

/// The typed log as the engine sees it, whatever the pattern.
pub trait PayloadLog {
    /// The log as `Any`, for the pattern's side to read it in its own types.
    fn as_any(&self) -> &dyn Any;
    /// The log as `Any`, for the pattern's side to append to it.
    fn as_any_mut(&mut self) -> &mut dyn Any;
    /// Messages recorded.
    fn messages(&self) -> usize;
    /// Message `msg`'s record without its payload.
    fn envelope(&self, msg: MsgId) -> Option<Envelope>;
    /// Message `msg`'s payload, for its text.
    fn payload(&self, msg: MsgId) -> Option<&dyn fmt::Display>;
    /// Message `msg`'s label for a diagram arrow (`Node::short_label`).
    fn short_label(&self, msg: MsgId) -> Option<String>;
    /// The timer of timer event `slot`, for its text.
    fn timer(&self, slot: u32) -> Option<&dyn fmt::Display>;
    /// The note of note event `slot`, for its text.
    fn note(&self, slot: u32) -> Option<&dyn fmt::Display>;
    /// The note of note event `slot` as a diagram label, and whether it is minor.
    fn note_label(&self, slot: u32) -> Option<(String, bool)>;
    /// Forgets every message, timer and note from the given counts on.
    fn truncate(&mut self, messages: usize, timers: usize, notes: usize);
    /// Bytes held for the recorded values, and bytes allocated: `(used, allocated)`.
    fn bytes(&self) -> (usize, usize);
}

/// The typed log of a pattern whose nodes are `N`.
pub struct Payloads<N: Node> {
    /// Every message ever sent, indexed by [`MsgId`].
    pub messages: Vec<MessageRecord<N::Msg>>,
    /// Every timer that fired, indexed by its event's slot.
    pub timers: Vec<N::Timer>,
    /// Every note recorded, indexed by its event's slot.
    pub notes: Vec<N::Note>,
}

impl<N: Node> Default for Payloads<N> {
    fn default() -> Self {
        Payloads {
            messages: Vec::new(),
            timers: Vec::new(),
            notes: Vec::new(),
        }
    }
}

impl<N: Node> Payloads<N> {
    /// Message `msg`'s record.
    pub fn record(&self, msg: MsgId) -> Option<&MessageRecord<N::Msg>> {
        self.messages.get(msg.0 as usize)
    }
}

impl<N: Node> PayloadLog for Payloads<N> {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
    fn messages(&self) -> usize {
        self.messages.len()
    }
    fn envelope(&self, msg: MsgId) -> Option<Envelope> {
        self.record(msg).map(|r| MessageRecord {
            from: r.from,
            to: r.to,
            sent_at: r.sent_at,
            copy_of: r.copy_of,
            cause: r.cause,
            payload: (),
        })
    }
    fn payload(&self, msg: MsgId) -> Option<&dyn fmt::Display> {
        self.record(msg).map(|r| &r.payload as _)
    }
    fn short_label(&self, msg: MsgId) -> Option<String> {
        self.record(msg).map(|r| N::short_label(&r.payload))
    }
    fn timer(&self, slot: u32) -> Option<&dyn fmt::Display> {
        self.timers.get(slot as usize).map(|t| t as _)
    }
    fn note(&self, slot: u32) -> Option<&dyn fmt::Display> {
        self.notes.get(slot as usize).map(|n| n as _)
    }
    fn note_label(&self, slot: u32) -> Option<(String, bool)> {
        let note = self.notes.get(slot as usize)?;
        Some((N::note_label(note), N::note_is_minor(note)))
    }
    fn truncate(&mut self, messages: usize, timers: usize, notes: usize) {
        self.messages.truncate(messages);
        self.timers.truncate(timers);
        self.notes.truncate(notes);
    }
    fn bytes(&self) -> (usize, usize) {
        use std::mem::size_of;
        let (m, t, n) = (
            size_of::<MessageRecord<N::Msg>>(),
            size_of::<N::Timer>(),
            size_of::<N::Note>(),
        );
        (
            self.messages.len() * m + self.timers.len() * t + self.notes.len() * n,
            self.messages.capacity() * m + self.timers.capacity() * t + self.notes.capacity() * n,
        )
    }
}

/// The log as a step sees it: appended to while exploring, read-only while a seek replays
/// steps that are already recorded.
pub(crate) enum LogRef<'a> {
    /// Exploring: what the step sends, fires and notes is appended.
    Record(&'a mut dyn PayloadLog),
    /// Replaying: everything is already recorded.
    Shadow(&'a dyn PayloadLog),
}

impl LogRef<'_> {
    /// The log, for reading.
    pub(crate) fn read(&self) -> &dyn PayloadLog {
        match self {
            LogRef::Record(log) => &**log,
            LogRef::Shadow(log) => *log,
        }
    }

    /// The log in `N`'s types, when recording.
    pub(crate) fn typed_mut<N: Node>(&mut self) -> Option<&mut Payloads<N>> {
        match self {
            LogRef::Record(log) => log.as_any_mut().downcast_mut(),
            LogRef::Shadow(_) => None,
        }
    }
}

/// The log in `N`'s types.
pub(crate) fn typed<N: Node>(log: &dyn PayloadLog) -> Option<&Payloads<N>> {
    log.as_any().downcast_ref()
}
