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
//! As in Raft, it is the candidate that increments the generation: a follower whose
//! election timeout runs out stands for election in its generation + 1, and leads that
//! generation if a majority votes for it.
//!
//! The mechanism switch `check-generation` turns the generation check on heartbeats and
//! writes off: servers neither reject a lower generation nor adopt a higher one, so a
//! returning leader is never told it was replaced and leads beside its successor; the
//! followers accept both leaders' writes, and a write is acknowledged on the word of
//! servers that had already moved to a newer generation.
//!
//! Where the simulation stops short of a full protocol: elections ignore the servers'
//! logs (Raft grants a vote only to a candidate whose log is as up to date as the
//! voter's), and a client's retry is a new write. So the checker promises nothing about
//! an acknowledged write surviving a change of leader, and a retried write can be stored
//! twice; its properties are about generations.

mod checker;
mod client;
mod messages;
mod node;
mod scenarios;
mod server;

pub use checker::{GenerationChecker, PROPERTIES};
pub use client::Client;
pub use messages::{Accepted, Heard, Msg, Note, Timer, WriteId};
pub use node::{GenerationNode, Names};
pub use scenarios::{GenerationScenario, CRASH, PARTITION, PAUSE, SPLIT_VOTE};
pub use server::{Role, Server, ServerPlan};

use crate::sim::scenario::looks::{blue, green};
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
        "Every server keeps a counter, the generation, that survives restarts.",
        "The leader sends its generation with every heartbeat (and every write it replicates).",
        "A follower accepts heartbeats from the highest generation it has seen.",
        "A follower rejects heartbeats from a lower generation and returns its own.",
        "When heartbeats time out, a follower increments the generation and stands for \
         election in it (the notes have the new leader increment it; here, as in Raft, the \
         candidate does, so its vote requests carry the new generation); a majority of votes makes \
         it the new leader.",
        "A rejected leader learns the higher generation from the rejection and steps down.",
        "In this simulation elections ignore the servers' logs and a client's retry is a new \
         write, so an acknowledged write is not promised to survive a change of leader and a \
         retried write can be stored twice: the properties here are about generations, not \
         log durability.",
    ],
    properties: PROPERTIES,
    switches: &[SwitchSpec {
        name: CHECK_GENERATION,
        label: "Servers check the generation",
        when_off: "Servers ignore the generation on heartbeats and writes: nobody rejects a \
                   stale leader, so it never learns it was replaced and leads beside the new \
                   leader, and the followers accept both leaders' writes.",
    }],
    query: None,
    roles: &[blue("client"), green("server")],
    metrics: &[],
    verbs: &[],
};
