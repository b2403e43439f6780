//! # Message broker
//!
//! **Problem.** Producers and consumers that talk directly must both be up, equally fast
//! and know each other. A broker sits between them: producers publish to a queue, and
//! competing consumers take messages from it. But a queue only decouples them if it does
//! not lose messages (a consumer dies holding some, the broker restarts), does not let
//! one bad message block the rest, and hands work out at the pace consumers can take it.
//!
//! **Solution.** (RabbitMQ's model.) A consumer *acknowledges* a message once it has
//! processed it; until then the broker keeps it and hands it out again if the consumer's
//! connection goes away. A *prefetch limit* caps how many unacknowledged messages one
//! consumer may hold: too low and it idles between round trips, unlimited and the whole
//! backlog moves into one consumer where nobody else can take it. A message delivered
//! too many times (a *poison* message that crashes every consumer that reads it) goes to a
//! *dead-letter queue* after a delivery limit. *Durable* queues keep their messages on disk
//! across a broker crash; transient ones lose them. With *topics* a producer gives each
//! message a routing key, and the broker copies it into every queue whose binding pattern
//! matches (publish/subscribe, fan-out): each subscriber has its own queue, gets only what
//! is published after it bound, and a transient queue disappears in a crash, with its
//! copies, by design.
//!
//! The checker keeps a ledger from the trace, one line per copy (a message in one queue):
//! a copy is accepted when a publish reaches the broker and the queue is bound with a
//! matching pattern, out when the broker sends it to a consumer of that queue,
//! acknowledged when that delivery's ack reaches the broker, dead-lettered when the broker
//! sends it to the dead-letter queue. Not modelled: publisher confirms (a publish sent while the broker is
//! down is lost before the broker accepted it), heartbeats (the broker learns that a
//! consumer's connection is gone when the consumer connects again), exchanges other than
//! one topic exchange.

mod captions;
mod checker;
mod consumer;
mod msg;
mod node;
mod producer;
mod scenarios;
mod server;
mod store;
mod topics;

pub use checker::{BrokerChecker, PROPERTIES};
pub use msg::{Msg, Note, Timer};
pub use node::BrokerNode;
pub use scenarios::{BrokerScenario, CRASHES, POISON, PREFETCH, SLOW_CONSUMER, TOPICS};

use crate::patterns::slowable::slow_verb;
use crate::sim::metrics::{MetricKind, MetricSpec, QUEUE};
use crate::sim::scenario::looks::{blue, brown, green, purple};
use crate::sim::scenario::{PatternInfo, SwitchSpec, VerbSpec};

/// Metric: messages ready in the broker's queue (from the trace).
const READY: usize = 0;
/// Metric: messages out at consumers, not yet acknowledged (from the trace).
const UNACKED: usize = 1;
// Metric 2: messages waiting at each consumer (the engine's queue, recorded by the engine).
/// Metric: each consumer's share of time spent processing (from the trace).
const BUSY: usize = 3;
/// Metric: messages acknowledged (from the trace).
const ACKED: usize = 4;
/// Metric: deliveries of a message already delivered before (from the trace).
const REDELIVERED: usize = 5;

/// The switch that keeps queues and messages on disk.
pub const DURABLE: &str = "durable";
/// The switch that makes consumers acknowledge after processing.
pub const MANUAL_ACK: &str = "manual-ack";
/// The switch that dead-letters a message after [`DELIVERY_LIMIT`] deliveries.
pub const DEAD_LETTER: &str = "dead-letter";

/// Deliveries of one message before the broker dead-letters it.
pub const DELIVERY_LIMIT: u32 = 5;
/// More messages ready than this breaks the contrast "short-queue".
pub const SHORT_QUEUE: u32 = 100;

/// The message broker in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "broker",
    family: "Integration",
    name: "Message broker",
    problem: "Producers and consumers that call each other directly must be up at the same \
              time and run at the same pace. A broker's queue decouples them, if it loses \
              no message when a consumer or the broker crashes, if one bad message cannot \
              block the rest, and if it hands work out as fast as consumers can take it.",
    solution: &[
        "Producers publish to a queue; competing consumers take turns taking messages from \
         it (round robin).",
        "A consumer acknowledges a message once processed; until then the broker keeps it, \
         and hands it out again when the consumer connects anew (it crashed or lost its \
         connection).",
        "A prefetch limit caps the unacknowledged messages one consumer holds: it must \
         cover a round trip's worth of processing, or the consumer idles between \
         deliveries; unlimited, the backlog piles up in whichever consumer was there.",
        "A message delivered five times (the delivery limit) goes to the dead-letter \
         queue: a poison message that fails every consumer stops blocking the queue.",
        "A durable queue with persistent messages survives a broker crash; a transient \
         one loses everything it held.",
        "With topics, each message carries a routing key and the broker copies it into \
         every queue whose binding matches (* one word, # any number): each subscriber \
         has its own queue, and gets only what was published after it bound.",
        "Not in the notes: one producer publishing at a steady rate; the broker learns that \
         a consumer's connection is gone only when the consumer connects again (no \
         heartbeats); publishes sent while the broker is down are lost before it accepted \
         them (no publisher confirms).",
    ],
    properties: PROPERTIES,
    switches: &[
        SwitchSpec {
            name: DURABLE,
            label: "Durable queues, persistent messages",
            when_off: "Messages are not persistent: a broker crash loses every message a \
                       queue held, ready or out at a consumer, even in a durable queue.",
        },
        SwitchSpec {
            name: MANUAL_ACK,
            label: "Consumers acknowledge after processing",
            when_off: "Automatic acknowledgement: the broker forgets a message as soon as it \
                       sends it, and ignores the prefetch limit; a consumer that crashes \
                       loses whatever it held.",
        },
        SwitchSpec {
            name: DEAD_LETTER,
            label: "Dead-letter queue after 5 deliveries",
            when_off: "No delivery limit: a message that fails every consumer is requeued \
                       and delivered again forever.",
        },
    ],
    query: None,
    roles: &[
        blue("producer"),
        purple("broker"),
        green("consumer"),
        brown("dead letters"),
    ],
    metrics: &[
        MetricSpec {
            id: "ready",
            label: "Ready in the queue",
            kind: MetricKind::Gauge,
            unit: "messages",
            per_node: false,
            help: "Messages the broker holds ready for delivery, counted from the trace: \
                   accepted, not out at a consumer, not yet acknowledged.",
        },
        MetricSpec {
            id: "unacked",
            label: "Out at consumers, unacknowledged",
            kind: MetricKind::Gauge,
            unit: "messages",
            per_node: false,
            help: "Messages sent to a consumer and not yet acknowledged, counted from the \
                   trace: at most the prefetch limit per consumer.",
        },
        MetricSpec {
            label: "Waiting at consumers",
            help: "Per consumer, messages that reached it and wait to be processed: the \
                   backlog a large prefetch moves out of the queue.",
            per_node: true,
            ..QUEUE
        },
        MetricSpec {
            id: "busy",
            label: "Consumer utilisation",
            kind: MetricKind::Gauge,
            unit: "%",
            per_node: true,
            help: "Per consumer, the share of each 100 ms it spent processing, from the \
                   trace (a message's processing runs from when the consumer takes it up \
                   to when it is done).",
        },
        MetricSpec {
            id: "acked",
            label: "Acknowledged",
            kind: MetricKind::Counter,
            unit: "messages",
            per_node: false,
            help: "Messages whose acknowledgement reached the broker (with automatic \
                   acknowledgement: that reached a consumer's handler), from the trace.",
        },
        MetricSpec {
            id: "redelivered",
            label: "Redeliveries",
            kind: MetricKind::Counter,
            unit: "messages",
            per_node: false,
            help: "Deliveries of a message the broker had delivered before (it was \
                   rejected, or its consumer reconnected, or the broker restarted), from \
                   the trace.",
        },
    ],
    verbs: &[
        VerbSpec {
            name: "poison",
            label: "Publish a poison message",
            help: "The producer publishes a message that fails every consumer that \
                   processes it: the consumer rejects it and the broker requeues it.",
            roles: &["producer"],
            arg: None,
        },
        slow_verb(
            &["consumer"],
            "Multiply this consumer's processing time (a slow database behind it); 1 makes \
             it normal again.",
            50,
            10,
        ),
    ],
};
