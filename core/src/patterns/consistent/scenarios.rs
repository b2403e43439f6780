//! The consistent core's named scenarios.

use super::checker::ConsistentChecker;
use super::client::{Client, Op};
use super::data::DataNode;
use super::management::{Management, ManagementPlan};
use super::node::{ConsistentNode, Names};
use super::store::Store;
use super::{ACK_AFTER_MAJORITY, FENCING, PATTERN};
use crate::sim::action::{Action, TimedAction};
use crate::sim::engine::{Setup, Simulation};
use crate::sim::network::LinkConfig;
use crate::sim::node::NodeId;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, EventCaption, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo, SwitchSpec,
};
use crate::sim::time::SimTime;

/// Which story a scenario tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Story {
    Lookup,
    DataFailover,
    LeaderCrash,
    StaleRead,
    LeaseClock,
}

/// A consistent core scenario.
pub struct ConsistentScenario {
    info: StoryInfo,
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
/// How often a data node renews its lease.
const RENEW_US: u64 = 100_000;
/// Data nodes register one after the other, this far apart (more than a message's
/// latency), so the same node owns each partition at every seed.
const JOIN_GAP_US: u64 = 6_000;

/// The client asks a follower who owns a partition, then writes there.
pub static LOOKUP: ConsistentScenario = ConsistentScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "consistent-lookup",
        title: "Ask the core, write to the owner",
        summary: "Six data nodes register with a three-node management cluster and keep leases. \
                  The client asks a management follower which data node owns p1 and writes to \
                  it directly; a metadata put goes through the follower to the leader, and a \
                  read is served by another follower. Last, a lookup through the leader and \
                  the write it leads to make one request path, client to data node.",
        params: PARAMS,
    },
    story: Story::Lookup,
};

/// The owner of a partition crashes and the core reassigns it.
pub static DATA_FAILOVER: ConsistentScenario = ConsistentScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "consistent-data-failover",
        title: "A data owner crashes",
        summary: "d1 owns p1 and crashes. Its lease is not renewed; once it has surely run out, \
                  the management leader reassigns p1 to another data node. The client's next \
                  write to d1 goes unanswered, so it asks the core again and is redirected to \
                  the new owner.",
        params: PARAMS,
    },
    story: Story::DataFailover,
};

/// The management leader crashes; no acknowledged metadata is lost.
pub static LEADER_CRASH: ConsistentScenario = ConsistentScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "consistent-leader-crash",
        title: "The management leader crashes",
        summary: "The client puts x=1; the management leader m1 crashes moments later. The \
                  others elect a new leader, and a read through it still returns x=1: a put is \
                  acknowledged only once a majority stored it. Switched off, the put is \
                  acknowledged at once and lost with m1.",
        params: PARAMS,
    },
    story: Story::LeaderCrash,
};

/// A lagging follower serves a stale read; the leader serves the latest.
pub static STALE_READ: ConsistentScenario = ConsistentScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "consistent-stale-read",
        title: "A stale read from a follower",
        summary: "m3 is cut off from the others after x=1 and misses x=2. A read served by m3 \
                  returns x=1 and says it may be stale; a read through the leader returns x=2.",
        params: PARAMS,
    },
    story: Story::StaleRead,
};

/// A data node's clock is set back and runs slow while it is cut off from the core: it
/// serves a write after its lease ended, unless the store checks fencing tokens.
pub static LEASE_CLOCK: ConsistentScenario = ConsistentScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "consistent-lease-clock",
        title: "A lease on a wrong clock",
        summary: "d1 owns p1. Its clock is set back 400 ms and runs 10% slow, and d1 is cut off \
                  from the management cluster, though not from the client or the store. The core \
                  expires d1's lease and gives p1 to d2, but d1, measuring its lease on its own \
                  clock, still serves the client's write. The store refuses it: the write carries \
                  d1's older fencing token. Switched off, the store takes it.",
        params: PARAMS,
    },
    story: Story::LeaseClock,
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
                        ask: m1,
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
                (
                    ms(50),
                    Op::Write {
                        partition: 2,
                        value: 1,
                        ask: m3,
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
                            ask: m1,
                        },
                    ),
                ];
                ops.extend((2..=6).map(|v| {
                    (
                        ms(250),
                        Op::Write {
                            partition: 1,
                            value: v,
                            ask: m1,
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
            Story::LeaseClock => vec![
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
                        ask: m1,
                    },
                ),
                (
                    ms(540),
                    Op::Write {
                        partition: 1,
                        value: 2,
                        ask: m1,
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
    fn info(&self) -> &StoryInfo {
        &self.info
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
        nodes.push(NodeInfo {
            name: "s1".into(),
            role: "store",
        });
        nodes
    }

    /// Who wins the election after m1's crash, when a random timer lets one win.
    fn event_captions(&self, cfg: &Config) -> Vec<EventCaption> {
        if self.story != Story::LeaderCrash {
            return Vec::new();
        }
        let text = if cfg.switch(ACK_AFTER_MAJORITY) {
            "m1 is silent, so the others hold an election; {node} wins it and leads the new \
             term. The client's put, retried with the same request number, is applied \
             through it once, and a read through it returns x=1."
        } else {
            "m1 is silent, so the others hold an election; {node} wins it and leads the new \
             term. Its log never had x=1: the put the client was told is done is lost (see \
             the invariants)."
        };
        vec![EventCaption::after(215, "LEADER of term", text)]
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let start = caption(
            0,
            "The management cluster (m…) keeps the metadata in a log that a majority must \
             store; m1 leads it. Data nodes (d…) register and renew a lease every 100 ms \
             (measured on their own clocks); the leader assigns partitions p1 and p2 to them, \
             each with a fencing token. Data nodes keep what they write in the store s1.",
        );
        let acks = cfg.switch(ACK_AFTER_MAJORITY);
        let fencing = cfg.switch(FENCING);
        match self.story {
            Story::Lookup => vec![
                start,
                caption(250, "The client asks m2, a follower, who owns p1. m2 answers from its copy of the metadata, and names the leader too: the client need not know the data cluster's layout."),
                caption(265, "The client writes to p1's owner directly."),
                caption(315, "A metadata put sent to a follower is forwarded to the leader, which acknowledges it once a majority stored it."),
                caption(370, "A read served by a follower is fast but may be stale, and says so."),
                caption(440, "The client writes to p2, whose owner it does not know. It asks m3, a follower, for an answer through the leader: m3 forwards the lookup to m1, m1 answers the client, and the client writes to the owner it names. Select any of these messages to see the whole path, with each hop's time: client → follower → leader → client → data node (→ store) → client."),
            ],
            Story::DataFailover => vec![
                start,
                caption(400, "d1, the owner of p1, crashes. Its lease is no longer renewed."),
                caption(
                    710,
                    "Once d1's lease has surely run out (a lease and a margin after its last \
                     renewal, on the leader's clock), the leader expires it and gives p1 to \
                     another data node, with a larger fencing token.",
                ),
                caption(
                    730,
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
                    400,
                    if acks {
                        "The put got no answer, so the client retries it, with the same request \
                         number, at m3. A follower that has heard from no leader lately says so \
                         rather than forward into silence, and the client asks again shortly."
                    } else {
                        "The client was told the put is done, but m1 crashed before any other \
                         node stored it."
                    },
                ),
                // Who wins the election, and when, is the run's: see `event_captions`.
            ],
            Story::LeaseClock => vec![
                start,
                caption(260, "The client asks m2 who owns p1 and writes there."),
                caption(
                    300,
                    "d1's clock is set back 400 ms and runs 10% slow, and d1 is cut off from \
                     the management cluster (not from the client or the store). Its renewals \
                     fail, but by its own clock its last lease now lasts 400 ms longer.",
                ),
                caption(
                    620,
                    "A lease and a margin after d1's last renewal, on m1's clock, the core \
                     expires d1 and gives p1 to another node with a larger fencing token, \
                     which it tells the store.",
                ),
                caption(
                    800,
                    if fencing {
                        "By its own clock d1 still holds its lease, so it takes the client's \
                         write p1=2; the store refuses it: d1's token is older. The client asks \
                         the core again and writes to the new owner."
                    } else {
                        "The switch is off: d1, still within its lease by its own clock, takes \
                         the client's write p1=2 and the store keeps it, after the core gave p1 \
                         to another node (see the invariants)."
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

    fn script(&self, cfg: &Config) -> Vec<TimedAction> {
        match self.story {
            Story::Lookup => Vec::new(),
            Story::DataFailover => vec![at(400, Action::Crash("d1".into()))],
            Story::LeaderCrash => vec![at(215, Action::Crash("m1".into()))],
            Story::LeaseClock => vec![
                at(
                    300,
                    Action::SkewClock {
                        node: "d1".into(),
                        delta_us: -400_000,
                    },
                ),
                at(
                    300,
                    Action::SetDrift {
                        node: "d1".into(),
                        ppm: -100_000,
                    },
                ),
                at(
                    300,
                    Action::Partition {
                        from: vec!["d1".into()],
                        to: (1..=Self::counts(cfg).0).map(|i| format!("m{i}")).collect(),
                        one_way: false,
                    },
                ),
            ],
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

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        // Each story offers only the switch whose harm it shows.
        let offered = match self.story {
            Story::LeaderCrash => ACK_AFTER_MAJORITY,
            Story::LeaseClock => FENCING,
            Story::Lookup | Story::DataFailover | Story::StaleRead => return Vec::new(),
        };
        PATTERN
            .switches
            .iter()
            .filter(|s| s.name == offered)
            .collect()
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(2_500)
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let shared = Names::new(&names);
        let (management, data) = Self::counts(cfg);
        let store = NodeId((1 + management + data) as u32);
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
            store,
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
        nodes.extend((0..data as u64).map(|i| {
            let timing = (LEASE_US, RENEW_US);
            ConsistentNode::Data(DataNode::new(
                cluster.clone(),
                store,
                timing,
                i * JOIN_GAP_US,
            ))
        }));
        nodes.push(ConsistentNode::Store(Store::new(
            cfg.switch(FENCING),
            shared.clone(),
        )));
        Box::new(Simulation::new(Setup {
            topology: Default::default(),
            metrics: PATTERN.metrics,
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
