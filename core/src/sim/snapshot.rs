//! Plain-data pictures of a run at one instant, for a UI to draw.
//!
//! A snapshot owns strings and numbers only, so a view can keep it, compare it and render
//! it without knowing any pattern's types.

use super::clock::WallTime;
use super::network::LinkConfig;
use super::node::{NodeId, NodeStatus};
use super::plot::Plot;
use super::time::SimTime;
use super::trace::MsgId;

/// One node at the snapshot's instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSnapshot {
    /// Its id.
    pub id: NodeId,
    /// Its name, e.g. `s1`.
    pub name: String,
    /// Its role, e.g. `server`.
    pub role: &'static str,
    /// Up, crashed or paused.
    pub status: NodeStatus,
    /// Its wall clock's reading.
    pub wall_clock: WallTime,
    /// Its wall clock's offset from virtual time, in microseconds.
    pub skew_us: i64,
    /// Its wall clock's drift, in parts per million.
    pub drift_ppm: i64,
    /// The key value drawn on the node (its clock, its generation …).
    pub headline: String,
    /// Further named fields for an inspector.
    pub fields: Vec<(&'static str, String)>,
    /// Messages its workers are serving (work that takes time).
    pub busy: u32,
    /// Messages waiting in its queue.
    pub queued: u32,
    /// Its pending timers, the soonest first.
    pub timers: Vec<TimerSnapshot>,
}

impl NodeSnapshot {
    /// What is wrong with the node though it may be up, if anything: its
    /// [`TROUBLE`](super::node::TROUBLE) field.
    pub fn trouble(&self) -> Option<&str> {
        self.fields
            .iter()
            .find(|(name, _)| *name == super::node::TROUBLE)
            .map(|(_, text)| text.as_str())
    }
}

/// A pending timer: what it is, when it was set and when it fires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimerSnapshot {
    /// The timer, as its pattern writes it (`election timeout`).
    pub label: String,
    /// When it was set.
    pub set_at: SimTime,
    /// When it fires (later, if its node is paused then).
    pub due_at: SimTime,
}

impl TimerSnapshot {
    /// Orders a node's pending timers by when they fire (earliest first; equal times keep
    /// the order they were set in). One copy of the sort for every pattern.
    pub(crate) fn by_due(timers: &mut [TimerSnapshot]) {
        timers.sort_by_key(|t| t.due_at);
    }
}

/// A message in flight at the snapshot's instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlightSnapshot {
    /// Its id.
    pub id: MsgId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// The payload as text.
    pub label: String,
    /// When it was sent.
    pub sent_at: SimTime,
    /// When it is due (for a held message: when it was due before it was held).
    pub due_at: SimTime,
    /// How far along it is, in thousandths (0 at send, 1000 at arrival).
    pub progress_permille: u16,
    /// Whether a person is holding it.
    pub held: bool,
}

/// A whole run at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The instant shown.
    pub time: SimTime,
    /// How many steps had happened by then.
    pub steps: usize,
    /// How many trace events had been recorded by then.
    pub events: usize,
    /// Every node, in id order.
    pub nodes: Vec<NodeSnapshot>,
    /// Every message in flight, in send order.
    pub in_flight: Vec<FlightSnapshot>,
    /// Every directed link cut by a partition.
    pub cut_links: Vec<(NodeId, NodeId)>,
    /// Run-wide facts from the pattern's checker (label, text).
    pub facts: Vec<(&'static str, String)>,
    /// How links without their own setting behave.
    pub link: LinkConfig,
    /// Small tables the pattern's checker draws for this instant (e.g. a replay order).
    pub tables: Vec<Table>,
    /// Small pictures the pattern's checker draws for this instant (e.g. a hash ring).
    pub plots: Vec<Plot>,
}

/// A small table a pattern provides for one instant, for a UI to draw as it is: a
/// title, how to read it, column headings and rows, some of them marked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// What the table shows, e.g. "Replay order".
    pub title: String,
    /// One or two sentences on how to read it.
    pub caption: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// The rows, in display order; each has one cell per column.
    pub rows: Vec<TableRow>,
}

/// One row of a [`Table`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow {
    /// One text per column.
    pub cells: Vec<String>,
    /// Where this row disagrees with an order or a property, most serious first.
    pub marks: Vec<Mark>,
}

/// Why a table row stands out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// How serious it is.
    pub kind: MarkKind,
    /// What exactly disagrees, naming the rows involved.
    pub text: String,
}

/// How serious a [`Mark`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkKind {
    /// The row breaks one of the pattern's guarantees.
    Breaks,
    /// The row shows where a naive approach (a contrast property) goes wrong.
    Contrast,
    /// The row sits differently in another order, harmlessly.
    Differs,
}

/// Progress of a message in thousandths at `now`, given when it was sent and is due.
pub fn progress_permille(sent_at: SimTime, due_at: SimTime, now: SimTime) -> u16 {
    let span = due_at.0.saturating_sub(sent_at.0);
    if span == 0 || now >= due_at {
        return 1000;
    }
    let done = now.0.saturating_sub(sent_at.0);
    (u128::from(done) * 1000 / u128::from(span)) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_runs_from_zero_to_a_thousand() {
        let (sent, due) = (SimTime(1_000), SimTime(3_000));
        assert_eq!(progress_permille(sent, due, SimTime(1_000)), 0);
        assert_eq!(progress_permille(sent, due, SimTime(2_000)), 500);
        assert_eq!(progress_permille(sent, due, SimTime(9_000)), 1000);
        assert_eq!(progress_permille(sent, sent, sent), 1000);
    }
}
