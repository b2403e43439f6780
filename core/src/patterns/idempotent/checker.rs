//! Checks the idempotent receiver's promises after every step.
//!
//! A request is identified by (client id, request number). The checker counts how often
//! the server applied each one, remembers the first answer sent for each, and reads the
//! server's session table after every step to check its size.

use std::collections::BTreeMap;

use super::node::{IdempotentNode, Msg, Note, Outcome, MAX_RESPONSES_PER_SESSION};
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "applied-at-most-once",
        sentence: "No request is applied more than once.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "retry-same-response",
        sentence: "A retry gets exactly the response the original got.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "answered-means-applied-once",
        sentence: "Every request whose response reached the client was applied exactly once.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "sessions-bounded",
        sentence: "The session table's size stays bounded by the configured limits.",
        kind: PropertyKind::Guarantee,
    },
];

const AT_MOST_ONCE: usize = 0;
const SAME_RESPONSE: usize = 1;
const ANSWERED_ONCE: usize = 2;
const BOUNDED: usize = 3;

/// The idempotent receiver's checker.
#[derive(Clone, Debug, Default)]
pub struct IdempotentChecker {
    applied: BTreeMap<(u32, u32), u32>,
    answers: BTreeMap<(u32, u32), Outcome>,
    completed: Vec<((u32, u32), usize)>,
    found: Vec<Breach>,
}

impl IdempotentChecker {
    /// A fresh checker.
    pub fn new() -> IdempotentChecker {
        IdempotentChecker::default()
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
        match (&event.kind, msg.map(|m| &m.payload)) {
            (
                EventKind::Send { .. },
                Some(Msg::Response {
                    client,
                    req,
                    outcome: outcome @ Outcome::Applied(_),
                }),
            ) => match self.answers.get(&(*client, *req)) {
                Some(first) if first != outcome => self.found.push(Breach {
                    property: SAME_RESPONSE,
                    event: Some(index),
                    detail: format!(
                        "client {client} r{req} was first answered “{first}”, now “{outcome}”"
                    ),
                }),
                Some(_) => {}
                None => {
                    self.answers.insert((*client, *req), *outcome);
                }
            },
            (EventKind::Note(Note::Applied { client, req, .. }), _) => {
                let count = self.applied.entry((*client, *req)).or_default();
                *count += 1;
                if *count > 1 {
                    let count = *count;
                    self.found.push(Breach {
                        property: AT_MOST_ONCE,
                        event: Some(index),
                        detail: format!("client {client} r{req} was applied {count} times"),
                    });
                }
            }
            (
                EventKind::Note(Note::Completed {
                    client,
                    req,
                    outcome: Outcome::Applied(_),
                }),
                _,
            ) => self.completed.push(((*client, *req), index)),
            _ => {}
        }
    }

    fn check(&mut self, nodes: &[IdempotentNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        out.append(&mut self.found);
        for (key, index) in std::mem::take(&mut self.completed) {
            let times = self.applied.get(&key).copied().unwrap_or(0);
            if times != 1 {
                out.push(Breach {
                    property: ANSWERED_ONCE,
                    event: Some(index),
                    detail: format!(
                        "client {} got the answer to r{}, which was applied {times} times",
                        key.0, key.1
                    ),
                });
            }
        }
        for server in nodes.iter().filter_map(IdempotentNode::server) {
            let limit = server.plan().max_sessions;
            let sessions = server.sessions();
            let widest = sessions
                .values()
                .map(|s| s.responses.len())
                .max()
                .unwrap_or(0);
            if sessions.len() > limit || widest > MAX_RESPONSES_PER_SESSION {
                out.push(Breach {
                    property: BOUNDED,
                    event: None,
                    detail: format!(
                        "{} sessions (limit {limit}), up to {widest} responses each (limit \
                         {MAX_RESPONSES_PER_SESSION})",
                        sessions.len()
                    ),
                });
            }
        }
    }

    fn facts(&self, nodes: &[IdempotentNode]) -> Vec<(&'static str, String)> {
        let counter = nodes
            .iter()
            .filter_map(IdempotentNode::server)
            .map(|s| s.counter())
            .next()
            .unwrap_or(0);
        let distinct = self.applied.len();
        let total: u32 = self.applied.values().sum();
        let twice: Vec<String> = self
            .applied
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|((c, r), n)| format!("client {c} r{r} ×{n}"))
            .collect();
        vec![
            ("Counter", counter.to_string()),
            (
                "Requests applied",
                format!("{distinct} distinct, {total} applications"),
            ),
            (
                "Applied more than once",
                if twice.is_empty() {
                    "none".to_string()
                } else {
                    twice.join(", ")
                },
            ),
        ]
    }
}
