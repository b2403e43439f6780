//! The named scenarios: the same systems point to point, and through a hub.

use super::checker::HubChecker;
use super::node::HubNode;
use super::PATTERN;
use crate::sim::action::{Action, TimedAction};
use crate::sim::engine::{Setup, Simulation};
use crate::sim::load::Arrivals;
use crate::sim::network::LinkConfig;
use crate::sim::node::NodeId;
use crate::sim::run::Engine;
use crate::sim::scenario::{Caption, Config, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo};
use crate::sim::time::SimTime;
use crate::sim::topology::Topology;

/// A point-to-point or hub scenario.
pub struct HubScenario {
    info: StoryInfo,
    hub: bool,
}

/// When the last system joins, and when s1 changes its format.
const JOIN_MS: u64 = 400;
const FORMAT_MS: u64 = 900;

const PARAMS: &[ParamSpec] = &[ParamSpec {
    name: "systems",
    label: "Systems (the last joins at 400 ms)",
    min: 3,
    max: 12,
    default: 5,
    unit: "",
    step: 1,
}];

/// Systems integrated directly.
pub static POINT_TO_POINT: HubScenario = HubScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "hub-point-to-point",
        title: "Point to point",
        summary: "Five systems send each other data directly, each in its own format. The \
                  fifth joins at 400 ms and needs a link to each of the others; at 900 ms s1 \
                  changes its format and every system that reads it must change its adapter.",
        params: PARAMS,
    },
    hub: false,
};

/// The same systems through a hub.
pub static HUB_AND_SPOKE: HubScenario = HubScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "hub-and-spoke",
        title: "Hub and spoke",
        summary: "The same five systems, each linked only to a hub that converts every \
                  format into a canonical model. The fifth joins with one link; s1's new \
                  format changes one adapter, at the hub.",
        params: PARAMS,
    },
    hub: true,
};

impl HubScenario {
    fn systems(cfg: &Config) -> u32 {
        cfg.param("systems").clamp(3, 12) as u32
    }
}

impl Scenario for HubScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let mut nodes: Vec<NodeInfo> = (1..=Self::systems(cfg))
            .map(|k| NodeInfo {
                name: format!("s{k}"),
                role: "system",
            })
            .collect();
        if self.hub {
            nodes.push(NodeInfo {
                name: "hub".into(),
                role: "hub",
            });
        }
        nodes
    }

    fn topology(&self, cfg: &Config) -> Topology {
        let n = Self::systems(cfg);
        let mut topology = Topology::default();
        for a in 0..n {
            if self.hub {
                topology.link(NodeId(a), NodeId(n));
            } else {
                for b in a + 1..n {
                    topology.link(NodeId(a), NodeId(b));
                }
            }
        }
        topology.start_absent(NodeId(n - 1));
        topology
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let n = u64::from(Self::systems(cfg));
        let caption = |ms: u64, text: String| Caption {
            at: SimTime::from_millis(ms),
            text,
        };
        let before = n - 1;
        if self.hub {
            vec![
                caption(
                    0,
                    format!(
                        "{before} systems send each other data through the hub, each in its \
                         own format: {before} links. The hub reads every format and writes \
                         one canonical model, which every system reads: one adapter each."
                    ),
                ),
                caption(
                    JOIN_MS,
                    format!(
                        "s{n} joins: one new link, to the hub, which tells the others it \
                         exists. {n} links for {n} systems."
                    ),
                ),
                caption(
                    FORMAT_MS,
                    "s1 changes its format: only the hub reads it, so one adapter changes \
                     (\"adapters changed so far\"); the other systems still read the canonical model."
                        .to_string(),
                ),
            ]
        } else {
            vec![
                caption(
                    0,
                    format!(
                        "{before} systems send each other data directly, each in its own \
                         format: up to {before} × {} / 2 = {} links, and every system needs \
                         an adapter for each partner's format.",
                        before - 1,
                        before * (before - 1) / 2
                    ),
                ),
                caption(
                    JOIN_MS,
                    format!(
                        "s{n} joins: it needs a link to each of the {before} others, and \
                         each of them an adapter for its format: n(n − 1)/2 = {} links for \
                         {n} systems.",
                        n * (n - 1) / 2
                    ),
                ),
                caption(
                    FORMAT_MS,
                    format!(
                        "s1 changes its format: each of the {} systems that read it must \
                         change its adapter as its next message arrives (\"adapters \
                         changed so far\").",
                        n - 1
                    ),
                ),
            ]
        }
    }

    fn script(&self, cfg: &Config) -> Vec<TimedAction> {
        let last = format!("s{}", Self::systems(cfg));
        vec![
            TimedAction {
                at: SimTime::from_millis(JOIN_MS),
                action: Action::Join(last),
            },
            TimedAction {
                at: SimTime::from_millis(FORMAT_MS),
                action: Action::Command {
                    node: "s1".into(),
                    verb: "new-format".into(),
                    arg: 0,
                },
            },
        ]
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(1_400)
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let n = Self::systems(cfg);
        let arrivals = Arrivals::Poisson { per_sec: 40 };
        let hub = self.hub.then_some(NodeId(n));
        // The last system is not yet known: it announces itself when it joins.
        let known: Vec<NodeId> = (0..n - 1).map(NodeId).collect();
        let mut nodes: Vec<HubNode> = (0..n)
            .map(|k| {
                let partners = known.iter().copied().filter(|p| p.0 != k).collect();
                HubNode::system(partners, hub, arrivals)
            })
            .collect();
        if self.hub {
            nodes.push(HubNode::hub((0..n).map(NodeId).collect()));
        }
        Box::new(Simulation::new(Setup {
            topology: self.topology(cfg),
            metrics: PATTERN.metrics,
            checker: HubChecker::new(&names, n as usize),
            names,
            nodes,
            clocks: Vec::new(),
            link: LinkConfig::reliable(1_000, 2_000),
            horizon: self.horizon(cfg),
            seed: cfg.seed,
            script: actions.script,
            user_actions: actions.user,
        }))
    }
}
