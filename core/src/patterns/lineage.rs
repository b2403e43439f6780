//! A lineage graph as a [`Table`]: one row per partition of each dataset, datasets in
//! the order they derive from each other, each with how it depends on the one before
//! (narrow: partition `p` from the parent's partition `p`; wide: from every parent
//! partition), its state and where it is. The page draws a table with exactly
//! [`COLUMNS`] as the graph (partitions as boxes, narrow and wide edges, lost ones
//! marked, recomputed ones highlighted) instead of as rows.

use crate::sim::snapshot::{Table, TableRow};

/// The columns that make a table a lineage graph, in order.
pub const COLUMNS: [&str; 6] = [
    "dataset",
    "partition",
    "dependency",
    "state",
    "where",
    "checkpointed",
];

/// A partition's state, as the graph colours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// On stable storage (the input).
    Stable,
    /// Computed and held (cached in memory, or a shuffle output on disk).
    Held,
    /// Computed again after it was lost, and held.
    Recomputed,
    /// Held once, lost with its node, not yet computed again.
    Lost,
    /// Not computed yet.
    Missing,
}

impl State {
    /// The word the table and the graph use.
    pub fn word(self) -> &'static str {
        match self {
            State::Stable => "stable",
            State::Held => "held",
            State::Recomputed => "recomputed",
            State::Lost => "lost",
            State::Missing => "missing",
        }
    }
}

/// One dataset of the graph.
pub struct Dataset<'a> {
    /// Its name.
    pub name: &'a str,
    /// "narrow", "wide", or "" for the input.
    pub dependency: &'static str,
    /// Per partition: its state, where it is (a node's name, or ""), and whether it is
    /// on a checkpoint.
    pub parts: Vec<(State, &'a str, bool)>,
}

/// A lineage graph titled `title`, read as `caption` says.
pub fn table(title: &str, caption: &str, datasets: &[Dataset<'_>]) -> Table {
    let mut rows = Vec::new();
    for d in datasets {
        for (p, &(state, at, checkpointed)) in d.parts.iter().enumerate() {
            rows.push(TableRow {
                cells: vec![
                    d.name.to_string(),
                    p.to_string(),
                    d.dependency.to_string(),
                    state.word().to_string(),
                    at.to_string(),
                    if checkpointed { "yes" } else { "" }.to_string(),
                ],
                marks: Vec::new(),
            });
        }
    }
    Table {
        title: title.to_string(),
        caption: caption.to_string(),
        columns: COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}
