//! The first breach of each property, kept until the engine takes it (the engine keeps
//! only the first, so a later one is not even formatted), with the node names a detail
//! quotes: shared by the checkers of the Services family.

use crate::sim::checker::Breach;
use crate::sim::node::NodeId;

/// Breaches found since the engine last took them, at most one per property.
#[derive(Clone, Debug)]
pub struct FirstBreaches {
    names: Vec<String>,
    /// One bit per property reported.
    reported: u64,
    found: Vec<Breach>,
}

impl FirstBreaches {
    /// None yet, for nodes named `names`.
    pub fn new(names: &[String]) -> FirstBreaches {
        FirstBreaches {
            names: names.to_vec(),
            reported: 0,
            found: Vec::new(),
        }
    }

    /// A node's name.
    pub fn name(&self, node: NodeId) -> &str {
        self.names.get(node.index()).map_or("?", String::as_str)
    }

    /// A breach of `property` (below 64) at `event`, unless one was reported: `detail`
    /// is only formatted for the first.
    pub fn report(&mut self, property: usize, event: usize, detail: impl FnOnce(&Self) -> String) {
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

    /// Hands the breaches found since the last call to the engine.
    pub fn take(&mut self, out: &mut Vec<Breach>) {
        out.append(&mut self.found);
    }
}
