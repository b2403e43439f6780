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
//! Two switches show what breaks: `final-clock` off lets each server commit with its own
//! clock (one transaction, several timestamps), and `hybrid` off replaces the hybrid
//! clocks with plain wall clocks (causality lost under skew; last-writer-wins loses an
//! acknowledged write).

mod checker;
mod hlc;
mod node;
mod scenarios;

pub use checker::{HybridChecker, PROPERTIES};
pub use hlc::{Hlc, HybridClock};
pub use node::{
    Coordinator, CoordinatorPlan, HybridNode, Msg, Note, Server, ServerPlan, Timer, TxId, TxPlan,
    Version,
};
pub use scenarios::{HybridScenario, COORDINATOR_CRASH, LAGGING, LAST_WRITER_WINS, TRANSACTION};

use crate::sim::scenario::{PatternInfo, QuerySpec, SwitchSpec};

/// The switch that makes the coordinator send its final clock as the commit timestamp.
pub const FINAL_CLOCK: &str = "final-clock";
/// The switch that makes clocks hybrid rather than plain wall clocks.
pub const HYBRID: &str = "hybrid";

/// The hybrid clock in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "hybrid",
    family: "Clocks",
    name: "Hybrid clock",
    problem: "A coordinator runs a transaction across several servers, and the transaction's \
              timestamp is used for versioning. All the servers must store the transaction \
              under the same timestamp, although their wall clocks disagree. How can that be \
              assured?",
    solution: &[
        "The coordinator and every server keep a hybrid clock (wall time plus a counter).",
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
            name: HYBRID,
            label: "Hybrid clocks",
            when_off: "Every node stamps with its plain wall clock: skew reorders causally \
                       related events, and last-writer-wins loses acknowledged writes.",
        },
    ],
    query: Some(QuerySpec {
        label: "Read as of",
        placeholder: "09:00:00.040000+0",
        help: "Every server's value of each key as of that hybrid timestamp, at the instant \
               shown. A read that a pending write could still change waits.",
    }),
};
