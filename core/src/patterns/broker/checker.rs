//! Checks the broker from the trace: a ledger of every copy of a message the broker
//! accepted (a publish reached it: one copy for each queue bound by then whose binding
//! matches its routing key), handed out (it sent a delivery to a consumer of that queue),
//! got back (an ack or a reject for that delivery reached it) or dead-lettered, compared
//! after every step with what the broker holds; and how busy each consumer was, from when
//! its deliveries arrived and were done. Which queue a consumer takes from, and when a
//! queue is bound, come from its subscriptions as they reached the broker.

mod busy;
mod ledger;

use std::fmt::Write;

use super::msg::Msg;
use super::node::BrokerNode;
use super::server::Broker;
use super::topics::{durable_queues, queue_name, routes, Bound, QUEUES};
#[cfg(test)]
use super::BUSY;
use super::{ACKED, DELIVERY_LIMIT, READY, REDELIVERED, SHORT_QUEUE, UNACKED};
use crate::patterns::findings::{run_wide, Findings};
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::Measure;
use crate::sim::node::{NodeId, NodeStatus};
use crate::sim::trace::{EventKind, Fate, MessageRecord, TraceEvent};

pub use busy::Busy;
use ledger::{Copy, Ledger, Ledgers, Slot};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "conservation",
        sentence: "Every message the broker accepted is, for each queue it was routed to, at \
                   every instant exactly one of: ready in that queue, out at one of its \
                   consumers unacknowledged, acknowledged, dead-lettered, or gone with a \
                   transient queue in a broker crash (by design). None is lost, none is \
                   handed out while it is out or acknowledged, and the broker holds exactly \
                   the copies the trace says are ready or out.",
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

/// The message broker's checker.
#[derive(Clone, Debug)]
pub struct BrokerChecker {
    broker: NodeId,
    messages: Ledgers,
    /// Copies per slot (ready, out, acknowledged, dead-lettered, lost, gone).
    by_slot: [u32; 6],
    /// Copies routed to each queue.
    routed: [u32; QUEUES.len()],
    /// The queues bound, by the trace; the queue each node subscribed to.
    bound: Bound,
    subs: Vec<u8>,
    /// Messages accepted.
    accepted: u32,
    /// Out and kept by the broker.
    kept: u32,
    /// Deliveries sent in this step, not yet known to be kept or not: (copy, tag).
    fresh: Vec<(Copy, u64)>,
    /// Deliveries whose only copy was lost in this step: (copy, tag, event).
    dropped: Vec<(Copy, u64, usize)>,
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
    /// A checker for nodes named `names`, with `broker` the broker, `consumers` the
    /// consumers whose utilisation it measures, and `bound` the queues bound from the
    /// start.
    pub fn new(
        names: &[String],
        broker: NodeId,
        consumers: Vec<NodeId>,
        bound: Bound,
    ) -> BrokerChecker {
        BrokerChecker {
            broker,
            messages: Ledgers::default(),
            by_slot: [0; 6],
            routed: [0; QUEUES.len()],
            bound,
            subs: vec![0; names.len()],
            accepted: 0,
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

    fn set(&mut self, copy: Copy, slot: Slot) {
        let Some(mut entry) = self.messages.get(copy) else {
            return;
        };
        let was = entry.slot;
        entry.slot = slot;
        self.messages.put(copy, entry);
        let kept = |s: Slot| matches!(s, Slot::Out { kept: true, .. });
        self.kept = self.kept + u32::from(kept(slot)) - u32::from(kept(was));
        self.by_slot[was.index()] -= 1;
        self.by_slot[slot.index()] += 1;
        self.counts_changed = true;
    }

    fn ready(&self) -> u32 {
        self.by_slot[0]
    }

    fn slot(&self, copy: Copy) -> Option<Slot> {
        self.messages.get(copy).map(|e| e.slot)
    }

    /// The queue `node` takes from (by its latest subscription).
    fn queue_of(&self, node: NodeId) -> u8 {
        self.subs.get(node.index()).copied().unwrap_or(0)
    }

    /// The broker sent `msg` to `to`.
    fn on_broker_send(&mut self, index: usize, to: NodeId, msg: &Msg) {
        match *msg {
            Msg::Deliver { id, tag, .. } => {
                let copy = (id, self.queue_of(to));
                let slot = self.slot(copy);
                if slot != Some(Slot::Ready) {
                    let was = slot.map_or("never routed to its queue", Slot::describe);
                    self.findings.breach(CONSERVATION, index, |f| {
                        format!(
                            "{} handed m{id} to {} while it was {was}",
                            f.name(self.broker),
                            f.name(to)
                        )
                    });
                }
                let deliveries = self.messages.get(copy).map_or(0, |e| e.deliveries) + 1;
                if let Some(entry) = self.messages.get(copy) {
                    self.messages.put(
                        copy,
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
                    copy,
                    Slot::Out {
                        consumer: to,
                        tag,
                        kept,
                    },
                );
                self.fresh.push((copy, tag));
            }
            Msg::DeadLetter { id, queue, .. } => {
                let copy = (id, queue);
                if self.slot(copy) != Some(Slot::Ready) {
                    self.findings.breach(CONSERVATION, index, |f| {
                        format!(
                            "{} dead-lettered m{id}, which was not ready",
                            f.name(self.broker)
                        )
                    });
                }
                self.set(copy, Slot::Dead);
            }
            _ => {}
        }
    }

    /// `msg` from `from` reached the broker's handler.
    fn on_broker_receive(&mut self, from: NodeId, msg: &Msg) {
        match *msg {
            Msg::Publish { id, topic, .. } => {
                let copies = self.messages.copies(id);
                // A publish seen again is routed again only where its copy was lost.
                for (copy, ledger) in &copies {
                    if ledger.slot == Slot::Lost {
                        self.set(*copy, Slot::Ready);
                    }
                }
                if copies.is_empty() {
                    self.accepted += 1;
                    for queue in routes(self.bound, topic) {
                        let (slot, deliveries) = (Slot::Ready, 0);
                        self.messages.put((id, queue), Ledger { slot, deliveries });
                        self.by_slot[0] += 1;
                        self.routed[usize::from(queue)] += 1;
                        self.counts_changed = true;
                    }
                }
            }
            Msg::Ack { id, tag } | Msg::Reject { id, tag } => {
                let out = Slot::Out {
                    consumer: from,
                    tag,
                    kept: true,
                };
                let copy = (id, self.queue_of(from));
                if self.slot(copy) == Some(out) {
                    let acked = matches!(msg, Msg::Ack { .. });
                    if acked {
                        self.count(ACKED);
                    }
                    self.set(copy, if acked { Slot::Acked } else { Slot::Ready });
                }
            }
            // A new connection closes the old one: what the broker kept goes back. The
            // queue it names is bound from now on.
            Msg::Subscribe { queue, .. } => {
                self.requeue(|consumer| consumer == from);
                if let Some(sub) = self.subs.get_mut(from.index()) {
                    *sub = queue;
                }
                if usize::from(queue) < QUEUES.len() {
                    self.bound |= 1 << queue;
                }
            }
            _ => {}
        }
    }

    /// Every delivery the broker kept, out at a consumer that `closed` picks, is ready
    /// again.
    fn requeue(&mut self, closed: impl Fn(NodeId) -> bool) {
        let back = self
            .messages
            .ids(|slot| matches!(slot, Slot::Out { consumer, kept: true, .. } if closed(consumer)));
        for copy in back {
            self.set(copy, Slot::Ready);
        }
    }

    /// The broker went down: transient queues are gone, with what they held; every copy
    /// a durable queue should hold must be in what it kept.
    fn on_broker_down(&mut self, broker: &Broker) {
        let durable = durable_queues();
        self.bound &= durable;
        let mut lost = Vec::new();
        let held = self
            .messages
            .ids(|slot| matches!(slot, Slot::Ready | Slot::Out { kept: true, .. }));
        for copy in held {
            if broker.holds(copy.1, copy.0) {
                self.set(copy, Slot::Ready);
            } else if durable & 1 << copy.1 == 0 {
                self.set(copy, Slot::Gone);
            } else {
                self.set(copy, Slot::Lost);
                lost.push(copy.0);
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
        for (copy, tag) in std::mem::take(&mut self.fresh) {
            if let Some(Slot::Out {
                consumer, tag: t, ..
            }) = self.slot(copy)
            {
                if t == tag && broker.keeps(tag) {
                    self.set(
                        copy,
                        Slot::Out {
                            consumer,
                            tag,
                            kept: true,
                        },
                    );
                }
            }
        }
        for ((id, queue), tag, index) in std::mem::take(&mut self.dropped) {
            if let Some(Slot::Out {
                consumer,
                tag: t,
                kept: false,
            }) = self.slot((id, queue))
            {
                if t == tag {
                    self.set((id, queue), Slot::Lost);
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

    /// A delivery of `msg` to `to` that will never reach it (its original copy).
    fn on_undelivered(&mut self, index: usize, to: NodeId, msg: &Msg) {
        if let Msg::Deliver { id, tag, .. } = *msg {
            self.dropped.push(((id, self.queue_of(to)), tag, index));
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
                    self.on_undelivered(index, *to, &record.payload);
                }
            }
            (EventKind::Dropped { .. }, Some(record)) if original => {
                self.on_undelivered(index, record.to, &record.payload);
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
                    let copy = (id, self.queue_of(node));
                    if self.slot(copy) == Some(unkept) {
                        self.count(ACKED);
                        self.set(copy, Slot::Acked);
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
        let [ready, out, acked, dead, lost, gone] = self.by_slot.map(|n| n.to_string());
        // With topics a message has a copy in each queue it was routed to: count copies.
        let topics = self.routed[0] < self.accepted;
        let labels = if topics {
            [
                "copies ready",
                "copies out at consumers",
                "copies acknowledged",
                "copies dead-lettered",
                "copies lost",
            ]
        } else {
            [
                "ready",
                "out at consumers",
                "acknowledged",
                "dead-lettered",
                "lost",
            ]
        };
        let mut facts = vec![("accepted by the broker", self.accepted.to_string())];
        facts.extend(labels.into_iter().zip([ready, out, acked, dead, lost]));
        if topics {
            let mut copies = String::new();
            for (q, n) in self.routed.iter().enumerate().skip(1) {
                if !copies.is_empty() {
                    copies.push_str(", ");
                }
                let _ = write!(copies, "{} {n}", queue_name(q as u8));
            }
            facts.push(("copies routed per queue", copies));
            facts.push(("gone with a transient queue", gone));
        }
        facts.push(("consumers busy", self.busy.summary(&self.findings)));
        facts
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
