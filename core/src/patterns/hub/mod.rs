//! # Point to point vs hub and spoke
//!
//! **Problem.** Systems integrated directly each need a link to every partner they talk
//! to, and an adapter for every partner's format: n systems need up to n(n − 1)/2 links,
//! a new system needs a link to each of the others, and a change in one system's format
//! touches every system that reads it.
//!
//! **Solution.** A hub in the middle: each system has one link, to the hub, and speaks
//! its own format to it; the hub converts into a canonical model that every system reads.
//! A new system means one new link; a changed format, one adapter to change, at the hub.
//!
//! The checker counts both from the messages that really arrived: the pairs of nodes
//! that exchanged data, and who read whose format in which version.

mod checker;
mod node;
mod scenarios;

pub use checker::{HubChecker, PROPERTIES};
pub use node::{HubNode, Msg, Note, Timer, CANONICAL};
pub use scenarios::{HubScenario, HUB_AND_SPOKE, POINT_TO_POINT};

use crate::sim::metrics::{MetricKind, MetricSpec};
use crate::sim::scenario::looks::{blue, purple};
use crate::sim::scenario::{PatternInfo, VerbSpec};

/// Metric: links in use (from the trace).
const LINKS: usize = 0;
/// Metric: adapters in use (from the trace).
const ADAPTERS: usize = 1;
/// Metric: adapters changed for a new format (from the trace).
const CHANGES: usize = 2;

/// Point to point vs hub and spoke in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "hub",
    family: "Integration",
    name: "Point to point vs hub",
    problem: "Systems integrated directly need a link to every partner and an adapter for \
              every partner's format: n(n − 1)/2 links for n systems (45 for 10), and one \
              system's new format touches every system that reads it.",
    solution: &[
        "Through a hub, each system has one link, to the hub: n links for n systems.",
        "Each system speaks its own format to the hub; the hub converts into a canonical \
         model that every system reads.",
        "A new system means one new link; a changed format means one adapter to change, at \
         the hub.",
        "Not in the notes: a format is a version number; a system that reads a new version \
         changes its adapter as it first meets it.",
    ],
    properties: PROPERTIES,
    switches: &[],
    query: None,
    roles: &[blue("system"), purple("hub")],
    metrics: &[
        MetricSpec {
            id: "links",
            label: "Links in use",
            kind: MetricKind::Gauge,
            unit: "links",
            per_node: false,
            help: "Pairs of nodes that have exchanged data, from the trace.",
        },
        MetricSpec {
            id: "adapters",
            label: "Adapters",
            kind: MetricKind::Gauge,
            unit: "adapters",
            per_node: false,
            help: "Who reads whose format, from the trace: one adapter per reader and \
                   writer.",
        },
        MetricSpec {
            id: "changes",
            label: "Adapters changed so far",
            kind: MetricKind::Gauge,
            unit: "adapters",
            per_node: false,
            help: "Adapters changed so far because a writer's format changed, from the \
                   trace (a count, not a rate: one change is one adapter).",
        },
    ],
    verbs: &[VerbSpec {
        name: "new-format",
        label: "Change this system's format",
        help: "The system writes a new version of its format: whoever reads it must change \
               its adapter.",
        roles: &["system"],
        arg: None,
    }],
};
