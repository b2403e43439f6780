//! Consistent core (notes, section 5).
//!
//! A large data cluster needs coordination — who is alive, who owns what, small pieces of
//! configuration — that must be linearizable. Running a majority-quorum protocol across
//! the whole data cluster would be slow. Instead a small management cluster (3 or 5
//! nodes) keeps that metadata, and the data cluster and clients ask it.
//!
//! The management cluster elects a leader by generations (terms) and keeps a replicated
//! log: an entry is committed, and a write acknowledged, only once a majority stored it.
//! Clients talk to any management node: a follower forwards writes to the leader it hears
//! from, answers reads from its own copy (saying they may be stale), and returns who owns a
//! partition *and who leads* (notes: "can return leader/master"), so the client then talks
//! to that data node, or to the leader, directly. A follower that has heard from no leader
//! lately says so at once rather than forward into silence, and the client asks again
//! shortly.
//!
//! Retries are deduplicated with the idempotent receiver's mechanism (`dedup.rs`): a
//! client numbers its requests, a retry keeps its number, and the replicated metadata
//! keeps each client's last applied request, so a retried put is answered, not applied
//! again — the first composition of two patterns in the playground.
//!
//! Data nodes register and renew a lease every 100 ms. Each node measures a lease on its
//! own wall clock: the data node from when it asked for the renewal, the leader from when
//! it granted it, plus a margin before it expires the node and gives its partitions to
//! another. That is only safe while clocks agree within the margin. Beyond the notes, the
//! simulation adds what makes it safe regardless: every ownership carries a fencing token
//! (the log index of the entry that gave it), data nodes write to a shared store `s1` with
//! their token, the leader tells the store each new token as it reassigns a partition, and
//! the store refuses older tokens.
//!
//! Mechanism switches: `ack-after-majority` (off: the leader acknowledges a write before a
//! majority has it, and a leader crash loses it) and `fencing-token` (off: the store takes
//! any write, and a data node whose clock is wrong writes after its lease ended).

mod checker;
mod client;
mod data;
mod dedup;
mod management;
mod meta;
mod msg;
mod node;
mod scenarios;
mod store;

pub use checker::{ConsistentChecker, PROPERTIES};
pub use client::{Client, Op};
pub use data::DataNode;
pub use management::{Management, ManagementPlan};
pub use meta::{Cmd, Entry, Meta, ReqId};
pub use msg::{Msg, Note, Owned, Peer, Timer};
pub use node::{ConsistentNode, Names};
pub use scenarios::{
    ConsistentScenario, DATA_FAILOVER, LEADER_CRASH, LEASE_CLOCK, LOOKUP, STALE_READ,
};
pub use store::Store;

use crate::sim::scenario::looks::{blue, brown, green, purple};
use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// The switch that makes the leader acknowledge only after a majority stored a write.
pub const ACK_AFTER_MAJORITY: &str = "ack-after-majority";
/// The switch that makes the store refuse writes carrying an older fencing token.
pub const FENCING: &str = "fencing-token";

/// The consistent core in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "consistent",
    family: "Requests",
    name: "Consistent core",
    problem: "A large data cluster needs consistent coordination: which nodes are alive, \
              which node leads or owns which part of the data, small pieces of \
              configuration. A majority quorum across the whole large cluster would be slow. \
              How do the data cluster and its clients get linearizable metadata cheaply?",
    solution: &[
        "Keep separate clusters for data and for management.",
        "The management cluster is small (3 or 5 nodes).",
        "It stores the metadata (get and put) in a log replicated to a majority.",
        "Clients talk to the management cluster; they need not know the data cluster.",
        "A management node forwards writes to its leader.",
        "A management node answers some read-only requests itself.",
        "A management node tells who leads and who owns what, and the client goes there.",
        "A retry keeps its request number; the core applies each request once (the idempotent \
         receiver's mechanism, inside the replicated log).",
        "Data nodes hold leases measured on their own clocks; beyond the notes, writes carry \
         a fencing token that the store checks, so a node whose clock is wrong cannot write \
         after the core gave its partition away.",
    ],
    properties: PROPERTIES,
    switches: &[
        SwitchSpec {
            name: ACK_AFTER_MAJORITY,
            label: "Acknowledge only after a majority",
            when_off: "The leader acknowledges a write as soon as it stored it itself; if it \
                       crashes before a majority has it, the acknowledged write is lost.",
        },
        SwitchSpec {
            name: FENCING,
            label: "Writes carry a fencing token",
            when_off: "The store takes any data node's write; a data node whose clock runs \
                       slow keeps writing after the core gave its partition to another node.",
        },
    ],
    query: None,
    roles: &[
        blue("client"),
        purple("management"),
        green("data"),
        brown("store"),
    ],
    metrics: &[],
    verbs: &[],
};
