//! Lamport clock (notes, section 1).
//!
//! Several clients store events on several servers whose wall clocks cannot be trusted.
//! How can the stored events be replayed in an order that respects causality?
//!
//! Every client and server keeps a counter. A client sends its counter with each write;
//! the server sets its counter to `max(local, received) + 1`, stores the event with that
//! value and returns it; the client moves its counter the same way. If event `a` happened
//! before event `b` (a chain of messages and local steps leads from one to the other),
//! then `ts(a) < ts(b)`, whatever the wall clocks say. The converse does not hold:
//! concurrent events still get ordered timestamps, so the timestamp order is total while
//! the causal order is only partial.
//!
//! The checker computes happened-before independently, with vector clocks over the trace,
//! and checks the guarantee for every pair of stored events. The mechanism switch
//! `carry-clock` turns off the client's part, and the guarantee breaks.

mod checker;
mod clock;
mod node;
mod replay;
mod scenarios;

pub use checker::{LamportChecker, PROPERTIES};
pub use clock::LamportClock;
pub use node::{Client, ClientPlan, EventName, LamportNode, Msg, Note, Server, Timer};
pub use scenarios::{LamportScenario, CONCURRENT, SKEW};

use crate::sim::scenario::looks::{blue, green};
use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// The switch that makes clients carry their clock.
pub const CARRY_CLOCK: &str = "carry-clock";

/// The Lamport clock in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "lamport",
    family: "Clocks",
    name: "Lamport clock",
    problem: "Several clients fire events that are stored across several servers. The \
              servers' wall clocks are not reliable, so their timestamps cannot say in which \
              order the events happened. How can the stored events be replayed in an order \
              that respects cause and effect?",
    solution: &[
        "The client sends its current counter along with each request.",
        "The server sets its counter to the larger of its own and the received counter, plus one.",
        "The server stores the event with that counter as its timestamp.",
        "The server returns the timestamp to the client.",
        "The client sets its counter to the larger of its own and the returned one, plus one.",
    ],
    properties: PROPERTIES,
    switches: &[SwitchSpec {
        name: CARRY_CLOCK,
        label: "Clients carry their clock",
        when_off: "Clients send no clock and ignore the timestamps servers return, so a \
                   server that has seen fewer events can stamp a later event with a smaller \
                   timestamp.",
    }],
    query: None,
    roles: &[blue("client"), green("server")],
    metrics: &[],
    verbs: &[],
};
