//! Hybrid clock and transaction timestamps (notes, section 3).
//!
//! A coordinator starts a transaction across several servers, and the transaction's
//! timestamp versions the data. Every server must store the transaction under the same
//! timestamp, although their wall clocks disagree.
//!
//! Each node keeps a hybrid logical clock (`hlc.rs`): a wall-clock part that stays close to
//! its wall clock, and a counter for events the wall clock cannot tell apart. The
//! coordinator sends its clock with each write; each server writes the value
//! provisionally, updates its clock and returns it; the coordinator updates its clock from
//! every answer, and finally sends commit with its final clock to every server, which
//! stores the value under exactly that timestamp. Servers keep every version and answer
//! reads "as of" a timestamp; a pending version is never visible, and a read that a
//! pending version could still affect waits.
//!
//! The notes run this transaction with Lamport clocks. The simulation uses a hybrid
//! clock instead, because a version stamped with it can also be read "as of" a time of
//! day. Two switches take a part of the timestamp away so a learner can compare the three
//! kinds: `carry-wall` off leaves the notes' pure Lamport counter (causality kept, but a
//! read as of 09:00:00.040 cannot be answered), `carry-counter` off leaves the plain wall
//! clock (causality lost under skew; last-writer-wins loses an acknowledged write). A
//! third switch, `final-clock`, off lets each server commit with its own clock (one
//! transaction, several timestamps).

mod checker;
mod coordinator;
mod hlc;
mod ledger;
mod node;
mod protocol;
mod scenarios;
mod server;

pub use checker::{HybridChecker, PROPERTIES};
pub use coordinator::{Coordinator, CoordinatorPlan, TxPlan};
pub use hlc::{ClockParts, Hlc, HybridClock};
pub use node::HybridNode;
pub use protocol::{Msg, Note, Timer, TxId, TxOutcome, Version};
pub use scenarios::{HybridScenario, COORDINATOR_CRASH, LAGGING, LAST_WRITER_WINS, TRANSACTION};
pub use server::{read_as_of, Server, ServerPlan};

use crate::sim::scenario::looks::{green, purple};
use crate::sim::scenario::{PatternInfo, QuerySpec, SwitchSpec};

/// The switch that makes the coordinator send its final clock as the commit timestamp.
pub const FINAL_CLOCK: &str = "final-clock";
/// The switch that puts the wall-clock part into timestamps (off: a pure Lamport counter).
pub const CARRY_WALL: &str = "carry-wall";
/// The switch that puts the logical counter into timestamps (off: the plain wall clock).
pub const CARRY_COUNTER: &str = "carry-counter";

/// The hybrid clock in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "hybrid",
    family: "Clocks",
    name: "Hybrid clock",
    problem: "A coordinator runs a transaction across several servers, and the transaction's \
              timestamp is used for versioning. All the servers must store the transaction \
              under the same timestamp, although their wall clocks disagree. How can that be \
              assured? The notes answer with Lamport clocks; this simulation uses a hybrid \
              clock (wall time plus a counter), which keeps the Lamport clock's order and \
              also tells the time of day, so versions can be read as of 09:00:00.040. Switch \
              off either part to compare: without the wall part it is the notes' Lamport \
              counter, without the counter a plain wall clock.",
    solution: &[
        "The coordinator and every server keep a hybrid clock: wall time plus a counter (the \
         notes use a Lamport counter alone; the wall part is this simulation's addition).",
        "The coordinator sends its clock with each write of the transaction.",
        "The server writes the value provisionally and answers with its updated clock.",
        "The coordinator updates its clock from the answer; repeat for every server.",
        "The coordinator sends its final clock with the commit to every server.",
        "Each server commits the value with the coordinator's clock as its version.",
    ],
    properties: PROPERTIES,
    switches: &[
        SwitchSpec {
            name: FINAL_CLOCK,
            label: "Commit with the coordinator's final clock",
            when_off: "Each server commits with its own clock, so one transaction is stored \
                       under several timestamps and a read between them sees part of it.",
        },
        SwitchSpec {
            name: CARRY_WALL,
            label: "Timestamps carry the wall clock",
            when_off: "Timestamps are pure Lamport counters, as in the notes: order is kept, \
                       but a timestamp no longer tells the time of day, so no version can be \
                       read as of 09:00:00.040.",
        },
        SwitchSpec {
            name: CARRY_COUNTER,
            label: "Timestamps carry a logical counter",
            when_off: "Timestamps are plain wall-clock readings: a node cannot count past a \
                       message stamped later than its own clock, so under skew an effect is \
                       stamped before its cause and last-writer-wins loses acknowledged writes.",
        },
    ],
    query: Some(QuerySpec {
        label: "Read as of",
        placeholder: "09:00:00.040000+0",
        help: "Every server's value of each key as of that time of day, at the instant shown. \
               A read that a pending write could still change waits; versions stamped with a \
               Lamport counter alone cannot be read as of a time of day.",
    }),
    roles: &[purple("coordinator"), green("server")],
    metrics: &[],
    verbs: &[],
};
