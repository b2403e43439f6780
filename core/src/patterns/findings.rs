//! What a checker has found in the latest step: the first breach of each property, with
//! its detail written only then (a switched-off mechanism breaks a property at every
//! request; the engine keeps only the first). Shared by the checkers of the traffic families.

use crate::sim::checker::Breach;
use crate::sim::metrics::Measure;
use crate::sim::node::NodeId;

/// The node names a detail quotes, and the breaches found since the last step.
#[derive(Clone, Debug)]
pub struct Findings {
    names: Vec<String>,
    /// A bit per property already reported.
    reported: u64,
    found: Vec<Breach>,
}

impl Findings {
    /// Findings about nodes named `names`.
    pub fn new(names: &[String]) -> Findings {
        Findings {
            names: names.to_vec(),
            reported: 0,
            found: Vec::new(),
        }
    }

    /// A node's name ("?" for none).
    pub fn name(&self, node: NodeId) -> &str {
        self.names.get(node.index()).map_or("?", String::as_str)
    }

    /// `property` broke at trace event `event`, unless it was reported already; `detail`
    /// writes what went wrong.
    pub fn breach(&mut self, property: usize, event: usize, detail: impl FnOnce(&Self) -> String) {
        let bit = 1 << property;
        if self.reported & bit == 0 {
            self.reported |= bit;
            let detail = detail(self);
            self.found.push(Breach {
                property,
                event: Some(event),
                detail,
            });
        }
    }

    /// Whether `property` was reported already (a checker can skip looking again).
    pub fn reported(&self, property: usize) -> bool {
        self.reported & 1 << property != 0
    }

    /// Hands the breaches found to the engine.
    pub fn drain(&mut self, out: &mut Vec<Breach>) {
        out.append(&mut self.found);
    }
}

/// The breaches `checker` reports at the end of a step at `at` µs, with the nodes'
/// statuses `status` (for checkers' unit tests).
#[cfg(test)]
pub fn breaches_with<N: crate::sim::node::Node, C: crate::sim::checker::Checker<N>>(
    checker: &mut C,
    at: u64,
    status: &[crate::sim::node::NodeStatus],
) -> Vec<Breach> {
    let clocks = vec![crate::sim::clock::WallClock::new(0, 0); status.len()];
    let world = crate::sim::checker::World {
        now: crate::sim::time::SimTime(at),
        status,
        clocks: &clocks,
    };
    let mut out = Vec::new();
    checker.check(&[], &world, &mut out);
    out
}

/// A measurement of a run-wide metric (no node): what a checker counts from the trace.
pub fn run_wide(metric: usize, value: i64) -> Measure {
    Measure {
        metric,
        node: None,
        value,
    }
}
