//! Checks the broker from the trace: a ledger of every message the broker accepted (a
//! publish reached it), handed out (it sent a delivery), got back (an ack or a reject
//! for that delivery reached it) or dead-lettered, compared after every step with what
//! the broker holds; and how busy each consumer was, from when its deliveries arrived and
//! were done.

mod busy;

use imbl::OrdMap;

use super::msg::Msg;
use super::node::BrokerNode;
use super::server::Broker;
#[cfg(test)]
use super::BUSY;
use super::{ACKED, DELIVERY_LIMIT, READY, REDELIVERED, SHORT_QUEUE, UNACKED};
use crate::patterns::findings::{run_wide, Findings};
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::Measure;
use crate::sim::node::{NodeId, NodeStatus};
use crate::sim::trace::{EventKind, Fate, MessageRecord, TraceEvent};

pub use busy::Busy;

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "conservation",
        sentence: "Every message the broker accepted is at every instant exactly one of: \
                   ready in the queue, out at one consumer unacknowledged, acknowledged, or \
                   dead-lettered. None is lost, none is handed out while it is out or \
                   acknowledged, and the broker holds exactly the messages the trace says \
                   are ready or out.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "bounded-redelivery",
        sentence: "No message is delivered more than 5 times (the delivery limit): one \
                   that keeps failing goes to the dead-letter queue.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "short-queue",
        sentence: "The queue never holds more than 100 messages ready for delivery.",
        kind: PropertyKind::Contrast,
    },
];

const CONSERVATION: usize = 0;
const BOUNDED: usize = 1;
const SHORT: usize = 2;

/// Where a message is, by the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Ready,
    /// Sent to `consumer` as delivery `tag`; `kept` once the broker is known to keep it
    /// until it is acknowledged (with automatic acknowledgement it does not).
    Out {
        consumer: NodeId,
        tag: u64,
        kept: bool,
    },
    Acked,
    Dead,
    Lost,
}

impl Slot {
    fn index(self) -> usize {
        match self {
            Slot::Ready => 0,
            Slot::Out { .. } => 1,
            Slot::Acked => 2,
            Slot::Dead => 3,
            Slot::Lost => 4,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Slot::Ready => "ready",
            Slot::Out { .. } => "out at a consumer",
            Slot::Acked => "acknowledged",
            Slot::Dead => "dead-lettered",
            Slot::Lost => "lost",
        }
    }
}

/// One accepted message.
#[derive(Clone, Copy, Debug)]
struct Ledger {
    slot: Slot,
    deliveries: u32,
}

impl Ledger {
    /// As one `u64` (see `store.rs` for why): the slot's kind, whether kept, deliveries
    /// (12 bits), the consumer (16 bits) and the tag (32 bits).
    fn pack(self) -> u64 {
        let (consumer, tag, kept) = match self.slot {
            Slot::Out {
                consumer,
                tag,
                kept,
            } => (
                u64::from(consumer.0 & 0xFFFF),
                tag & 0xFFFF_FFFF,
                u64::from(kept),
            ),
            _ => (0, 0, 0),
        };
        let deliveries = u64::from(self.deliveries.min(0xFFF));
        self.slot.index() as u64 | kept << 3 | deliveries << 4 | consumer << 16 | tag << 32
    }

    fn unpack(v: u64) -> Ledger {
        let slot = match v & 7 {
            0 => Slot::Ready,
            1 => Slot::Out {
                consumer: NodeId((v >> 16 & 0xFFFF) as u32),
                tag: v >> 32,
                kept: v >> 3 & 1 == 1,
            },
            2 => Slot::Acked,
            3 => Slot::Dead,
            _ => Slot::Lost,
        };
        let deliveries = (v >> 4 & 0xFFF) as u32;
        Ledger { slot, deliveries }
    }
}

/// Every accepted message's ledger, by id.
#[derive(Clone, Debug, Default)]
struct Ledgers {
    items: OrdMap<usize, u64>,
}

impl Ledgers {
    fn get(&self, id: u64) -> Option<Ledger> {
        self.items.get(&(id as usize)).map(|&v| Ledger::unpack(v))
    }

    fn put(&mut self, id: u64, ledger: Ledger) {
        self.items.insert(id as usize, ledger.pack());
    }

    fn len(&self) -> usize {
        self.items.len()
    }

    /// The ids whose ledger `pick` picks, in id order.
    fn ids(&self, pick: impl Fn(Slot) -> bool) -> Vec<u64> {
        let items = self.items.iter();
        let picked = items.filter(|(_, &v)| pick(Ledger::unpack(v).slot));
        picked.map(|(&id, _)| id as u64).collect()
    }
}

/// The message broker's checker.
#[derive(Clone, Debug)]
pub struct BrokerChecker {
    broker: NodeId,
    messages: Ledgers,
    /// Messages per slot (ready, out, acknowledged, dead-lettered, lost).
    by_slot: [u32; 5],
    /// Out and kept by the broker.
    kept: u32,
    /// Deliveries sent in this step, not yet known to be kept or not: (id, tag).
    fresh: Vec<(u64, u64)>,
    /// Deliveries whose only copy was lost in this step: (id, tag, event).
    dropped: Vec<(u64, u64, usize)>,
    broker_down: bool,
    /// The latest fault on the broker's lane (its crash), and the latest event.
    broker_fault: usize,
    last_index: usize,
    counts_changed: bool,
    busy: Busy,
    findings: Findings,
    measures: Vec<Measure>,
}

impl BrokerChecker {
    /// A checker for nodes named `names`, with `broker` the broker and `consumers` the
    /// consumers whose utilisation it measures.
    pub fn new(names: &[String], broker: NodeId, consumers: Vec<NodeId>) -> BrokerChecker {
        BrokerChecker {
            broker,
            messages: Ledgers::default(),
            by_slot: [0; 5],
            kept: 0,
            fresh: Vec::new(),
            dropped: Vec::new(),
            broker_down: false,
            broker_fault: 0,
            last_index: 0,
            counts_changed: false,
            busy: Busy::new(consumers),
            findings: Findings::new(names),
            measures: Vec::new(),
        }
    }

    fn count(&mut self, metric: usize) {
        self.measures.push(run_wide(metric, 1));
    }

    fn set(&mut self, id: u64, slot: Slot) {
        let Some(mut entry) = self.messages.get(id) else {
            return;
        };
        let was = entry.slot;
        entry.slot = slot;
        self.messages.put(id, entry);
        let kept = |s: Slot| matches!(s, Slot::Out { kept: true, .. });
        self.kept = self.kept + u32::from(kept(slot)) - u32::from(kept(was));
        self.by_slot[was.index()] -= 1;
        self.by_slot[slot.index()] += 1;
        self.counts_changed = true;
    }

    fn ready(&self) -> u32 {
        self.by_slot[0]
    }

    fn slot(&self, id: u64) -> Option<Slot> {
        self.messages.get(id).map(|e| e.slot)
    }

    /// The broker sent `msg` to `to`.
    fn on_broker_send(&mut self, index: usize, to: NodeId, msg: &Msg) {
        match *msg {
            Msg::Deliver { id, tag, .. } => {
                let slot = self.slot(id);
                if slot != Some(Slot::Ready) {
                    let was = slot.map_or("never accepted", Slot::describe);
                    self.findings.breach(CONSERVATION, index, |f| {
                        format!(
                            "{} handed m{id} to {} while it was {was}",
                            f.name(self.broker),
                            f.name(to)
                        )
                    });
                }
                let deliveries = self.messages.get(id).map_or(0, |e| e.deliveries) + 1;
                if let Some(entry) = self.messages.get(id) {
                    self.messages.put(
                        id,
                        Ledger {
                            deliveries,
                            ..entry
                        },
                    );
                }
                if deliveries > 1 {
                    self.count(REDELIVERED);
                }
                if deliveries > DELIVERY_LIMIT {
                    self.findings.breach(BOUNDED, index, |f| {
                        format!(
                            "{} delivered m{id} for the {deliveries}th time",
                            f.name(self.broker)
                        )
                    });
                }
                let kept = false;
                self.set(
                    id,
                    Slot::Out {
                        consumer: to,
                        tag,
                        kept,
                    },
                );
                self.fresh.push((id, tag));
            }
            Msg::DeadLetter { id, .. } => {
                if self.slot(id) != Some(Slot::Ready) {
                    self.findings.breach(CONSERVATION, index, |f| {
                        format!(
                            "{} dead-lettered m{id}, which was not ready",
                            f.name(self.broker)
                        )
                    });
                }
                self.set(id, Slot::Dead);
            }
            _ => {}
        }
    }

    /// `msg` from `from` reached the broker's handler.
    fn on_broker_receive(&mut self, from: NodeId, msg: &Msg) {
        match *msg {
            Msg::Publish { id, .. } => match self.slot(id) {
                Some(Slot::Lost) => self.set(id, Slot::Ready),
                None => {
                    let (slot, deliveries) = (Slot::Ready, 0);
                    self.messages.put(id, Ledger { slot, deliveries });
                    self.by_slot[0] += 1;
                    self.counts_changed = true;
                }
                Some(_) => {}
            },
            Msg::Ack { id, tag } | Msg::Reject { id, tag } => {
                let out = Slot::Out {
                    consumer: from,
                    tag,
                    kept: true,
                };
                if self.slot(id) == Some(out) {
                    let acked = matches!(msg, Msg::Ack { .. });
                    if acked {
                        self.count(ACKED);
                    }
                    self.set(id, if acked { Slot::Acked } else { Slot::Ready });
                }
            }
            // A new connection closes the old one: what the broker kept goes back.
            Msg::Subscribe { .. } => self.requeue(|consumer| consumer == from),
            _ => {}
        }
    }

    /// Every delivery the broker kept, out at a consumer that `closed` picks, is ready
    /// again.
    fn requeue(&mut self, closed: impl Fn(NodeId) -> bool) {
        let back = self
            .messages
            .ids(|slot| matches!(slot, Slot::Out { consumer, kept: true, .. } if closed(consumer)));
        for id in back {
            self.set(id, Slot::Ready);
        }
    }

    /// The broker went down: every message it should hold must be in what it kept.
    fn on_broker_down(&mut self, broker: &Broker) {
        let mut lost = Vec::new();
        let held = self
            .messages
            .ids(|slot| matches!(slot, Slot::Ready | Slot::Out { kept: true, .. }));
        for id in held {
            if broker.holds(id) {
                self.set(id, Slot::Ready);
            } else {
                self.set(id, Slot::Lost);
                lost.push(id);
            }
        }
        if let Some(&first) = lost.first() {
            let index = self.broker_fault;
            let n = lost.len();
            self.findings.breach(CONSERVATION, index, |f| {
                format!(
                    "{} went down and kept none of {n} messages it held (m{first} first): lost",
                    f.name(self.broker)
                )
            });
        }
    }

    /// Deliveries sent this step: kept by the broker, or not; deliveries lost this step.
    fn settle_step(&mut self, broker: &Broker) {
        for (id, tag) in std::mem::take(&mut self.fresh) {
            if let Some(Slot::Out {
                consumer, tag: t, ..
            }) = self.slot(id)
            {
                if t == tag && broker.keeps(tag) {
                    self.set(
                        id,
                        Slot::Out {
                            consumer,
                            tag,
                            kept: true,
                        },
                    );
                }
            }
        }
        for (id, tag, index) in std::mem::take(&mut self.dropped) {
            if let Some(Slot::Out {
                consumer,
                tag: t,
                kept: false,
            }) = self.slot(id)
            {
                if t == tag {
                    self.set(id, Slot::Lost);
                    self.findings.breach(CONSERVATION, index, |f| {
                        format!(
                            "m{id} was lost: the broker no longer kept it, and its delivery \
                             to {} never reached the handler",
                            f.name(consumer)
                        )
                    });
                }
            }
        }
    }

    /// A delivery of `msg` that will never reach its consumer (its original copy).
    fn on_undelivered(&mut self, index: usize, msg: &Msg) {
        if let Msg::Deliver { id, tag, .. } = *msg {
            self.dropped.push((id, tag, index));
        }
    }
}

impl Checker<BrokerNode> for BrokerChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<BrokerNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        self.last_index = index;
        self.busy.advance(event.time);
        let Some(node) = event.node else {
            return;
        };
        if node == self.broker && matches!(event.kind, EventKind::Action(_) | EventKind::Retired) {
            self.broker_fault = index;
        }
        let original = msg.is_some_and(|m| m.copy_of.is_none());
        match (&event.kind, msg) {
            (EventKind::Send { to, fate, .. }, Some(record)) if original => {
                if node == self.broker {
                    self.on_broker_send(index, *to, &record.payload);
                }
                if matches!(fate, Fate::Lost | Fate::Cut) {
                    self.on_undelivered(index, &record.payload);
                }
            }
            (EventKind::Dropped { .. }, Some(record)) if original => {
                self.on_undelivered(index, &record.payload);
            }
            // Only deliveries take time to handle, so whatever arrives is one.
            (EventKind::Arrive { .. }, _) => self.busy.arrive(node, event.time),
            (EventKind::Deliver { from, .. }, Some(record)) => {
                if node == self.broker {
                    self.on_broker_receive(*from, &record.payload);
                } else if let Msg::Deliver { id, tag, .. } = record.payload {
                    self.busy.done(node, event.time);
                    // With automatic acknowledgement, a message is done once handled.
                    let unkept = Slot::Out {
                        consumer: node,
                        tag,
                        kept: false,
                    };
                    if self.slot(id) == Some(unkept) {
                        self.count(ACKED);
                        self.set(id, Slot::Acked);
                    }
                }
            }
            _ => {}
        }
    }

    fn check(&mut self, nodes: &[BrokerNode], world: &World<'_>, out: &mut Vec<Breach>) {
        let Some(BrokerNode::Broker(broker)) = nodes.get(self.broker.index()) else {
            return;
        };
        self.busy.statuses(world.status, world.now);
        let down = matches!(
            world.status.get(self.broker.index()),
            Some(NodeStatus::Crashed | NodeStatus::Absent)
        );
        self.settle_step(broker);
        if down && !self.broker_down {
            self.on_broker_down(broker);
        }
        self.broker_down = down;
        let held = broker.ready_len() + broker.unacked_len();
        let expected = (self.ready() + self.kept) as usize;
        if held != expected && !self.findings.reported(CONSERVATION) {
            let index = self.last_index;
            self.findings.breach(CONSERVATION, index, |f| {
                format!(
                    "{} holds {held} messages, ready or out; by the trace it should hold \
                     {expected}",
                    f.name(self.broker)
                )
            });
        }
        if self.ready() > SHORT_QUEUE {
            let (index, ready) = (self.last_index, self.ready());
            self.findings.breach(SHORT, index, |f| {
                format!(
                    "{} has {ready} messages ready in its queue",
                    f.name(self.broker)
                )
            });
        }
        self.findings.drain(out);
    }

    fn facts(&self, _nodes: &[BrokerNode]) -> Vec<(&'static str, String)> {
        let [ready, out, acked, dead, lost] = self.by_slot.map(|n| n.to_string());
        vec![
            ("accepted by the broker", self.messages.len().to_string()),
            ("ready", ready),
            ("out at consumers", out),
            ("acknowledged", acked),
            ("dead-lettered", dead),
            ("lost", lost),
            ("consumers busy", self.busy.summary(&self.findings)),
        ]
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        if std::mem::take(&mut self.counts_changed) {
            for (metric, value) in [(READY, self.ready()), (UNACKED, self.kept)] {
                out.push(run_wide(metric, i64::from(value)));
            }
        }
        self.busy.measure(out);
        out.append(&mut self.measures);
    }
}

#[cfg(test)]
mod tests;
