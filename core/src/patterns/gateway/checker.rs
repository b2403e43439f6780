//! Checks the gateway from the trace: each message's client is found by following its
//! causes back to a client's send (the request's path), not read from the payload, so a
//! gateway that mislabels a request cannot hide it.

use super::msg::{Msg, Note};
use super::node::GatewayNode;
use std::collections::BTreeMap;

use crate::patterns::findings::Findings;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::node::NodeId;
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, Fate, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "authenticated-only",
        sentence: "Every request a service handles came from a client whose credentials are \
                   valid (the client found by following the request's path back, not named \
                   by the gateway).",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "rate-limited",
        sentence: "No client gets more requests through to the services in any 1 s window \
                   than its limit: rate × window + burst.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "answered",
        sentence: "Every request gets an answer (served or refused) before its client gives up.",
        kind: PropertyKind::Contrast,
    },
];

const AUTHENTICATED: usize = 0;
const LIMITED: usize = 1;
const ANSWERED: usize = 2;

/// The window the rate limit is checked over: 1 s.
pub const WINDOW_US: u64 = 1_000_000;

/// The API gateway's checker.
#[derive(Clone, Debug)]
pub struct GatewayChecker {
    first: Findings,
    /// Per client (the first nodes): whether its credentials are valid.
    valid: Vec<bool>,
    /// Requests a client may get through in any window.
    allowed: usize,
    /// The client each message in flight started from, by message id (bounded by the
    /// messages in flight, which a loaded run's queues can make many: a map, not a list).
    origin: BTreeMap<u32, u32>,
    /// The latest delivery (what the sends after it are caused by): its event and client.
    current: (usize, Option<u32>),
    /// Per client: when its requests of the latest window went on to a service.
    through: Vec<Vec<SimTime>>,
}

impl GatewayChecker {
    /// A checker for nodes named `names`, whose first clients have credentials `valid`
    /// or not, each allowed `allowed` requests through in any window.
    pub fn new(names: &[String], valid: Vec<bool>, allowed: usize) -> GatewayChecker {
        GatewayChecker {
            first: Findings::new(names),
            through: vec![Vec::new(); valid.len()],
            valid,
            allowed,
            origin: BTreeMap::new(),
            current: (usize::MAX, None),
        }
    }

    fn client(&self, node: NodeId) -> Option<u32> {
        (node.index() < self.valid.len()).then_some(node.0)
    }

    /// The client message `msg` started from, forgotten now that it arrived or was dropped.
    fn carried(&mut self, msg: u32) -> Option<u32> {
        self.origin.remove(&msg)
    }

    /// A request of `client` goes on to a service at `at`.
    fn through(&mut self, index: usize, at: SimTime, client: u32, id: u64) {
        let Some(sent) = self.through.get_mut(client as usize) else {
            return;
        };
        let old = sent
            .iter()
            .take_while(|t| t.as_micros() + WINDOW_US <= at.as_micros())
            .count();
        sent.drain(..old);
        sent.push(at);
        let count = sent.len();
        let allowed = self.allowed;
        if count > allowed {
            self.first.breach(LIMITED, index, |_| {
                format!(
                    "{count} requests of c{} went on to a service within 1 s (the latest \
                     r{id}): its limit is {}",
                    client + 1,
                    allowed
                )
            });
        }
    }
}

impl Checker<GatewayNode> for GatewayChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<GatewayNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        match (&event.kind, msg) {
            (EventKind::Deliver { msg, from }, Some(record)) => {
                let carried = self.carried(msg.0);
                let origin = self.client(*from).or(carried);
                self.current = (index, origin);
                let (Msg::Work { id, .. }, Some(client)) = (&record.payload, origin) else {
                    return;
                };
                if !self.valid[client as usize] {
                    self.first.breach(AUTHENTICATED, index, |c| {
                        format!(
                            "{} handled r{id} of c{}, whose token is invalid",
                            c.name(record.to),
                            client + 1
                        )
                    });
                }
            }
            (EventKind::Send { msg, fate, .. }, Some(record)) => {
                let caused = record.cause == Some(self.current.0 as u32);
                let origin =
                    self.client(record.from)
                        .or(if caused { self.current.1 } else { None });
                let Some(client) = origin else {
                    return;
                };
                if let Fate::Arrives(_) = fate {
                    self.origin.insert(msg.0, client);
                }
                if let (Msg::Work { id, .. }, None) = (&record.payload, record.copy_of) {
                    self.through(index, event.time, client, *id);
                }
            }
            (EventKind::Dropped { msg, .. }, _) => {
                self.carried(msg.0);
            }
            (EventKind::Note(Note::TimedOut { id }), _) => {
                let node = event.node.unwrap_or(NodeId(0));
                self.first.breach(ANSWERED, index, |c| {
                    format!("{} gave up on r{id}: no answer in time", c.name(node))
                });
            }
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[GatewayNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        self.first.drain(out);
    }
}

#[cfg(test)]
mod tests;
