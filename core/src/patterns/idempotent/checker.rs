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
mod tests {
    use super::*;
    use crate::sim::node::NodeStatus;
    use crate::sim::time::SimTime;
    use crate::sim::trace::{Fate, MsgId};

    const C1: u32 = 0;
    const S1: u32 = 2;

    fn names() -> Vec<String> {
        ["c1", "c2", "s1"].iter().map(|s| s.to_string()).collect()
    }

    /// One step of a hand-built trace: the event, and the message it carries, if any.
    struct Step {
        node: u32,
        kind: EventKind<IdempotentNode>,
        msg: Option<MessageRecord<Msg>>,
    }

    fn record(from: u32, to: u32, payload: Msg) -> MessageRecord<Msg> {
        MessageRecord {
            from: NodeId(from),
            to: NodeId(to),
            sent_at: SimTime(0),
            copy_of: None,
            payload,
        }
    }

    fn request(client: u32, req: u32, op: u32) -> Msg {
        Msg::Request {
            client,
            req,
            op,
            amount: 1,
            acked: 0,
        }
    }

    /// `from` sends `op` as (client, req) and the server receives it.
    fn deliver_request(from: u32, client: u32, req: u32, op: u32) -> Step {
        Step {
            node: S1,
            kind: EventKind::Deliver {
                msg: MsgId(0),
                from: NodeId(from),
            },
            msg: Some(record(from, S1, request(client, req, op))),
        }
    }

    fn applied(client: u32, req: u32, counter: u64) -> Step {
        Step {
            node: S1,
            kind: EventKind::Note(Note::Applied {
                client,
                req,
                counter,
            }),
            msg: None,
        }
    }

    fn answer(client: u32, req: u32, counter: u64) -> Msg {
        Msg::Response {
            client,
            req,
            outcome: Outcome::Applied(counter),
        }
    }

    fn send_answer(to: u32, client: u32, req: u32, counter: u64) -> Step {
        Step {
            node: S1,
            kind: EventKind::Send {
                msg: MsgId(1),
                to: NodeId(to),
                fate: Fate::Arrives(SimTime(1)),
            },
            msg: Some(record(S1, to, answer(client, req, counter))),
        }
    }

    fn deliver_answer(to: u32, client: u32, req: u32, counter: u64) -> Step {
        Step {
            node: to,
            kind: EventKind::Deliver {
                msg: MsgId(1),
                from: NodeId(S1),
            },
            msg: Some(record(S1, to, answer(client, req, counter))),
        }
    }

    fn note(node: u32, note: Note) -> Step {
        Step {
            node,
            kind: EventKind::Note(note),
            msg: None,
        }
    }

    fn run_with_limit(steps: Vec<Step>, max_sessions: usize) -> (Vec<Breach>, IdempotentChecker) {
        let mut checker = IdempotentChecker::new(&names(), max_sessions);
        let mut out = Vec::new();
        for (i, step) in steps.into_iter().enumerate() {
            let event = TraceEvent {
                time: SimTime(i as u64),
                node: Some(NodeId(step.node)),
                kind: step.kind,
            };
            checker.observe(i, &event, step.msg.as_ref());
            let world = World {
                now: SimTime(i as u64),
                status: &[NodeStatus::Up; 3],
                clocks: &[],
            };
            checker.check(&[], &world, &mut out);
        }
        (out, checker)
    }

    fn run(steps: Vec<Step>) -> (Vec<Breach>, IdempotentChecker) {
        run_with_limit(steps, 8)
    }

    fn broken(breaches: &[Breach], property: usize) -> Vec<&Breach> {
        breaches.iter().filter(|b| b.property == property).collect()
    }

    #[test]
    fn an_operation_resent_under_a_new_client_id_is_caught_applied_twice() {
        // c1's op 3 is applied as client 1 r3; its answer is lost, the session expires,
        // and c1 resends op 3 blindly as client 2 r1: the server applies it again.
        // (Its first two operations are left out: the counter starts at 0 here.)
        let steps = vec![
            deliver_request(C1, 1, 3, 3),
            applied(1, 3, 1),
            send_answer(C1, 1, 3, 1),
            deliver_request(C1, 2, 1, 3),
            applied(2, 1, 2),
            send_answer(C1, 2, 1, 2),
        ];
        let (breaches, checker) = run(steps);
        let twice = broken(&breaches, AT_MOST_ONCE);
        assert_eq!(twice.len(), 1);
        assert_eq!(twice[0].event, Some(4));
        assert_eq!(
            twice[0].detail,
            "c1's op 3 was applied 2 times (as client 1 r3, then client 2 r1)"
        );
        let counter = broken(&breaches, COUNTER);
        assert_eq!(counter.len(), 1);
        assert_eq!(counter[0].event, Some(4));
        assert_eq!(
            counter[0].detail,
            "after c1's op 3 the counter is 2, but the distinct operations applied add up to 1"
        );
        let same = broken(&breaches, SAME_RESPONSE);
        assert_eq!(same.len(), 1);
        assert_eq!(same[0].event, Some(5));
        assert_eq!(
            same[0].detail,
            "c1's op 3 was first answered “ok counter=1”, now “ok counter=2”"
        );
        let facts = checker.facts(&[]);
        assert_eq!(facts[2].1, "c1's op 3 ×2");
    }

    #[test]
    fn distinct_operations_under_the_same_client_id_are_not_confused() {
        // c1 and c2 each do one operation; c1's first under two ids would be a breach,
        // but these are different operations.
        let steps = vec![
            deliver_request(C1, 1, 1, 1),
            applied(1, 1, 1),
            deliver_request(1, 2, 1, 1),
            applied(2, 1, 2),
            deliver_request(C1, 1, 2, 2),
            applied(1, 2, 3),
            deliver_answer(C1, 1, 2, 3),
        ];
        let (breaches, checker) = run(steps);
        assert!(breaches.is_empty(), "{breaches:?}");
        assert_eq!(checker.facts(&[])[1].1, "3 distinct, 3 applications");
    }

    #[test]
    fn a_counter_that_moves_without_an_operation_breaks_the_state_check() {
        // Two distinct operations, but the second application reports counter=3.
        let steps = vec![
            deliver_request(C1, 1, 1, 1),
            applied(1, 1, 1),
            deliver_request(C1, 1, 2, 2),
            applied(1, 2, 3),
        ];
        let (breaches, _) = run(steps);
        assert_eq!(breaches.len(), 1);
        assert_eq!(breaches[0].property, COUNTER);
        assert_eq!(breaches[0].event, Some(3));
        assert_eq!(
            breaches[0].detail,
            "after c1's op 2 the counter is 3, but the distinct operations applied add up to 2"
        );
    }

    #[test]
    fn a_retry_answered_differently_breaks_retry_same_response() {
        // The server answers c1's op 1 twice (the first answer and a retry) with
        // different values, though it applied the operation once.
        let steps = vec![
            deliver_request(C1, 1, 1, 1),
            applied(1, 1, 1),
            send_answer(C1, 1, 1, 1),
            deliver_request(C1, 1, 1, 1),
            send_answer(C1, 1, 1, 7),
        ];
        let (breaches, _) = run(steps);
        assert_eq!(breaches.len(), 1);
        assert_eq!(breaches[0].property, SAME_RESPONSE);
        assert_eq!(breaches[0].event, Some(4));
    }

    #[test]
    fn an_answer_for_an_operation_applied_twice_breaks_answered_means_applied_once() {
        // A duplicate is applied twice before the client hears the first answer.
        let steps = vec![
            deliver_request(C1, 1, 1, 1),
            applied(1, 1, 1),
            deliver_request(C1, 1, 1, 1),
            applied(1, 1, 2),
            deliver_answer(C1, 1, 1, 1),
        ];
        let (breaches, _) = run(steps);
        let answered = broken(&breaches, ANSWERED_ONCE);
        assert_eq!(answered.len(), 1);
        assert_eq!(answered[0].event, Some(4));
        assert_eq!(
            answered[0].detail,
            "c1's op 1 reached its client as applied, but was applied 2 times"
        );
    }

    #[test]
    fn applying_an_operation_after_its_answer_arrived_breaks_answered_means_applied_once() {
        let steps = vec![
            deliver_request(C1, 1, 1, 1),
            applied(1, 1, 1),
            deliver_answer(C1, 1, 1, 1),
            deliver_request(C1, 1, 1, 1),
            applied(1, 1, 2),
        ];
        let (breaches, _) = run(steps);
        let answered = broken(&breaches, ANSWERED_ONCE);
        assert_eq!(answered.len(), 1);
        assert_eq!(answered[0].event, Some(4));
    }

    #[test]
    fn more_open_sessions_than_the_limit_break_sessions_bounded() {
        let steps = vec![
            note(S1, Note::SessionOpened { client: 1 }),
            note(S1, Note::SessionOpened { client: 2 }),
            note(S1, Note::SessionExpired { client: 1 }),
            note(S1, Note::SessionOpened { client: 3 }),
            note(S1, Note::SessionOpened { client: 4 }),
        ];
        let (breaches, _) = run_with_limit(steps, 2);
        assert_eq!(breaches.len(), 1);
        assert_eq!(breaches[0].property, BOUNDED);
        assert_eq!(breaches[0].event, Some(4));
        assert_eq!(
            breaches[0].detail,
            "session of client 4 opened: 3 sessions open (limit 2)"
        );
    }

    #[test]
    fn an_unknown_outcome_is_listed_with_what_really_happened() {
        let steps = vec![
            deliver_request(C1, 1, 3, 3),
            applied(1, 3, 1),
            note(C1, Note::OutcomeUnknown { op: 3 }),
        ];
        let (breaches, checker) = run(steps);
        assert!(breaches.is_empty());
        assert_eq!(checker.facts(&[])[3].1, "c1's op 3 (applied 1×)");
    }
}
