//! Generation clock (notes, section 2).
//!
//! A leader sends heartbeats to its followers. It goes away (crash, GC pause, partition),
//! the followers elect a new leader, and then the old one comes back and carries on
//! sending heartbeats. How do the followers tell its heartbeats are stale, and how does
//! the old leader learn that it no longer leads?
//!
//! Every server keeps a durable counter, the generation. The leader puts its generation on
//! every heartbeat and every replicated write. A follower accepts messages from the
//! highest generation it has seen and rejects lower ones, answering with its own
//! generation; a leader that hears of a higher generation steps down. When heartbeats
//! stop, a follower stands for election in the next generation; each server votes at most
//! once per generation, so at most one server wins a majority in it. Random election
//! timeouts break ties between candidates.
//!
//! The mechanism switch `check-generation` turns the followers' check off: the returning
//! leader's stale heartbeats and writes are accepted, and writes get acknowledged by a
//! majority that was not in the writer's generation.

mod checker;
mod node;
mod scenarios;

pub use checker::{GenerationChecker, PROPERTIES};
pub use node::{
    Accepted, Client, GenerationNode, Msg, Note, Role, Server, ServerPlan, Timer, WriteId,
};
pub use scenarios::{GenerationScenario, CRASH, PARTITION, PAUSE, SPLIT_VOTE};

use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// The switch that makes followers check the generation.
pub const CHECK_GENERATION: &str = "check-generation";

/// The generation clock in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "generation",
    family: "Clocks",
    name: "Generation clock",
    problem: "A leader sends heartbeats to its followers. It goes away, and the followers \
              elect a new leader. Then the old leader comes back and sends heartbeats again. \
              How do the followers detect its heartbeats as stale, and how does the old \
              leader learn that a new one was elected?",
    solution: &[
        "The leader keeps a counter, the generation, that survives restarts.",
        "The leader sends its generation with every heartbeat (and every write it replicates).",
        "A follower accepts heartbeats from the highest generation it has seen.",
        "A follower rejects heartbeats from a lower generation and returns its own.",
        "When heartbeats time out, the followers elect a new leader.",
        "The new leader increments the generation; a rejected leader learns it and steps down.",
    ],
    properties: PROPERTIES,
    switches: &[SwitchSpec {
        name: CHECK_GENERATION,
        label: "Followers check the generation",
        when_off: "Followers accept heartbeats and writes from any generation, so a stale \
                   leader's heartbeats and writes are accepted beside the new leader's.",
    }],
    query: None,
};
