//! Consistent core (notes, section 5).
//!
//! A large data cluster needs coordination — who is alive, who owns what, small pieces of
//! configuration — that must be linearizable. Running a majority-quorum protocol across
//! the whole data cluster would be slow. Instead a small management cluster (3 or 5
//! nodes) keeps that metadata, and the data cluster and clients ask it.
//!
//! The management cluster elects a leader by generations (terms) and keeps a replicated
//! log: an entry is committed, and a write acknowledged, only once a majority stored it.
//! Data nodes register and renew a lease every 100 ms; a renewal is committed before the
//! leader answers it, and the leader reassigns what a data node owned only a lease and a
//! margin after its last committed renewal — so at no instant do two data nodes hold one
//! lease, even across a change of leader (a new leader first waits a full lease). Clients
//! talk to any management node: a follower forwards writes to the leader, answers reads
//! from its own copy (saying they may be stale), and tells who owns a partition, so the
//! client then talks to that data node directly.
//!
//! The mechanism switch `ack-after-majority` lets the leader acknowledge a write before
//! a majority has it: a leader crash then loses an acknowledged write.

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
        "A management node tells who leads or owns what, and the client goes there.",
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
};
