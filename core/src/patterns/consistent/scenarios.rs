//! The consistent core's named scenarios.

use std::sync::Arc;

use super::checker::ConsistentChecker;
use super::client::{Client, Op};
use super::data::DataNode;
use super::management::{Management, ManagementPlan};
use super::node::ConsistentNode;
use super::{ACK_AFTER_MAJORITY, PATTERN};
use crate::sim::action::{Action, TimedAction};
use crate::sim::engine::{Setup, Simulation};
use crate::sim::network::LinkConfig;
use crate::sim::node::NodeId;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, NodeInfo, ParamSpec, PatternInfo, RunActions, Scenario,
};
use crate::sim::time::SimTime;

/// Which story a scenario tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Story {
    Lookup,
    DataFailover,
    LeaderCrash,
    StaleRead,
}

/// A consistent core scenario.
pub struct ConsistentScenario {
    id: &'static str,
    title: &'static str,
    summary: &'static str,
    story: Story,
}

const MANAGEMENT: ParamSpec = ParamSpec {
    name: "management",
    label: "Management nodes",
    min: 3,
    max: 5,
    default: 3,
    unit: "",
    step: 2,
};
const DATA: ParamSpec = ParamSpec {
    name: "data",
    label: "Data nodes",
    min: 6,
    max: 9,
    default: 6,
    unit: "",
    step: 1,
};
const PARAMS: &[ParamSpec] = &[MANAGEMENT, DATA];

/// A lease, and what the leader waits beyond it.
const LEASE_US: u64 = 300_000;
const LEASE_MARGIN_US: u64 = 100_000;

/// The client asks a follower who owns a partition, then writes there.
pub static LOOKUP: ConsistentScenario = ConsistentScenario {
    id: "consistent-lookup",
    title: "Ask the core, write to the owner",
    summary: "Six data nodes register with a three-node management cluster and keep leases. \
              The client asks a management follower which data node owns p1 and writes to \
              it directly; a metadata put goes through the follower to the leader, and a \
              read is served by another follower.",
    story: Story::Lookup,
};

/// The owner of a partition crashes and the core reassigns it.
pub static DATA_FAILOVER: ConsistentScenario = ConsistentScenario {
    id: "consistent-data-failover",
    title: "A data owner crashes",
    summary: "d1 owns p1 and crashes. Its lease is not renewed; once it has surely run out, \
              the management leader reassigns p1 to another data node. The client's next \
              write to d1 goes unanswered, so it asks the core again and is redirected to \
              the new owner.",
    story: Story::DataFailover,
};

/// The management leader crashes; no acknowledged metadata is lost.
pub static LEADER_CRASH: ConsistentScenario = ConsistentScenario {
    id: "consistent-leader-crash",
    title: "The management leader crashes",
    summary: "The client puts x=1; the management leader m1 crashes moments later. The \
              others elect a new leader, and a read through it still returns x=1: a put is \
              acknowledged only once a majority stored it. Switched off, the put is \
              acknowledged at once and lost with m1.",
    story: Story::LeaderCrash,
};

/// A lagging follower serves a stale read; the leader serves the latest.
pub static STALE_READ: ConsistentScenario = ConsistentScenario {
    id: "consistent-stale-read",
    title: "A stale read from a follower",
    summary: "m3 is cut off from the others after x=1 and misses x=2. A read served by m3 \
              returns x=1 and says it may be stale; a read through the leader returns x=2.",
    story: Story::StaleRead,
};

fn at(ms: u64, action: Action<String>) -> TimedAction {
    TimedAction {
        at: SimTime::from_millis(ms),
        action,
    }
}

fn caption(ms: u64, text: &str) -> Caption {
    Caption {
        at: SimTime::from_millis(ms),
        text: text.to_string(),
    }
}

impl ConsistentScenario {
    fn counts(cfg: &Config) -> (usize, usize) {
        let management = if cfg.param("management") >= 5 { 5 } else { 3 };
        (management, cfg.param("data").clamp(6, 9) as usize)
    }

    fn ops(&self, m: &[NodeId]) -> Vec<(u64, Op)> {
        let ms = |v: u64| v * 1_000;
        let (m1, m2, m3) = (m[0], m[1], m[2]);
        match self.story {
            Story::Lookup => vec![
                (
                    ms(250),
                    Op::AskOwner {
                        partition: 1,
                        via: m2,
                    },
                ),
                (
                    ms(10),
                    Op::Write {
                        partition: 1,
                        value: 1,
                    },
                ),
                (
                    ms(50),
                    Op::Put {
                        key: 'x',
                        value: 1,
                        via: m2,
                    },
                ),
                (
                    ms(50),
                    Op::Get {
                        key: 'x',
                        via: m3,
                        via_leader: false,
                    },
                ),
            ],
            Story::DataFailover => {
                let mut ops = vec![
                    (
                        ms(250),
                        Op::AskOwner {
                            partition: 1,
                            via: m2,
                        },
                    ),
                    (
                        ms(10),
                        Op::Write {
                            partition: 1,
                            value: 1,
                        },
                    ),
                ];
                ops.extend((2..=6).map(|v| {
                    (
                        ms(250),
                        Op::Write {
                            partition: 1,
                            value: v,
                        },
                    )
                }));
                ops
            }
            Story::LeaderCrash => vec![
                (
                    ms(200),
                    Op::Put {
                        key: 'x',
                        value: 1,
                        via: m2,
                    },
                ),
                (
                    ms(600),
                    Op::Get {
                        key: 'x',
                        via: m2,
                        via_leader: true,
                    },
                ),
            ],
            Story::StaleRead => vec![
                (
                    ms(200),
                    Op::Put {
                        key: 'x',
                        value: 1,
                        via: m1,
                    },
                ),
                (
                    ms(100),
                    Op::Put {
                        key: 'x',
                        value: 2,
                        via: m1,
                    },
                ),
                (
                    ms(100),
                    Op::Get {
                        key: 'x',
                        via: m3,
                        via_leader: false,
                    },
                ),
                (
                    ms(50),
                    Op::Get {
                        key: 'x',
                        via: m1,
                        via_leader: true,
                    },
                ),
            ],
        }
    }
}

impl Scenario for ConsistentScenario {
    fn pattern(&self) -> &'static PatternInfo {
        &PATTERN
    }

    fn id(&self) -> &'static str {
        self.id
    }

    fn title(&self) -> &'static str {
        self.title
    }

    fn summary(&self) -> &'static str {
        self.summary
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let (management, data) = Self::counts(cfg);
        let mut nodes = vec![NodeInfo {
            name: "c1".into(),
            role: "client",
        }];
        nodes.extend((1..=management).map(|i| NodeInfo {
            name: format!("m{i}"),
            role: "management",
        }));
        nodes.extend((1..=data).map(|i| NodeInfo {
            name: format!("d{i}"),
            role: "data",
        }));
        nodes
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let start = caption(
            0,
            "The management cluster (m…) keeps the metadata in a log that a majority must \
             store; m1 leads it. Data nodes (d…) register and renew a lease every 100 ms; \
             the leader assigns partitions p1 and p2 to them.",
        );
        let acks = cfg.switch(ACK_AFTER_MAJORITY);
        match self.story {
            Story::Lookup => vec![
                start,
                caption(250, "The client asks m2, a follower, who owns p1. m2 answers from its copy of the metadata: no need to know the data cluster's layout."),
                caption(265, "The client writes to p1's owner directly."),
                caption(315, "A metadata put sent to a follower is forwarded to the leader, which acknowledges it once a majority stored it."),
                caption(370, "A read served by a follower is fast but may be stale, and says so."),
            ],
            Story::DataFailover => vec![
                start,
                caption(400, "d1, the owner of p1, crashes. Its lease is no longer renewed."),
                caption(
                    520,
                    "Once d1's lease has surely run out (a lease and a margin after its last \
                     renewal), the leader expires it and gives p1 to another data node.",
                ),
                caption(
                    900,
                    "The client's write to d1 went unanswered; it asks the core again and is \
                     redirected to p1's new owner.",
                ),
            ],
            Story::LeaderCrash => vec![
                start,
                caption(
                    200,
                    if acks {
                        "The client puts x=1 through m2, which forwards it to the leader m1. m1 \
                         will acknowledge it once a majority has stored it…"
                    } else {
                        "The switch is off: the leader m1 acknowledges the put x=1 as soon as it \
                         has stored it itself…"
                    },
                ),
                caption(215, "…but m1 crashes."),
                caption(
                    450,
                    if acks {
                        "The others elect a new leader. The put was never acknowledged, so the \
                         client retries it, and a read through the new leader returns x=1."
                    } else {
                        "The others elect a new leader whose log never had x=1: an acknowledged \
                         put is lost (see the invariants)."
                    },
                ),
            ],
            Story::StaleRead => vec![
                start,
                caption(280, "m3 is cut off from the other management nodes, after x=1 reached it."),
                caption(300, "x=2 is stored by m1 and m2, a majority, and acknowledged; m3 misses it."),
                caption(400, "A read served by m3 returns x=1 and says it may be stale; a read through the leader returns x=2."),
            ],
        }
    }

    fn script(&self, _cfg: &Config) -> Vec<TimedAction> {
        match self.story {
            Story::Lookup => Vec::new(),
            Story::DataFailover => vec![at(400, Action::Crash("d1".into()))],
            Story::LeaderCrash => vec![at(215, Action::Crash("m1".into()))],
            Story::StaleRead => vec![at(
                280,
                Action::Partition {
                    from: vec!["m3".into()],
                    to: vec!["m1".into(), "m2".into()],
                    one_way: false,
                },
            )],
        }
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(2_500)
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let shared = Arc::new(names.clone());
        let (management, data) = Self::counts(cfg);
        let cluster: Vec<NodeId> = (1..=management).map(|i| NodeId(i as u32)).collect();
        let plan = ManagementPlan {
            election_us: (150_000, 300_000),
            heartbeat_us: 50_000,
            lease_us: LEASE_US,
            lease_margin_us: LEASE_MARGIN_US,
            partitions: 2,
            ack_after_majority: cfg.switch(ACK_AFTER_MAJORITY),
            // The leader-crash story needs the put to wait for the next heartbeat.
            replicate_at_once: self.story != Story::LeaderCrash,
        };
        let mut nodes = vec![ConsistentNode::Client(Client::new(
            NodeId(0),
            self.ops(&cluster),
            cluster.clone(),
            shared.clone(),
        ))];
        nodes.extend(cluster.iter().map(|&id| {
            ConsistentNode::Management(Box::new(Management::new(
                id,
                &cluster,
                plan,
                shared.clone(),
                id == cluster[0],
            )))
        }));
        nodes.extend(
            (0..data)
                .map(|_| ConsistentNode::Data(DataNode::new(cluster.clone(), LEASE_US, 100_000))),
        );
        Box::new(Simulation::new(Setup {
            checker: ConsistentChecker::new(&names, LEASE_US),
            names,
            nodes,
            clocks: Vec::new(),
            link: LinkConfig::default(),
            horizon: self.horizon(cfg),
            seed: cfg.seed,
            script: actions.script,
            user_actions: actions.user,
        }))
    }
}
