//! Checks the idempotent receiver's promises after every step, from the trace alone.
//!
//! An *operation* is what a client node was asked to do: its first add, its second…
//! It is keyed by the client node (the sender the engine recorded) and the operation
//! number the client put in the request, never by the ids the server hands out: after
//! a session expires or a client crashes, the same operation can travel under a new
//! client id, and a checker keyed by that id would not see it applied twice.
//!
//! The checker attributes each "applied" event to the request being delivered in that
//! step, maps every (client id, request number) the server answers to the operation that
//! was sent under that name, and counts sessions from the server's open and expire
//! events.

use std::collections::{BTreeMap, BTreeSet};

use super::messages::{Msg, Note, Outcome};
use super::node::IdempotentNode;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::{Measure, MetricKind, MetricSpec};
use crate::sim::node::NodeId;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "applied-at-most-once",
        sentence: "No operation a client asked for is applied more than once, whatever \
                   client id it travels under.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "counter-counts-each-operation-once",
        sentence: "The counter equals the sum of the distinct operations applied: each \
                   operation counts once.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "retry-same-response",
        sentence: "Every answer that says an operation was applied says what its first \
                   such answer said.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "answered-means-applied-once",
        sentence: "Every operation whose “applied” answer reached its client was applied \
                   exactly once.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "sessions-bounded",
        sentence: "The server never holds more sessions than its limit (counted from the \
                   sessions it opened and expired).",
        kind: PropertyKind::Guarantee,
    },
];

/// The metrics, counted by the checker from the trace, in chart order.
pub const METRICS: &[MetricSpec] = &[
    MetricSpec {
        id: "retries",
        label: "Retries",
        kind: MetricKind::Counter,
        unit: "requests",
        per_node: false,
        help: "Requests a client sent again because no answer came in time.",
    },
    MetricSpec {
        id: "answered-from-session",
        label: "Duplicates answered from the session",
        kind: MetricKind::Counter,
        unit: "requests",
        per_node: false,
        help: "Retried or duplicated requests the server answered from the session \
               instead of applying them again.",
    },
    MetricSpec {
        id: "applied-again",
        label: "Operations applied again",
        kind: MetricKind::Counter,
        unit: "operations",
        per_node: false,
        help: "Applications of an operation that had already been applied (zero while \
               the pattern holds).",
    },
];

const RETRIES: usize = 0;
const FROM_SESSION: usize = 1;
const APPLIED_AGAIN: usize = 2;

const AT_MOST_ONCE: usize = 0;
const COUNTER: usize = 1;
const SAME_RESPONSE: usize = 2;
const ANSWERED_ONCE: usize = 3;
const BOUNDED: usize = 4;

/// An operation: the client node that was asked to do it, and which of its operations.
type Operation = (NodeId, u32);

/// A request's name on the wire: (server-assigned client id, request number).
type WireName = (u32, u32);

/// An operation's history as the trace tells it.
#[derive(Clone, Debug, Default)]
struct Applications {
    /// The wire names it was applied under, one per application.
    names: Vec<WireName>,
    /// The first answer that said it was applied.
    first_answer: Option<Outcome>,
    /// Whether an "applied" answer reached its client.
    answered: bool,
}

/// The idempotent receiver's checker.
#[derive(Clone, Debug)]
pub struct IdempotentChecker {
    names: Vec<String>,
    max_sessions: usize,
    /// The request being delivered in the current step, with its amount.
    delivering: Option<(Operation, WireName, u64)>,
    /// Which operation each wire name was sent for.
    wire: BTreeMap<WireName, Operation>,
    ops: BTreeMap<Operation, Applications>,
    /// The sum of the amounts of the distinct operations applied.
    distinct_sum: u64,
    /// The counter as the latest application reported it.
    counter: u64,
    /// Operations a client reported with an unknown outcome.
    unknown: Vec<Operation>,
    open_sessions: BTreeSet<u32>,
    found: Vec<Breach>,
    /// Measurements of the current step, handed to the engine after it.
    measured: Vec<Measure>,
}

impl IdempotentChecker {
    /// A fresh checker for nodes named `names`, with a server keeping at most
    /// `max_sessions` sessions.
    pub fn new(names: &[String], max_sessions: usize) -> IdempotentChecker {
        IdempotentChecker {
            names: names.to_vec(),
            max_sessions,
            delivering: None,
            wire: BTreeMap::new(),
            ops: BTreeMap::new(),
            distinct_sum: 0,
            counter: 0,
            unknown: Vec::new(),
            open_sessions: BTreeSet::new(),
            found: Vec::new(),
            measured: Vec::new(),
        }
    }

    fn describe(&self, (node, op): Operation) -> String {
        let name = self.names.get(node.index()).map_or("?", String::as_str);
        format!("{name}'s op {op}")
    }

    fn breach(&mut self, property: usize, index: usize, detail: String) {
        self.found.push(Breach {
            property,
            event: Some(index),
            detail,
        });
    }

    fn count(&mut self, metric: usize, node: Option<NodeId>) {
        self.measured.push(Measure {
            metric,
            node,
            value: 1,
        });
    }

    fn on_applied(&mut self, index: usize, counter: u64) {
        let Some((op, name, amount)) = self.delivering else {
            return;
        };
        let history = self.ops.entry(op).or_default();
        history.names.push(name);
        let (times, answered) = (history.names.len(), history.answered);
        let names: Vec<String> = history
            .names
            .iter()
            .map(|(c, r)| format!("client {c} r{r}"))
            .collect();
        if times == 1 {
            self.distinct_sum += amount;
        } else {
            self.count(APPLIED_AGAIN, None);
        }
        self.counter = counter;
        let what = self.describe(op);
        if times > 1 {
            let detail = format!(
                "{what} was applied {times} times (as {})",
                names.join(", then ")
            );
            self.breach(AT_MOST_ONCE, index, detail);
            if answered {
                let detail = format!("{what} was answered “applied”, then applied again");
                self.breach(ANSWERED_ONCE, index, detail);
            }
        }
        if counter != self.distinct_sum {
            let detail = format!(
                "after {what} the counter is {counter}, but the distinct operations applied \
                 add up to {}",
                self.distinct_sum
            );
            self.breach(COUNTER, index, detail);
        }
    }

    fn on_answer_sent(&mut self, index: usize, name: WireName, outcome: Outcome) {
        let Some(&op) = self.wire.get(&name) else {
            return;
        };
        let what = self.describe(op);
        let history = self.ops.entry(op).or_default();
        match history.first_answer {
            None => history.first_answer = Some(outcome),
            Some(first) if first != outcome => {
                let detail = format!("{what} was first answered “{first}”, now “{outcome}”");
                self.breach(SAME_RESPONSE, index, detail);
            }
            Some(_) => {}
        }
    }

    fn on_answer_delivered(&mut self, index: usize, name: WireName) {
        let Some(&op) = self.wire.get(&name) else {
            return;
        };
        let what = self.describe(op);
        let history = self.ops.entry(op).or_default();
        history.answered = true;
        let times = history.names.len();
        if times != 1 {
            let detail =
                format!("{what} reached its client as applied, but was applied {times} times");
            self.breach(ANSWERED_ONCE, index, detail);
        }
    }

    fn on_session_opened(&mut self, index: usize, client: u32) {
        self.open_sessions.insert(client);
        let open = self.open_sessions.len();
        if open > self.max_sessions {
            let detail = format!(
                "session of client {client} opened: {open} sessions open (limit {})",
                self.max_sessions
            );
            self.breach(BOUNDED, index, detail);
        }
    }
}

impl Checker<IdempotentNode> for IdempotentChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<IdempotentNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        match (&event.kind, msg) {
            (EventKind::Deliver { from, .. }, Some(record)) => match record.payload {
                Msg::Request {
                    client,
                    req,
                    op,
                    amount,
                    ..
                } => {
                    let operation = (*from, op);
                    self.wire.entry((client, req)).or_insert(operation);
                    self.delivering = Some((operation, (client, req), amount));
                }
                Msg::Response {
                    client,
                    req,
                    outcome: Outcome::Applied(_),
                } => {
                    self.delivering = None;
                    self.on_answer_delivered(index, (client, req));
                }
                _ => self.delivering = None,
            },
            (EventKind::Send { .. }, Some(record)) => {
                if let Msg::Response {
                    client,
                    req,
                    outcome: outcome @ Outcome::Applied(_),
                } = record.payload
                {
                    self.on_answer_sent(index, (client, req), outcome);
                }
            }
            (EventKind::Note(note), _) => match note {
                Note::Applied { counter, .. } => self.on_applied(index, *counter),
                Note::SessionOpened { client } => self.on_session_opened(index, *client),
                Note::SessionExpired { client } => {
                    self.open_sessions.remove(client);
                }
                Note::Retry { .. } => self.count(RETRIES, event.node),
                Note::FromSession { .. } => self.count(FROM_SESSION, event.node),
                Note::OutcomeUnknown { op } => {
                    if let Some(node) = event.node {
                        self.unknown.push((node, *op));
                    }
                }
                _ => {}
            },
            (EventKind::Start | EventKind::Timer(_) | EventKind::Action(_), _) => {
                self.delivering = None;
            }
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[IdempotentNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        out.append(&mut self.found);
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        out.append(&mut self.measured);
    }

    fn facts(&self, _nodes: &[IdempotentNode]) -> Vec<(&'static str, String)> {
        let applied = |op: &Operation| self.ops.get(op).map_or(0, |h| h.names.len());
        let distinct = self.ops.values().filter(|h| !h.names.is_empty()).count();
        let total: usize = self.ops.values().map(|h| h.names.len()).sum();
        let listed = |ops: Vec<String>| {
            if ops.is_empty() {
                "none".to_string()
            } else {
                ops.join(", ")
            }
        };
        let twice = self
            .ops
            .iter()
            .filter(|(_, h)| h.names.len() > 1)
            .map(|(op, h)| format!("{} ×{}", self.describe(*op), h.names.len()))
            .collect();
        let unknown = self
            .unknown
            .iter()
            .map(|op| format!("{} (applied {}×)", self.describe(*op), applied(op)))
            .collect();
        vec![
            ("Counter", self.counter.to_string()),
            (
                "Operations applied",
                format!("{distinct} distinct, {total} applications"),
            ),
            ("Applied more than once", listed(twice)),
            ("Outcome unknown to the client", listed(unknown)),
        ]
    }
}

#[cfg(test)]
mod tests;
