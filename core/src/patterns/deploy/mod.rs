//! # The Deployment family
//!
//! Where and how a service's code runs: pods and services (readiness, a host that dies),
//! the containers beside an application in its pod: sidecar, ambassador, adapter; and
//! proxies, in front of the servers or beside each client.
//! One node type ([`DeployNode`]) serves every story of the family; each pattern has its
//! own checker and stories.

mod checker;
mod client;
pub mod hosts;
mod msg;
mod node;
pub mod pods;
pub mod proxies;
pub mod sidecar;

pub use checker::DeployChecker;
pub use node::DeployNode;

use crate::patterns::balance::WIDE;
use crate::sim::engine::{Setup, Simulation};
use crate::sim::scenario::{Config, RunActions, Scenario};

/// Metric, in every pattern of the family: a request's latency, measured by its client.
const LATENCY: usize = 0;
/// Metric, in every pattern of the family: requests that failed or timed out.
const FAILED: usize = 1;

/// A run of one of the family's stories: its nodes, its topology, its horizon and its
/// pattern's metrics for `cfg`, checked by the checker `checker` makes for the nodes'
/// names, over links of 1–2 ms.
fn simulation(
    story: &dyn Scenario,
    cfg: &Config,
    nodes: Vec<DeployNode>,
    checker: impl FnOnce(&[String]) -> DeployChecker,
    actions: RunActions,
) -> Simulation {
    let names: Vec<String> = story.nodes(cfg).into_iter().map(|n| n.name).collect();
    Simulation::new(Setup {
        topology: story.topology(cfg),
        metrics: story.pattern().metrics,
        checker: checker(&names),
        names,
        nodes,
        clocks: Vec::new(),
        link: WIDE,
        horizon: story.horizon(cfg),
        seed: cfg.seed,
        script: actions.script,
        user_actions: actions.user,
    })
}
