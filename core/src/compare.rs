//! Comparing two runs: the first trace event at which they differ, and the first
//! difference in what they lead to.
//!
//! Two runs of one story, with one change between them (a switch, a parameter, the seed,
//! the person's actions), share their trace up to some event and differ from there on.
//! [`first_divergence`] finds that event by comparing the traces' one-line texts (the
//! text the fingerprint hashes, so two runs have no divergence exactly when their whole
//! texts are equal) and says in one sentence, in a learner's words, what each run did
//! there: which node, which message, delivered or dropped, when. A long shared prefix is
//! skipped with the traces' chunk fingerprints ([`equal_prefix`]), computed with the
//! fingerprints in one pass, so only one chunk of each trace is read line by line.
//!
//! That first event is often a dull one (another random delay) far from what matters;
//! [`outcome`] finds the first difference in outcome: the first instant at which a
//! property's verdict or an answer a client got differs between the runs.

use std::fmt::Write;

use crate::sim::node::NodeId;
use crate::sim::run::{Engine, EventInfo, EventTag};
use crate::sim::trace::MsgId;

mod outcome;

pub use outcome::{first_outcome, outcome, outcomes, Answer, Outcome, Outcomes};

/// A trace as the comparison reads it: its length, each event's one-line text, an event
/// as plain data, and the names and payloads its sentence uses.
pub trait Trail {
    /// How many events it holds.
    fn len(&self) -> usize;
    /// Whether it holds no event.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Event `index` as one line of text, with its time and lane.
    fn line(&self, index: usize) -> String;
    /// Event `index` as plain data.
    fn event(&self, index: usize) -> Option<EventInfo>;
    /// A node's name.
    fn name(&self, node: NodeId) -> String;
    /// A message's payload as text.
    fn payload(&self, msg: MsgId) -> Option<String>;
}

impl Trail for dyn Engine + '_ {
    fn len(&self) -> usize {
        self.trace_len()
    }
    fn line(&self, index: usize) -> String {
        self.trace_line(index)
    }
    fn event(&self, index: usize) -> Option<EventInfo> {
        Engine::event(self, index)
    }
    fn name(&self, node: NodeId) -> String {
        self.ref_names()
            .get(node.index())
            .map_or_else(|| "?".to_string(), String::clone)
    }
    fn payload(&self, msg: MsgId) -> Option<String> {
        self.message(msg).map(|m| m.label)
    }
}

/// Where two traces part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// The first event index at which they differ (or at which the shorter one ended).
    pub index: usize,
    /// Run A's event there, if it has one.
    pub a: Option<EventInfo>,
    /// Run B's event there, if it has one.
    pub b: Option<EventInfo>,
    /// One sentence saying what differs.
    pub sentence: String,
}

/// The first event at which traces `a` and `b` differ, or `None` when they are equal
/// (same length, same text line by line).
pub fn first_divergence(
    a: &(impl Trail + ?Sized),
    b: &(impl Trail + ?Sized),
) -> Option<Divergence> {
    first_divergence_from(a, b, 0)
}

/// [`first_divergence`] of two traces known to agree on their first `start` events
/// (see [`equal_prefix`]): only the lines from `start` on are read.
pub fn first_divergence_from(
    a: &(impl Trail + ?Sized),
    b: &(impl Trail + ?Sized),
    start: usize,
) -> Option<Divergence> {
    let shared = a.len().min(b.len());
    let index = (start.min(shared)..shared)
        .find(|&i| a.line(i) != b.line(i))
        .or((a.len() != b.len()).then_some(shared))?;
    let (ea, eb) = (a.event(index), b.event(index));
    let sentence = sentence(index, a, ea.as_ref(), b, eb.as_ref());
    Some(Divergence {
        index,
        a: ea,
        b: eb,
        sentence,
    })
}

/// How many leading events two traces surely share, from their fingerprints of each
/// `chunk` lines (`Engine::trace_fingerprints`): every event before the first chunk whose
/// fingerprints differ (or that one of them lacks).
pub fn equal_prefix(chunk: usize, a: &[u64], b: &[u64]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count() * chunk
}

/// "At 35.200ms (event 412), s2 receives message #7 (ack 3) from c1 in run A; in run B,
/// message #7 (ack 3) to s2 is dropped (the receiver is down)."
fn sentence(
    index: usize,
    ta: &(impl Trail + ?Sized),
    a: Option<&EventInfo>,
    tb: &(impl Trail + ?Sized),
    b: Option<&EventInfo>,
) -> String {
    let (a, b) = match (a, b) {
        (Some(a), Some(b)) => (a, b),
        (Some(e), None) => return ended(index, "B", "A", e, &words(ta, e)),
        (None, Some(e)) => return ended(index, "A", "B", e, &words(tb, e)),
        (None, None) => return format!("event {index}"),
    };
    let (wa, wb) = (words(ta, a), words(tb, b));
    // The same send with another delay: what a learner sees is the arrival time.
    if a.time == b.time && a.tag == EventTag::Send && b.tag == EventTag::Send {
        if let (Some(x), Some(y)) = (a.arrives, b.arrives) {
            let sent = a.label.split("; ").next();
            if a.node == b.node && a.msg == b.msg && sent == b.label.split("; ").next() {
                let what = wa.split(", arriving").next().unwrap_or(&wa);
                return format!(
                    "At {} (event {index}), {what}: it arrives at {x} in run A, at {y} in run B (another network delay).",
                    a.time
                );
            }
        }
    }
    if a.time != b.time && a.node == b.node && a.label == b.label {
        return format!(
            "Event {index} is the same in both runs but comes at another time: {wa}, at {} in run A and at {} in run B.",
            a.time, b.time
        );
    }
    if a.time == b.time {
        format!(
            "At {} (event {index}), in run A {wa}; in run B {wb}.",
            a.time
        )
    } else {
        format!(
            "At event {index}, in run A at {} {wa}; in run B at {} {wb}.",
            a.time, b.time
        )
    }
}

/// "Run B ends after 40 events; run A goes on: at 2.000ms (event 40), s1: timer tick."
fn ended(index: usize, ended: &str, goes_on: &str, e: &EventInfo, words: &str) -> String {
    format!(
        "Run {ended} ends after {index} events; run {goes_on} goes on: at {} (event {index}), {words}.",
        e.time
    )
}

/// What event `e` was, in a learner's words: "s2 receives message #7 (ack 3) from c1".
fn words(t: &(impl Trail + ?Sized), e: &EventInfo) -> String {
    let node = e
        .node
        .map_or_else(|| "the network".to_string(), |n| t.name(n));
    let peer = e.peer.map(|p| t.name(p)).unwrap_or_default();
    let message = e.msg.map_or_else(String::new, |m| {
        let mut out = format!("message {m}");
        if let Some(payload) = t.payload(m) {
            let _ = write!(out, " ({payload})");
        }
        out
    });
    // What the label adds in parentheses or after a semicolon: a reason, a queue.
    let aside = |from: &str| {
        e.label
            .rsplit_once(from)
            .map(|(_, r)| r.trim_end_matches(')'))
    };
    match e.tag {
        EventTag::Start => format!("{node} starts"),
        EventTag::Send => match e.arrives {
            Some(t) => format!("{node} sends {message} to {peer}, arriving at {t}"),
            None => format!("{node} sends {message} to {peer}"),
        },
        EventTag::Lost => format!("{node} sends {message} to {peer} and the network loses it"),
        EventTag::Cut => format!("{node} sends {message} to {peer} and a partition cuts it"),
        EventTag::Arrive => match aside("; ") {
            Some(queue) if queue.starts_with("queued") => {
                format!("{message} from {peer} reaches {node}, which is busy: it is {queue}")
            }
            _ => format!("{message} from {peer} reaches {node}, which serves it at once"),
        },
        EventTag::Deliver => format!("{node} receives {message} from {peer}"),
        EventTag::Dropped => match aside(" (") {
            Some(reason) => format!("{message} to {node} is dropped ({reason})"),
            None => format!("{message} to {node} is dropped"),
        },
        EventTag::Retired => format!("{node} leaves the run"),
        EventTag::Action => format!("the action {}", e.label),
        EventTag::Timer | EventTag::Note => format!("{node}: {}", e.label),
    }
}

#[cfg(test)]
mod tests;
