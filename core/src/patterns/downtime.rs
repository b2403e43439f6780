//! Since when each node has been down (crashed, paused or out of the run), from the
//! statuses the engine shows a checker after each step: the ground truth the Services
//! family's "no request to a dead instance" guarantees are checked against.

use crate::sim::checker::World;
use crate::sim::node::{NodeId, NodeStatus};
use crate::sim::time::SimTime;

/// For each node, since when it has not been up.
#[derive(Clone, Debug)]
pub struct Downtime {
    since: Vec<Option<SimTime>>,
}

impl Downtime {
    /// Every one of `nodes` nodes up.
    pub fn new(nodes: usize) -> Downtime {
        Downtime {
            since: vec![None; nodes],
        }
    }

    /// Since when `node` has been down, if it is.
    pub fn since(&self, node: NodeId) -> Option<SimTime> {
        self.since.get(node.index()).copied().flatten()
    }

    /// Takes the statuses after a step.
    pub fn update(&mut self, world: &World<'_>) {
        for (since, status) in self.since.iter_mut().zip(world.status) {
            match status {
                NodeStatus::Up => *since = None,
                _ => {
                    since.get_or_insert(world.now);
                }
            }
        }
    }
}
