//! # Service bus
//!
//! **Problem.** Systems that integrate point to point must each speak every partner's
//! format and know where to send what; nobody can say where a given message went.
//!
//! **Solution.** An enterprise service bus in the middle: every system sends to the bus
//! in its own format; the bus converts each message through a canonical model into the
//! receiver's format and routes it by content (orders to shipping, invoices to billing).
//! What cannot be converted or routed goes to an *invalid-message channel*, not into the
//! void. The bus keeps each message's *history* (correlation id, each hop with its time),
//! so anyone can ask where a message is. The price: every message passes through the
//! bus, so it is a bottleneck (its queue grows once arrivals exceed its service rate,
//! Little's law) and a single point of failure (its crash stops every integration).
//!
//! Formats are labels, not parsed text: a message is either convertible or malformed.

mod checker;
mod msg;
mod node;
mod scenarios;

pub use checker::{BusChecker, PROPERTIES};
pub use msg::{Format, Kind, Msg, Note, Timer};
pub use node::{Bus, BusNode, Routes, Source, Target};
pub use scenarios::{BusScenario, ACCOUNTABILITY, BOTTLENECK, ROUTING};

use crate::sim::metrics::{MetricKind, MetricSpec, QUEUE};
use crate::sim::scenario::looks::{blue, brown, green, purple};
use crate::sim::scenario::{PatternInfo, QuerySpec, SwitchSpec};

/// Metric: from a system's send to the receiver (from the trace).
const LATENCY: usize = 0;
/// Metric: messages the bus routed to a system (from the trace).
const ROUTED: usize = 1;
/// Metric: messages the bus put on the invalid-message channel (from the trace).
const INVALID: usize = 2;

/// A message slower than this breaks the contrast "prompt".
pub const SLOW_US: u64 = 100_000;

/// The switch that sends what cannot go anywhere to the invalid-message channel.
pub const INVALID_CHANNEL: &str = "invalid-channel";
/// The switch that records a delivery in the history when the receiver confirms it.
pub const CONFIRMED_HISTORY: &str = "confirmed-history";

/// The service bus in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "bus",
    family: "Integration",
    name: "Service bus",
    problem: "Systems that speak different formats (JSON, XML, CSV, fixed-width) must \
              exchange orders and invoices: point to point, each must know every partner's \
              format and address, and nobody can say where a message went.",
    solution: &[
        "Every system sends to the bus in its own format; the bus converts each message \
         through a canonical model into the receiver's format.",
        "Content-based routing: orders go to shipping, invoices to billing; what no route \
         takes, or what cannot be converted, goes to the invalid-message channel.",
        "Accountability: the bus keeps each message's history under its correlation id \
         (hops and times): ask where message 17 is.",
        "The bus is one hop for everything: its queue grows once messages arrive faster \
         than it handles them, and when it is down no system reaches any other.",
        "Not in the notes: formats are labels (a message is convertible or malformed), \
         and a receiver confirms each message to the bus.",
    ],
    properties: PROPERTIES,
    switches: &[
        SwitchSpec {
            name: INVALID_CHANNEL,
            label: "An invalid-message channel",
            when_off: "A message the bus cannot convert or route is dropped, silently.",
        },
        SwitchSpec {
            name: CONFIRMED_HISTORY,
            label: "History records a delivery once the receiver confirms it",
            when_off: "The history records a message as delivered when the bus sends it: \
                       a message to a system that is down is recorded as delivered.",
        },
    ],
    query: Some(QuerySpec {
        label: "Where is message",
        placeholder: "17",
        help: "Its hops from the trace (sent, routed, reached) next to what the bus's \
               history records.",
    }),
    roles: &[
        blue("sender"),
        purple("bus"),
        green("receiver"),
        brown("invalid"),
    ],
    metrics: &[
        MetricSpec {
            id: "latency",
            label: "Time to the receiver",
            kind: MetricKind::Latency,
            unit: "µs",
            per_node: false,
            help: "From a system's send to the receiver, through the bus's queue, \
                   conversion and routing (from the trace).",
        },
        MetricSpec {
            id: "routed",
            label: "Routed",
            kind: MetricKind::Counter,
            unit: "messages",
            per_node: false,
            help: "Messages the bus sent to the system their route names (from the trace).",
        },
        MetricSpec {
            id: "invalid",
            label: "To the invalid-message channel",
            kind: MetricKind::Counter,
            unit: "messages",
            per_node: false,
            help: "Messages the bus could not convert or route (from the trace).",
        },
        MetricSpec {
            label: "Waiting at the bus",
            help: "Messages queued at the bus for conversion and routing.",
            ..QUEUE
        },
    ],
    verbs: &[],
};
