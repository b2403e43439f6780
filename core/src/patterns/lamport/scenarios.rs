//! The Lamport clock's named scenarios.

use super::checker::LamportChecker;
use super::node::{Client, ClientPlan, LamportNode, Server};
use super::PATTERN;
use crate::sim::action::TimedAction;
use crate::sim::clock::WallClock;
use crate::sim::engine::{Setup, Simulation};
use crate::sim::network::LinkConfig;
use crate::sim::node::NodeId;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo, SwitchSpec,
};
use crate::sim::time::SimTime;

/// Which story a scenario tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Story {
    /// Skewed wall clocks: timestamps keep causality, wall clocks do not.
    Skew,
    /// Concurrent writes: the timestamp order is total, the causal order partial.
    Concurrent,
}

/// A Lamport clock scenario.
pub struct LamportScenario {
    info: StoryInfo,
    story: Story,
}

const fn param(
    name: &'static str,
    label: &'static str,
    min: i64,
    max: i64,
    default: i64,
    unit: &'static str,
) -> ParamSpec {
    ParamSpec {
        name,
        label,
        min,
        max,
        default,
        unit,
        step: 1,
    }
}

/// Two clients, two servers, the last server's wall clock lagging.
pub static SKEW: LamportScenario = LamportScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "lamport-skew",
        title: "Skewed wall clocks",
        summary: "Two clients write events to two servers whose wall clocks disagree. Replaying \
                  the stored events by Lamport timestamp respects causality; replaying them by \
                  wall-clock time does not.",
        params: &[
            param("clients", "Clients", 1, 6, 2, ""),
            param("servers", "Servers", 2, 6, 2, ""),
            param("writes", "Writes per client", 1, 25_000, 3, ""),
            param("lag-ms", "Last server's clock lag", 0, 1_000, 40, "ms"),
        ],
    },
    story: Story::Skew,
};

/// Clients writing at the same time to different servers.
pub static CONCURRENT: LamportScenario = LamportScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "lamport-concurrent",
        title: "Concurrent writes",
        summary: "Clients write at the same moment to different servers. Their events are \
                  concurrent: neither happened before the other, yet the timestamps (broken by \
                  server) still put them in one order. The timestamp order is total; the causal \
                  order is only partial.",
        params: &[
            param("clients", "Clients", 2, 6, 2, ""),
            param("servers", "Servers", 2, 6, 2, ""),
            param("writes", "Writes per client", 1, 40, 3, ""),
            param("lag-ms", "Last server's clock lag", 0, 1_000, 0, "ms"),
        ],
    },
    story: Story::Concurrent,
};

impl LamportScenario {
    fn counts(cfg: &Config) -> (usize, usize) {
        (cfg.param("clients") as usize, cfg.param("servers") as usize)
    }

    fn plan(&self, cfg: &Config) -> ClientPlan {
        let (think_min_us, think_max_us) = match self.story {
            Story::Skew => (3_000, 6_000),
            Story::Concurrent => (1_000, 1_000),
        };
        ClientPlan {
            writes: cfg.param("writes") as u16,
            think_min_us,
            think_max_us,
            ack_timeout_us: 25_000,
            carry_clock: cfg.switch(super::CARRY_CLOCK),
            stagger_targets: self.story == Story::Concurrent,
        }
    }
}

impl Scenario for LamportScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let (clients, servers) = Self::counts(cfg);
        let client = (1..=clients).map(|i| NodeInfo {
            name: format!("c{i}"),
            role: "client",
        });
        let server = (1..=servers).map(|i| NodeInfo {
            name: format!("s{i}"),
            role: "server",
        });
        client.chain(server).collect()
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let (_, servers) = Self::counts(cfg);
        let lag = cfg.param("lag-ms");
        let caption = |ms: u64, text: String| Caption {
            at: SimTime::from_millis(ms),
            text,
        };
        let carry = if cfg.switch(super::CARRY_CLOCK) {
            "Each write carries the client's Lamport clock. The server stores the event at \
             max(its clock, the received clock) + 1 and returns that timestamp; the client \
             then moves its own clock past it."
        } else {
            "The switch is off: clients send no clock and ignore the timestamps they get \
             back, so each server counts only the events it has seen itself."
        };
        match self.story {
            Story::Skew => vec![
                caption(
                    0,
                    format!(
                        "Clients write events to servers. s{servers}'s wall clock runs {lag} ms \
                         behind the others."
                    ),
                ),
                caption(2, carry.to_string()),
                caption(
                    10,
                    "Each client writes its next event once the previous one was \
                     acknowledged (or it stopped waiting for the acknowledgement), so \
                     that event happened before the next. With the clients \
                     carrying their clock, the Lamport timestamps agree with that order, \
                     whatever the servers' wall clocks say."
                        .to_string(),
                ),
                caption(
                    30,
                    "Compare the orders in the replay table under the controls: replaying by \
                     Lamport timestamp respects every happened-before. Replaying by wall clock \
                     breaks it wherever a lagging clock stamped a later event earlier; the table \
                     marks each such event (⚠), and the contrast check shows the first."
                        .to_string(),
                ),
            ],
            Story::Concurrent => vec![
                caption(
                    0,
                    "Clients write at the same moment, each to a different server.".to_string(),
                ),
                caption(1, carry.to_string()),
                caption(
                    4,
                    "a1 and b1 are concurrent: no message links them, so neither happened \
                     before the other. Their timestamps may even be equal; the replay table \
                     breaks the tie by server. That order is a convention, not causality."
                        .to_string(),
                ),
            ],
        }
    }

    fn script(&self, _cfg: &Config) -> Vec<TimedAction> {
        Vec::new()
    }

    /// Long enough for every write: 5 s, or 10 ms per write and a second more.
    fn horizon(&self, cfg: &Config) -> SimTime {
        let writes = cfg.param("writes").max(0) as u64;
        SimTime::from_millis((writes * 10 + 1_000).max(5_000))
    }

    /// Only the skew story shows what clients that do not carry their clock break. The
    /// concurrent story is about events that no message links; without the clock its
    /// default run breaks no guarantee, so it offers no switch.
    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        match self.story {
            Story::Skew => PATTERN.switches.iter().collect(),
            Story::Concurrent => Vec::new(),
        }
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let (clients, servers) = Self::counts(cfg);
        let server_ids: Vec<NodeId> = (clients..clients + servers)
            .map(|i| NodeId(i as u32))
            .collect();
        let plan = self.plan(cfg);
        let mut nodes: Vec<LamportNode> = (0..clients)
            .map(|i| LamportNode::Client(Client::new(i as u16, server_ids.clone(), plan)))
            .collect();
        nodes.extend((0..servers).map(|_| LamportNode::Server(Server::default())));
        let lag_us = cfg.param("lag-ms") * 1_000;
        let clocks = (0..clients + servers)
            .map(|i| {
                let last = i + 1 == clients + servers;
                WallClock::new(if last { -lag_us } else { 0 }, 0)
            })
            .collect();
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        Box::new(Simulation::new(Setup {
            topology: Default::default(),
            metrics: PATTERN.metrics,
            checker: LamportChecker::new(&names),
            names,
            nodes,
            clocks,
            link: LinkConfig::default(),
            horizon: self.horizon(cfg),
            seed: cfg.seed,
            script: actions.script,
            user_actions: actions.user,
        }))
    }
}
