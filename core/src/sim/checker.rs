//! Named invariants, checked after every step.
//!
//! A pattern states its properties as full sentences ([`Property`]) and supplies a
//! [`Checker`]: a small observer that sees every trace event as it is appended (so it can
//! compute happened-before from real sends and deliveries, not from the pattern's own
//! timestamps) and, after each step, reports any property the step broke. The engine keeps
//! the first violation of each property with the event that broke it.

use super::clock::{WallClock, WallTime};
use super::metrics::Measure;
use super::node::{Node, NodeStatus};
use super::plot::Plot;
use super::snapshot::Table;
use super::time::SimTime;
use super::trace::{MessageRecord, TraceEvent};

/// Whether a property is promised by the pattern or shown only for contrast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropertyKind {
    /// The pattern guarantees it while its mechanism is on; seed sweeps assert it.
    Guarantee,
    /// What a naive approach would need; shown to break, to teach why the pattern exists.
    Contrast,
}

/// A named property of a pattern, stated as a full sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Property {
    /// Short stable id, e.g. `hb-respects-ts`.
    pub id: &'static str,
    /// The property as a sentence a newcomer can read.
    pub sentence: &'static str,
    /// Guarantee or contrast.
    pub kind: PropertyKind,
}

/// A property broken by the latest step, as reported by a checker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breach {
    /// Index of the property in the pattern's list.
    pub property: usize,
    /// The trace event that broke it, when the checker knows it precisely.
    pub event: Option<usize>,
    /// What exactly went wrong, naming the events involved.
    pub detail: String,
}

/// The first violation of a property in a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The trace event that broke the property.
    pub event: usize,
    /// The step that event belongs to.
    pub step: usize,
    /// The step after which the checker noticed (at or after `step`).
    pub detected_step: usize,
    /// When the breaking event happened.
    pub time: SimTime,
    /// What exactly went wrong.
    pub detail: String,
}

/// What a checker may see of the world besides the nodes: the time, every node's status
/// and every node's wall clock.
pub struct World<'a> {
    /// Virtual time of the latest step.
    pub now: SimTime,
    /// Every node's status, in id order.
    pub status: &'a [NodeStatus],
    /// Every node's wall clock, in id order.
    pub clocks: &'a [WallClock],
}

impl World<'_> {
    /// What the fastest wall clock reads now.
    pub fn fastest_wall_clock(&self) -> WallTime {
        self.clocks
            .iter()
            .map(|c| c.read(self.now))
            .max()
            .unwrap_or_default()
    }
}

/// A pattern's invariant checker. It is part of the simulation state, so checkpoints
/// clone it and seeking replays it along with the nodes.
pub trait Checker<N: Node>: Clone + 'static {
    /// The properties this checker reports on, in index order.
    fn properties(&self) -> &'static [Property];
    /// Sees one trace event, with its index and, for message events, the message's record
    /// (payload, and whether it is a network duplicate), as it is appended.
    fn observe(&mut self, index: usize, event: &TraceEvent<N>, msg: Option<&MessageRecord<N::Msg>>);
    /// After a step: pushes a [`Breach`] for every property the step broke.
    fn check(&mut self, nodes: &[N], world: &World<'_>, breaches: &mut Vec<Breach>);
    /// Answers a pattern-specific question about this instant (e.g. "read as of t"), as
    /// label and text pairs; the pattern's [`QuerySpec`](super::scenario::QuerySpec) says
    /// what input it takes.
    fn query(&self, _nodes: &[N], _input: &str) -> Result<Vec<(String, String)>, String> {
        Err("this pattern answers no questions".to_string())
    }
    /// Run-wide facts worth showing at this instant (e.g. two replay orders), as
    /// label and text pairs. None by default.
    fn facts(&self, _nodes: &[N]) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// After a step: pushes measurements of the pattern's metrics computed from the
    /// trace (ground truth, e.g. a request's end-to-end latency). None by default.
    fn measure(&mut self, _out: &mut Vec<Measure>) {}
    /// Small tables worth showing at this instant (e.g. each server's store and the
    /// replay order), drawn near the stage. None by default.
    fn tables(&self, _nodes: &[N]) -> Vec<Table> {
        Vec::new()
    }
    /// Small pictures worth showing at this instant (e.g. a hash ring with its keys),
    /// drawn near the stage. None by default.
    fn plots(&self, _nodes: &[N]) -> Vec<Plot> {
        Vec::new()
    }
}

/// What a checker reports after a step, with every one of `nodes` nodes up and no node
/// state to look at: for checkers' unit tests, which feed hand-built trace events.
#[cfg(test)]
pub(crate) fn breaches_after_step<N: Node, C: Checker<N>>(
    checker: &mut C,
    nodes: usize,
) -> Vec<Breach> {
    let status = vec![NodeStatus::Up; nodes];
    let clocks = vec![WallClock::new(0, 0); nodes];
    let world = World {
        now: SimTime(0),
        status: &status,
        clocks: &clocks,
    };
    let mut out = Vec::new();
    checker.check(&[], &world, &mut out);
    out
}
