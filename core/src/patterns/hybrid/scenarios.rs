//! The hybrid clock's named scenarios.

use super::checker::HybridChecker;
use super::coordinator::{Coordinator, CoordinatorPlan, TxPlan};
use super::hlc::{ClockParts, HybridClock};
use super::node::HybridNode;
use super::server::{Server, ServerPlan};
use super::{CARRY_COUNTER, CARRY_WALL, FINAL_CLOCK, PATTERN};
use crate::sim::action::TimedAction;
use crate::sim::clock::{WallClock, WallTime};
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
    Lagging,
    Transaction,
    LastWriterWins,
    CoordinatorCrash,
}

/// A hybrid clock scenario.
pub struct HybridScenario {
    info: StoryInfo,
    story: Story,
}

const fn skew(name: &'static str, label: &'static str, default: i64) -> ParamSpec {
    ParamSpec {
        name,
        label,
        min: -500,
        max: 500,
        default,
        unit: "ms",
        step: 1,
    }
}

const fn drift(name: &'static str, label: &'static str, default: i64) -> ParamSpec {
    ParamSpec {
        name,
        label,
        min: -100_000,
        max: 100_000,
        default,
        unit: "ppm",
        step: 1,
    }
}

/// The notes' transaction across three servers with skewed clocks.
pub static TRANSACTION: HybridScenario = HybridScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "hybrid-transaction",
        title: "One timestamp per transaction",
        summary: "A coordinator writes x, y and z to three servers whose wall clocks disagree, \
                  carrying its hybrid clock; each server answers with its own. The coordinator \
                  then commits with its final clock, and every server stores the transaction \
                  under that one timestamp: a read as of any time sees all of it or none.",
        params: &[
            skew("co-skew-ms", "co clock skew", 0),
            skew("skew1-ms", "s1 clock skew", 0),
            skew("skew2-ms", "s2 clock skew", -30),
            skew("skew3-ms", "s3 clock skew", 25),
            drift("co-drift-ppm", "co clock drift", 0),
            drift("drift1-ppm", "s1 clock drift", 0),
            drift("drift2-ppm", "s2 clock drift", 0),
            drift("drift3-ppm", "s3 clock drift", 2_000),
        ],
    },
    story: Story::Transaction,
};

/// A lagging server adopts the higher hybrid time it receives.
pub static LAGGING: HybridScenario = HybridScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "hybrid-lagging",
        title: "A lagging server adopts",
        summary: "s2's wall clock runs 200 ms behind. When a write arrives stamped with the \
                  coordinator's later hybrid time, s2's clock jumps to it and counts on from \
                  there, so the versions it stores keep growing although its own wall clock \
                  says it is earlier.",
        params: &[
            skew("skew1-ms", "s1 clock skew", 0),
            skew("skew2-ms", "s2 clock skew", -200),
            drift("drift1-ppm", "s1 clock drift", 0),
            drift("drift2-ppm", "s2 clock drift", 0),
        ],
    },
    story: Story::Lagging,
};

/// Last writer wins with plain wall clocks loses an acknowledged write.
pub static LAST_WRITER_WINS: HybridScenario = HybridScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "hybrid-lww",
        title: "Last writer wins",
        summary: "Two servers copy writes to each other and keep, for each key, the version \
                  with the highest timestamp. T1 writes k=1 through s1, whose clock runs 60 ms \
                  fast; then T2 writes k=2 through s2. Each write is stamped by the server that \
                  takes it, as in a plain replicated store, so the coordinator's final clock \
                  plays no part here and its switch is not offered. With hybrid clocks T2 carries \
                  T1's time and wins. Switch the counter off: T2 gets s2's earlier wall-clock \
                  time, and the acknowledged k=2 disappears behind k=1.",
        params: &[
            skew("skew1-ms", "s1 clock skew", 60),
            skew("skew2-ms", "s2 clock skew", 0),
        ],
    },
    story: Story::LastWriterWins,
};

/// The coordinator crashes between the writes and the commit.
pub static COORDINATOR_CRASH: HybridScenario = HybridScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "hybrid-coordinator-crash",
        title: "Coordinator crash",
        summary: "T1 commits normally. T2 writes x, y and z provisionally, and the coordinator \
                  crashes before it commits. The provisional versions stay pending: reads as of \
                  any time after them wait instead of showing a half-done T2.",
        params: &[
            skew("skew1-ms", "s1 clock skew", 0),
            skew("skew2-ms", "s2 clock skew", -30),
            skew("skew3-ms", "s3 clock skew", 25),
        ],
    },
    story: Story::CoordinatorCrash,
};

impl HybridScenario {
    fn servers(&self) -> usize {
        match self.story {
            Story::Transaction | Story::CoordinatorCrash => 3,
            Story::Lagging | Story::LastWriterWins => 2,
        }
    }

    fn plan(&self, cfg: &Config) -> CoordinatorPlan {
        let s = |i: u32| NodeId(i);
        let tx = |start_ms: u64, writes: Vec<(NodeId, char, u32)>| TxPlan {
            start_us: start_ms * 1_000,
            writes,
        };
        let xyz = |value: u32| vec![(s(1), 'x', value), (s(2), 'y', value), (s(3), 'z', value)];
        let txs = match self.story {
            Story::Transaction => vec![tx(5, xyz(1)), tx(60, xyz(2))],
            Story::CoordinatorCrash => vec![tx(5, xyz(1)), tx(60, xyz(2))],
            Story::Lagging => vec![
                tx(5, vec![(s(1), 'x', 1), (s(2), 'y', 1)]),
                tx(40, vec![(s(2), 'y', 2)]),
                tx(70, vec![(s(1), 'x', 3), (s(2), 'y', 3)]),
            ],
            Story::LastWriterWins => {
                vec![tx(5, vec![(s(1), 'k', 1)]), tx(40, vec![(s(2), 'k', 2)])]
            }
        };
        CoordinatorPlan {
            txs,
            commit_delay_us: if self.story == Story::CoordinatorCrash {
                40_000
            } else {
                2_000
            },
            timeout_us: 150_000,
            // In the last-writer-wins story each write is stamped by the server that takes
            // it, as in a plain replicated key-value store; the story offers no switch for it.
            commit_with_final_clock: match self.story {
                Story::LastWriterWins => false,
                _ => cfg.switch(FINAL_CLOCK),
            },
        }
    }
}

/// The parts the run's timestamps carry, from the switches.
fn clock_parts(cfg: &Config) -> ClockParts {
    ClockParts {
        wall: cfg.switch(CARRY_WALL),
        counter: cfg.switch(CARRY_COUNTER),
    }
}

/// What the transaction story's commit shows.
fn transaction_commit(final_clock: bool, parts: ClockParts) -> &'static str {
    match (final_clock, parts.wall, parts.counter) {
        (false, _, _) => {
            "The switch is off: each server commits with its own clock, so T1 gets three \
             timestamps and a read between them sees only part of it."
        }
        (true, true, true) => {
            "The coordinator commits with its final clock; every server stores T1 under that \
             one timestamp. Try “Read as of” with a time just before it and at it: all of x, \
             y, z or none."
        }
        (true, false, _) => {
            "The coordinator commits with its final clock; every server stores T1 under that \
             one counter value. But a counter tells no time of day: “Read as of” a time \
             cannot be answered."
        }
        (true, true, false) => {
            "The coordinator commits with its final clock, its own wall-clock reading. A \
             server with a fast clock (s3, by default) stamped its pending write later than \
             that, so until it commits a read as of the commit timestamp does not wait for it \
             and sees only part of T1."
        }
    }
}

/// What the lagging story's receive shows.
fn lagging_receive(parts: ClockParts) -> &'static str {
    match (parts.wall, parts.counter) {
        (true, true) => {
            "s2 receives a write stamped with a hybrid time later than its own wall clock: it \
             adopts that time and counts on with the logical counter. Its versions keep \
             growing although its wall clock says it is earlier."
        }
        (false, true) => {
            "s2 counts past the counter of the write it receives; its lagging wall clock plays \
             no part, and a read as of a time of day cannot be answered."
        }
        (true, false) => {
            "s2 stamps the write it receives with its own lagging clock, before the \
             message's stamp: an effect stamped before its cause (see the invariants)."
        }
        (false, false) => {
            "s2 stamps the write it receives #0, as every node stamps everything: nothing is \
             ordered (see the invariants)."
        }
    }
}

/// What the last-writer-wins story's second write shows.
fn last_writer(parts: ClockParts) -> &'static str {
    match (parts.wall, parts.counter) {
        (_, true) => {
            "T2 writes k=2 through s2. Its clock has counted past T1's stamp, so k=2 wins \
             everywhere, as the client who was told it succeeded expects."
        }
        (true, false) => {
            "T2 writes k=2 through s2, stamped with s2's plain wall clock. Where s1's clock \
             runs far enough ahead, that stamp is earlier than T1's: k=2 was acknowledged, yet \
             the servers keep k=1 — a lost update (see the invariants)."
        }
        (false, false) => {
            "T2 writes k=2 through s2, stamped #0 like T1's k=1: the servers cannot tell which \
             is later, and the acknowledged k=2 can be hidden by k=1 (see the invariants)."
        }
    }
}

fn caption(ms: u64, text: &str) -> Caption {
    Caption {
        at: SimTime::from_millis(ms),
        text: text.to_string(),
    }
}

impl Scenario for HybridScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, _cfg: &Config) -> Vec<NodeInfo> {
        let coordinator = NodeInfo {
            name: "co".into(),
            role: "coordinator",
        };
        let servers = (1..=self.servers()).map(|i| NodeInfo {
            name: format!("s{i}"),
            role: "server",
        });
        std::iter::once(coordinator).chain(servers).collect()
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let parts = clock_parts(cfg);
        let clocks = match (parts.wall, parts.counter) {
            (true, true) => {
                "Every message carries its sender's hybrid clock: a wall-clock part and a \
                 counter. A receiver moves its clock past the message's, so causality is kept \
                 even where wall clocks disagree. (The notes use a Lamport counter alone: \
                 switch off the wall part to compare.)"
            }
            (false, true) => {
                "The wall part is switched off: every node keeps the notes' Lamport counter. \
                 Order is kept, but a timestamp such as #7 tells no time of day: “Read as of \
                 09:00:00.040” cannot be answered."
            }
            (true, false) => {
                "The counter is switched off: every node stamps with its plain wall clock. \
                 Two events in the same microsecond get the same stamp, and a node cannot \
                 move past a message stamped later than its own clock."
            }
            (false, false) => {
                "Both parts are switched off: every timestamp is #0, so nothing is ordered."
            }
        };
        match self.story {
            Story::Transaction => vec![
                caption(
                    0,
                    "Three servers with skewed wall clocks (see each node's wall time under it).",
                ),
                caption(4, clocks),
                caption(
                    20,
                    "Each server writes its value provisionally, updates its clock from the \
                     coordinator's and answers with it; the coordinator's clock moves past \
                     every answer.",
                ),
                // The commit's caption waits for the commit: see `event_captions`.
            ],
            Story::Lagging => vec![
                caption(
                    0,
                    &format!(
                        "s2's wall clock is {} ms {} s1's (see each node's wall time under it).",
                        cfg.param("skew2-ms").abs_diff(cfg.param("skew1-ms")),
                        if cfg.param("skew2-ms") < cfg.param("skew1-ms") {
                            "behind"
                        } else {
                            "ahead of"
                        }
                    ),
                ),
                caption(4, clocks),
                caption(20, lagging_receive(parts)),
            ],
            Story::LastWriterWins => vec![
                caption(
                    0,
                    &format!(
                        "s1's clock is {} ms ahead of s2's. The servers copy writes to each \
                         other; for each key the highest timestamp wins.",
                        cfg.param("skew1-ms") - cfg.param("skew2-ms")
                    ),
                ),
                caption(4, clocks),
                caption(40, last_writer(parts)),
            ],
            Story::CoordinatorCrash => vec![
                caption(
                    0,
                    &format!("T1 commits normally across three servers. {clocks}"),
                ),
                caption(
                    60,
                    "T2 writes x, y and z provisionally. The coordinator waits a moment before \
                     committing…",
                ),
                caption(
                    100,
                    "…and crashes. T2's versions stay pending (see each server and Facts). A \
                     read as of a time after them waits rather than show a half-done T2.",
                ),
            ],
        }
    }

    /// The transaction's commit, from when the coordinator sends it.
    fn event_captions(&self, cfg: &Config) -> Vec<EventCaption> {
        if self.story != Story::Transaction {
            return Vec::new();
        }
        let text = transaction_commit(cfg.switch(FINAL_CLOCK), clock_parts(cfg));
        vec![EventCaption::after(20, "T1 commit", text)]
    }

    fn script(&self, _cfg: &Config) -> Vec<TimedAction> {
        match self.story {
            Story::CoordinatorCrash => vec![TimedAction {
                at: SimTime::from_millis(100),
                action: crate::sim::action::Action::Crash("co".into()),
            }],
            _ => Vec::new(),
        }
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(1_000)
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        PATTERN
            .switches
            .iter()
            .filter(|s| self.story != Story::LastWriterWins || s.name != FINAL_CLOCK)
            .collect()
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let parts = clock_parts(cfg);
        let servers = self.servers();
        let replicate = self.story == Story::LastWriterWins;
        let co_skew = cfg.param("co-skew-ms") * 1_000;
        let mut nodes = vec![HybridNode::Coordinator(Coordinator::new(
            self.plan(cfg),
            HybridClock::new(parts, WallTime(co_skew)),
        ))];
        let mut clocks = vec![WallClock::new(co_skew, cfg.param("co-drift-ppm"))];
        for i in 1..=servers {
            let peers = (1..=servers as u32)
                .filter(|&p| replicate && p != i as u32)
                .map(NodeId)
                .collect();
            let skew_us = cfg.param(&format!("skew{i}-ms")) * 1_000;
            let drift_ppm = cfg.param(&format!("drift{i}-ppm"));
            nodes.push(HybridNode::Server(Server::new(
                ServerPlan {
                    replicate_to: peers,
                },
                HybridClock::new(parts, WallTime(skew_us)),
            )));
            clocks.push(WallClock::new(skew_us, drift_ppm));
        }
        Box::new(Simulation::new(Setup {
            topology: Default::default(),
            metrics: PATTERN.metrics,
            checker: HybridChecker::new(&names),
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
