//! The generation clock's named scenarios.

use std::sync::Arc;

use super::checker::GenerationChecker;
use super::{Client, GenerationNode, Server, ServerPlan};
use super::{CHECK_GENERATION, PATTERN};
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
    Crash,
    Pause,
    Partition,
    SplitVote,
}

/// A generation clock scenario.
pub struct GenerationScenario {
    info: StoryInfo,
    story: Story,
}

const SERVERS: ParamSpec = ParamSpec {
    name: "servers",
    label: "Servers",
    min: 3,
    max: 5,
    default: 3,
    unit: "",
    step: 2,
};

/// The leader crashes; a new leader is elected with generation + 1.
pub static CRASH: GenerationScenario = GenerationScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "generation-crash",
        title: "The leader crashes",
        summary: "s1 leads generation 1 and crashes. The followers stop hearing heartbeats, one \
                  of them stands for election in the next generation and wins. When s1 restarts \
                  it follows the new leader.",
        params: &[SERVERS],
    },
    story: Story::Crash,
};

/// The leader pauses, the others elect a new one, the old one returns and steps down.
pub static PAUSE: GenerationScenario = GenerationScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "generation-pause",
        title: "The old leader returns",
        summary: "s1 leads generation 1 and freezes in a long GC pause; what the other servers \
                  send it meanwhile is lost. They elect a new leader in a higher generation. When \
                  s1 wakes up it still believes it leads and sends heartbeats and writes of \
                  generation 1; the followers reject them and answer with the higher generation, \
                  and that answer makes s1 step down.",
        params: &[SERVERS],
    },
    story: Story::Pause,
};

/// A partition leaves the old leader in the minority.
pub static PARTITION: GenerationScenario = GenerationScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "generation-partition",
        title: "Partitioned leader",
        summary: "A partition cuts {c1, s1, s2} off from {s3, s4, s5}. The minority's leader s1 \
                  cannot get a write acknowledged; the majority elects a new leader in a \
                  higher generation. After the heal, s1 learns that generation and steps down.",
        params: &[],
    },
    story: Story::Partition,
};

/// Equal timeouts split the vote; random timeouts resolve it.
pub static SPLIT_VOTE: GenerationScenario = GenerationScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "generation-split-vote",
        title: "A split vote",
        summary: "The leader crashes and, with equal election timeouts and equal latencies, both \
                  followers stand for generation 2 at the same instant. Each votes for itself: \
                  nobody wins. Their next timeouts are random, so one stands first in a later \
                  generation and wins.",
        params: &[],
    },
    story: Story::SplitVote,
};

impl GenerationScenario {
    fn servers(&self, cfg: &Config) -> usize {
        match self.story {
            Story::Partition => 5,
            Story::SplitVote => 3,
            Story::Crash | Story::Pause => cfg.param("servers").clamp(3, 5) as usize,
        }
    }

    fn link(&self) -> LinkConfig {
        match self.story {
            Story::SplitVote => LinkConfig {
                latency_min_us: 2_000,
                latency_max_us: 2_000,
                ..LinkConfig::default()
            },
            _ => LinkConfig::default(),
        }
    }
}

fn at(ms: u64, action: Action<String>) -> TimedAction {
    TimedAction {
        at: SimTime::from_millis(ms),
        action,
    }
}

impl Scenario for GenerationScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let client = NodeInfo {
            name: "c1".into(),
            role: "client",
        };
        let servers = (1..=self.servers(cfg)).map(|i| NodeInfo {
            name: format!("s{i}"),
            role: "server",
        });
        std::iter::once(client).chain(servers).collect()
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let caption = |ms: u64, text: &str| Caption {
            at: SimTime::from_millis(ms),
            text: text.to_string(),
        };
        let start = caption(
            0,
            "s1 leads generation 1. Its heartbeats carry the generation; c1's writes go \
             through s1, which replicates each one tagged with its generation and \
             acknowledges it once a majority has accepted it.",
        );
        let checks = cfg.switch(CHECK_GENERATION);
        match self.story {
            Story::Pause => vec![
                start,
                caption(
                    400,
                    "s1 freezes in a long GC pause. Its heartbeats stop, but it still believes \
                     it leads. What the other servers send it while it is frozen is lost (the \
                     story cuts their links into s1 until it wakes, so it learns nothing of \
                     the election); c1's requests wait for it.",
                ),
                caption(
                    1_300,
                    if checks {
                        "s1 wakes up, still leader of generation 1. It takes c1's waiting \
                         requests as new writes (a retried request is written again: this \
                         model does not deduplicate) and sends them and a heartbeat, all \
                         tagged generation 1. The followers reject them and answer with \
                         generation 2; s1 steps down on the first rejection that reaches it."
                    } else {
                        "s1 wakes up, still leader of generation 1. The switch is off: servers \
                         ignore the generation on heartbeats and writes, so nobody rejects \
                         s1's messages and s1 never learns of generation 2. Two leaders now \
                         have their writes accepted at once: a follower takes s1's stale \
                         write on top of s2's (\"No server accepts a write of an older \
                         generation after one of a newer\" breaks there), and s1 acknowledges \
                         a write accepted by servers that had already seen generation 2 (\"A \
                         write acknowledged to a client was accepted by a majority…\" breaks)."
                    },
                ),
            ],
            Story::Crash => vec![
                start,
                caption(
                    400,
                    "s1 crashes. Its heartbeats stop; each follower waits for its \
                              own random election timeout.",
                ),
                caption(
                    1_400,
                    "s1 restarts as a follower with its durable generation, hears the new \
                     leader's heartbeats of a higher generation and follows it. A crashed \
                     leader forgets that it led, so it never sends stale heartbeats: this \
                     story offers no switch, since turning the generation check off would \
                     change nothing here (the old leader returns and the partitioned leader \
                     show what it prevents).",
                ),
            ],
            Story::Partition => vec![
                start,
                caption(
                    400,
                    "A partition cuts {c1, s1, s2} off from {s3, s4, s5}. s1 still leads \
                     generation 1 but reaches only s2: no write of c1 gets a majority.",
                ),
                caption(
                    1_500,
                    if checks {
                        "The partition heals. s1 still leads generation 1; the first rejection \
                         of its stale heartbeats or writes (it carries the newer generation), \
                         or a heartbeat of the new leader, tells it about the newer generation \
                         and it steps down."
                    } else {
                        "The partition heals. The switch is off: servers ignore the generation \
                         on heartbeats and writes, so s1 is never told of the newer \
                         generation and keeps leading beside the new leader. The majority \
                         side accepts s1's writes, and c1 is told they succeeded although the \
                         servers that accepted them had already seen the newer generation \
                         (\"A write acknowledged to a client was accepted by a majority…\" breaks \
                         there)."
                    },
                ),
            ],
            Story::SplitVote => vec![
                start,
                caption(300, "s1 crashes."),
                caption(
                    500,
                    "s2 and s3 heard s1's last heartbeat at the same instant and have equal \
                     first timeouts: both stand for the next generation at once and vote for \
                     themselves. Neither has a majority — a split vote.",
                ),
                caption(
                    520,
                    "From now on their timeouts are random, so sooner or later one of them \
                     times out first, stands in a higher generation and wins the other's vote. \
                     s1 stays down, so no stale leader ever speaks: this story offers no \
                     switch.",
                ),
            ],
        }
    }

    /// The election's captions, from when it happens in this run: who stood first, and
    /// who won (a random timeout decides when, so no fixed instant would be true).
    fn event_captions(&self, _cfg: &Config) -> Vec<EventCaption> {
        let stands = |side: &str| {
            EventCaption::after(
                400,
                "stands for election",
                format!(
                    "{{node}}'s random election timeout ran out first: it increments the \
                     generation, stands for election in it and asks the other servers for \
                     their votes{side}."
                ),
            )
        };
        let won = |rest: &str| {
            EventCaption::after(
                400,
                "LEADER of gen",
                format!(
                    "{{node}} has the votes of a majority: it leads the new generation. {rest}"
                ),
            )
        };
        match self.story {
            Story::Crash => vec![
                stands(""),
                won(
                    "Its heartbeats carry the new generation, and c1's writes go through it \
                     once c1 finds it.",
                ),
            ],
            Story::Pause => vec![
                stands(" (s1, frozen, hears none of it)"),
                won("s1, frozen, still believes it leads generation 1."),
            ],
            Story::Partition => vec![
                stands(" (only the three servers on its side can answer)"),
                won(
                    "s1, on the other side, still believes it leads generation 1, and c1, \
                     on s1's side, keeps writing to it: none of those writes gets a majority.",
                ),
            ],
            Story::SplitVote => vec![EventCaption::after(
                520,
                "LEADER of gen",
                "{node} timed out first this time, stood in a higher generation and won the \
                 other's vote: it leads. The split vote cost one more election timeout, not \
                 safety.",
            )],
        }
    }

    fn script(&self, cfg: &Config) -> Vec<TimedAction> {
        match self.story {
            Story::Crash => vec![
                at(400, Action::Crash("s1".into())),
                at(1_400, Action::Restart("s1".into())),
            ],
            Story::Pause => {
                // What the other servers send s1 while it is frozen is lost, so it wakes
                // knowing nothing of the election and must learn of it from the
                // followers' answers; c1's requests wait for it.
                let others = (2..=self.servers(cfg)).map(|i| format!("s{i}")).collect();
                vec![
                    at(400, Action::Pause("s1".into())),
                    at(
                        400,
                        Action::Partition {
                            from: others,
                            to: vec!["s1".into()],
                            one_way: true,
                        },
                    ),
                    at(1_300, Action::Resume("s1".into())),
                    at(1_300, Action::Heal),
                ]
            }
            Story::Partition => {
                let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
                vec![
                    at(
                        400,
                        Action::Partition {
                            from: names(&["c1", "s1", "s2"]),
                            to: names(&["s3", "s4", "s5"]),
                            one_way: false,
                        },
                    ),
                    at(1_500, Action::Heal),
                ]
            }
            Story::SplitVote => vec![at(300, Action::Crash("s1".into()))],
        }
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        match self.story {
            // A stale leader speaks only after a pause or a partition; a crashed leader
            // restarts as a follower, so switching the check off harms nobody.
            Story::Pause | Story::Partition => PATTERN.switches.iter().collect(),
            Story::Crash | Story::SplitVote => Vec::new(),
        }
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(2_000)
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let shared = Arc::new(names.clone());
        let servers = self.servers(cfg);
        let cluster: Vec<NodeId> = (1..=servers).map(|i| NodeId(i as u32)).collect();
        let plan = ServerPlan {
            election_min_us: 150_000,
            election_max_us: 300_000,
            fixed_timeout_until_campaign: (self.story == Story::SplitVote).then_some(200_000),
            heartbeat_us: 50_000,
            check_generation: cfg.switch(CHECK_GENERATION),
        };
        let client = Client::new(shared.clone(), cluster.clone(), (60_000, 120_000), 120_000);
        let nodes = std::iter::once(GenerationNode::Client(client))
            .chain(cluster.iter().map(|&id| {
                GenerationNode::Server(Server::new(
                    id,
                    shared.clone(),
                    &cluster,
                    plan,
                    id == cluster[0],
                ))
            }))
            .collect();
        Box::new(Simulation::new(Setup {
            topology: Default::default(),
            metrics: PATTERN.metrics,
            checker: GenerationChecker::new(&names, servers),
            names,
            nodes,
            clocks: Vec::new(),
            link: self.link(),
            horizon: self.horizon(cfg),
            seed: cfg.seed,
            script: actions.script,
            user_actions: actions.user,
        }))
    }
}
