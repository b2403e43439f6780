//! A timeline as a [`Table`]: one row per span of work on a lane (a task attempt on a
//! worker, a partition computed on a node), with when it started, when it ended (empty
//! while it runs), its phase, which copy it is and how it ended. The page draws a table
//! with exactly [`COLUMNS`] as a chart (a row per lane, a bar per span, time across)
//! instead of as rows; the data processing family's checkers build theirs from the trace.

use crate::sim::snapshot::{Table, TableRow};
use crate::sim::time::SimTime;

/// The columns that make a table a timeline, in order.
pub const COLUMNS: [&str; 7] = [
    "lane", "work", "from µs", "to µs", "phase", "copy", "outcome",
];

/// One span of work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span<'a> {
    /// The lane (a node's name).
    pub lane: &'a str,
    /// What it did, as the bar's label writes it, e.g. "map 3 #2".
    pub work: String,
    /// When it started.
    pub from: SimTime,
    /// When it ended, if it has.
    pub to: Option<SimTime>,
    /// Its phase, e.g. "map" (the bar's colour).
    pub phase: &'static str,
    /// Which copy: "first", "re-run" or "backup" (the bar's outline).
    pub copy: &'static str,
    /// How it ended: "finished", "killed", "discarded", "replaced", or "running".
    pub outcome: &'static str,
}

/// A timeline titled `title`, read as `caption` says, of `spans`.
pub fn table<'a>(title: &str, caption: &str, spans: impl Iterator<Item = Span<'a>>) -> Table {
    let rows = spans
        .map(|s| {
            let to = s.to.map_or(String::new(), |t| t.0.to_string());
            TableRow {
                cells: vec![
                    s.lane.to_string(),
                    s.work,
                    s.from.0.to_string(),
                    to,
                    s.phase.to_string(),
                    s.copy.to_string(),
                    s.outcome.to_string(),
                ],
                marks: Vec::new(),
            }
        })
        .collect();
    Table {
        title: title.to_string(),
        caption: caption.to_string(),
        columns: COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}
