//! Comparing two runs: the first trace event at which they differ.
//!
//! Two runs of one story, with one change between them (a switch, a parameter, the seed,
//! the person's actions), share their trace up to some event and differ from there on.
//! [`first_divergence`] finds that event by comparing the traces' one-line texts (the
//! text the fingerprint hashes, so two runs have no divergence exactly when their whole
//! texts are equal) and says in one sentence what each run did there.

use std::fmt::Write;

use crate::sim::run::{Engine, EventInfo};

/// A trace as the comparison reads it: its length, each event's one-line text, and an
/// event as plain data (read only where the traces part).
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
}

impl Trail for [EventInfo] {
    fn len(&self) -> usize {
        <[EventInfo]>::len(self)
    }
    fn line(&self, index: usize) -> String {
        self.get(index).map(|e| e.text.clone()).unwrap_or_default()
    }
    fn event(&self, index: usize) -> Option<EventInfo> {
        self.get(index).cloned()
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
    let shared = a.len().min(b.len());
    let index = (0..shared)
        .find(|&i| a.line(i) != b.line(i))
        .or((a.len() != b.len()).then_some(shared))?;
    let (ea, eb) = (a.event(index), b.event(index));
    let sentence = sentence(index, ea.as_ref(), eb.as_ref());
    Some(Divergence {
        index,
        a: ea,
        b: eb,
        sentence,
    })
}

/// "event 412 at 35.200ms: run A: s2 delivered #7 ack 3 from c1; run B: s2 dropped #7".
fn sentence(index: usize, a: Option<&EventInfo>, b: Option<&EventInfo>) -> String {
    let same_time = match (a, b) {
        (Some(a), Some(b)) => (a.time == b.time).then_some(a.time),
        (one, other) => one.or(other).map(|e| e.time),
    };
    let mut out = format!("event {index}");
    if let Some(time) = same_time {
        let _ = write!(out, " at {time}");
    }
    for (run, event) in [("A", a), ("B", b)] {
        let _ = write!(out, "{}run {run}: ", if run == "A" { ": " } else { "; " });
        let Some(e) = event else {
            out.push_str("has ended");
            continue;
        };
        if same_time.is_none() {
            let _ = write!(out, "at {}, ", e.time);
        }
        if e.node.is_some() {
            // The lane's name is the line's second word (after the time).
            let lane = e.text.split_whitespace().nth(1).unwrap_or("");
            let _ = write!(out, "{lane} ");
        }
        out.push_str(&e.label);
    }
    out
}

#[cfg(test)]
mod tests;
