//! Checks the service bus from the trace: where each message went (what the bus took in,
//! what it sent where, what reached whom), against the routes and against the bus's own
//! message history; and answers "where is message 17?".

use imbl::OrdMap;

use super::msg::{Kind, Msg, Note};
use super::node::{BusNode, Routes};
use super::{INVALID, LATENCY, ROUTED, SLOW_US};
use crate::patterns::findings::{run_wide, Findings};
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::Measure;
use crate::sim::node::NodeId;
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, Fate, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "right-destination",
        sentence: "Every order the bus sends goes to shipping and every invoice to billing, \
                   each in the receiver's format; only a message that cannot be converted or \
                   that no route takes goes to the invalid-message channel.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "none-dropped",
        sentence: "Every message the bus takes in goes out again: to the system its route \
                   names, or to the invalid-message channel.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "true-history",
        sentence: "The bus's message history records a message as delivered to a system \
                   only if it reached that system.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "prompt",
        sentence: "Every message reaches its destination within 100 ms of being sent.",
        kind: PropertyKind::Contrast,
    },
];

const RIGHT: usize = 0;
const NONE_DROPPED: usize = 1;
const TRUE_HISTORY: usize = 2;
const PROMPT: usize = 3;

/// A message that never reached its receiver is kept as "reached" this node.
const NOWHERE: NodeId = NodeId(0xFFFF);

/// What the checker keeps per message, each packed as time (µs) and node.
const SENT: u64 = 0;
const OUT: u64 = 1;
const REACHED: u64 = 2;
const RECORDED: u64 = 3;

/// The service bus's checker.
#[derive(Clone, Debug)]
pub struct BusChecker {
    bus: NodeId,
    routes: Routes,
    /// Per message and what (`id × 4 + SENT` …): when, and which node.
    facts: OrdMap<usize, u64>,
    /// A message the bus took in during this step: (id, kind, malformed, event).
    taken: Option<(u64, Kind, bool, usize)>,
    findings: Findings,
    measures: Vec<Measure>,
}

fn pack(at: SimTime, node: NodeId) -> u64 {
    at.as_micros() << 16 | u64::from(node.0 & 0xFFFF)
}

fn unpack(v: u64) -> (SimTime, NodeId) {
    (SimTime(v >> 16), NodeId((v & 0xFFFF) as u32))
}

impl BusChecker {
    /// A checker for nodes named `names`, with `bus` the bus and `routes` its routes.
    pub fn new(names: &[String], bus: NodeId, routes: Routes) -> BusChecker {
        BusChecker {
            bus,
            routes,
            facts: OrdMap::new(),
            taken: None,
            findings: Findings::new(names),
            measures: Vec::new(),
        }
    }

    fn get(&self, id: u64, what: u64) -> Option<(SimTime, NodeId)> {
        let key = (id * 4 + what) as usize;
        self.facts.get(&key).map(|&v| unpack(v))
    }

    fn put(&mut self, id: u64, what: u64, at: SimTime, node: NodeId) {
        self.facts.insert((id * 4 + what) as usize, pack(at, node));
    }

    fn count(&mut self, metric: usize, value: i64) {
        self.measures.push(run_wide(metric, value));
    }

    /// The bus sent `msg` to `to` at `at`.
    fn on_bus_send(&mut self, index: usize, at: SimTime, to: NodeId, msg: &Msg) {
        let (id, invalid) = match *msg {
            Msg::Routed { id, kind, format } => {
                let right = match kind {
                    Kind::Order => Some(self.routes.orders),
                    Kind::Invoice => Some(self.routes.invoices),
                    Kind::Unknown => None,
                };
                let taken = self.taken.filter(|t| t.0 == id);
                let bad = taken.is_some_and(|t| t.2);
                if bad || right.is_none_or(|r| (r.0, r.1) != (to, format)) {
                    self.findings.breach(RIGHT, index, |f| {
                        format!(
                            "{} sent {msg} to {}, which its routes do not name",
                            f.name(self.bus),
                            f.name(to)
                        )
                    });
                }
                (id, false)
            }
            Msg::Invalid { id, .. } => {
                let taken = self.taken.filter(|t| t.0 == id);
                if taken.is_some_and(|t| !t.2 && t.1 != Kind::Unknown) {
                    self.findings.breach(RIGHT, index, |f| {
                        format!(
                            "{} put #{id} on the invalid channel, though it could be converted \
                             and routed",
                            f.name(self.bus)
                        )
                    });
                }
                (id, true)
            }
            _ => return,
        };
        if self.taken.is_some_and(|t| t.0 == id) {
            self.taken = None;
        }
        self.put(id, OUT, at, to);
        self.count(if invalid { INVALID } else { ROUTED }, 1);
    }

    fn on_deliver(&mut self, index: usize, at: SimTime, to: NodeId, record: &MessageRecord<Msg>) {
        match record.payload {
            Msg::Send { id, kind, bad, .. } if to == self.bus => {
                self.put(id, SENT, record.sent_at, record.from);
                self.taken = Some((id, kind, bad, index));
            }
            Msg::Routed { id, .. } | Msg::Invalid { id, .. } => {
                // A copy may arrive though the original was lost.
                if self
                    .get(id, REACHED)
                    .is_some_and(|(_, node)| node != NOWHERE)
                {
                    return;
                }
                self.put(id, REACHED, at, to);
                let Some((sent, _)) = self.get(id, SENT) else {
                    return;
                };
                let waited = at.as_micros().saturating_sub(sent.as_micros());
                self.count(LATENCY, waited as i64);
                if waited > SLOW_US {
                    self.findings.breach(PROMPT, index, |f| {
                        format!(
                            "#{id} reached {} {} ms after it was sent",
                            f.name(to),
                            waited / 1_000
                        )
                    });
                }
            }
            _ => {}
        }
    }

    /// The bus's history records #`id` as delivered to `to`: true if it reached `to`,
    /// false once it never will (else judged when it is dropped).
    fn on_history(&mut self, index: usize, at: SimTime, id: u64, to: NodeId) {
        self.put(id, RECORDED, at, to);
        if let Some((_, reached)) = self.get(id, REACHED) {
            if reached != to {
                self.false_history(index, id, to);
            }
        }
    }

    fn false_history(&mut self, index: usize, id: u64, to: NodeId) {
        self.findings.breach(TRUE_HISTORY, index, |f| {
            format!(
                "{}'s history says #{id} was delivered to {}, which it never reached",
                f.name(self.bus),
                f.name(to)
            )
        });
    }

    /// The bus's message #`id` to `to` will never reach it.
    fn on_lost(&mut self, index: usize, at: SimTime, to: NodeId, msg: &Msg) {
        let (Msg::Routed { id, .. } | Msg::Invalid { id, .. }) = *msg else {
            return;
        };
        if self.get(id, REACHED).is_some() {
            return;
        }
        self.put(id, REACHED, at, NOWHERE);
        if self.get(id, RECORDED).is_some_and(|(_, node)| node == to) {
            self.false_history(index, id, to);
        }
    }
}

impl Checker<BusNode> for BusChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<BusNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        let Some(node) = event.node else {
            return;
        };
        match (&event.kind, msg) {
            (EventKind::Send { to, fate, .. }, Some(record))
                if node == self.bus && record.copy_of.is_none() =>
            {
                self.on_bus_send(index, event.time, *to, &record.payload);
                if matches!(fate, Fate::Lost | Fate::Cut) {
                    self.on_lost(index, event.time, *to, &record.payload);
                }
            }
            (EventKind::Dropped { .. }, Some(record)) if record.copy_of.is_none() => {
                self.on_lost(index, event.time, record.to, &record.payload);
            }
            (EventKind::Deliver { .. }, Some(record)) => {
                self.on_deliver(index, event.time, node, record);
            }
            (EventKind::Note(Note::Delivered { id, to, .. }), _) => {
                self.on_history(index, event.time, *id, *to);
            }
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[BusNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        if let Some((id, _, _, index)) = self.taken.take() {
            self.findings.breach(NONE_DROPPED, index, |f| {
                format!("{} took #{id} in and sent it nowhere", f.name(self.bus))
            });
        }
        self.findings.drain(out);
    }

    fn query(&self, _nodes: &[BusNode], input: &str) -> Result<Vec<(String, String)>, String> {
        let id: u64 = input
            .trim()
            .trim_start_matches('#')
            .parse()
            .map_err(|_| "type a message's number, e.g. 17".to_string())?;
        let at = |what: u64| {
            self.get(id, what).map(|(t, node)| {
                let ms = t.as_micros() as f64 / 1_000.0;
                if node == NOWHERE {
                    format!("nowhere: lost at {ms:.3} ms")
                } else {
                    format!("{} at {ms:.3} ms", self.findings.name(node))
                }
            })
        };
        let Some(sent) = at(SENT) else {
            return Err(format!("the bus has not taken in #{id} (yet)"));
        };
        let none = || "not yet".to_string();
        Ok(vec![
            ("sent by".to_string(), sent),
            ("bus sent it to".to_string(), at(OUT).unwrap_or_else(none)),
            ("reached".to_string(), at(REACHED).unwrap_or_else(none)),
            (
                "bus history says delivered to".to_string(),
                at(RECORDED).unwrap_or_else(|| "nothing recorded".to_string()),
            ),
        ])
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        out.append(&mut self.measures);
    }
}

#[cfg(test)]
mod tests;
