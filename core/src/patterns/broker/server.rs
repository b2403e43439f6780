//! The broker itself: its queues (one, or a topic exchange's, each filled with a copy of
//! every publish whose routing key matches its binding), competing consumers served round
//! robin within their prefetch limits, acknowledgements, requeueing, the delivery limit
//! and durability.

use std::fmt::Write;

use super::msg::{Msg, Note};
use super::node::BrokerNode;
use super::store::{Entry, Queue, Table};
use super::topics::{durable_queues, queue_name, routes, Bound, QUEUES};
use crate::sim::node::{Ctx, NodeId, NodeView};

/// How the broker is set up (from the story's switches).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Whether messages are persistent: a durable queue keeps them across a crash.
    pub durable: bool,
    /// The queues bound from the start (others are bound when a consumer subscribes).
    pub bound: Bound,
    /// Whether consumers acknowledge (false: the broker forgets a message once sent).
    pub manual_ack: bool,
    /// Deliveries after which a message is dead-lettered (none: never).
    pub limit: Option<u32>,
    /// The consumers it tells to reconnect after a restart.
    pub consumers: Vec<NodeId>,
    /// The dead-letter queue's node.
    pub dead_letters: NodeId,
}

/// A consumer's subscription (its connection).
#[derive(Clone, Copy, Debug)]
struct Sub {
    consumer: NodeId,
    queue: u8,
    prefetch: u32,
    /// Deliveries it holds unacknowledged.
    out: u32,
}

impl Sub {
    fn has_room(&self, manual_ack: bool) -> bool {
        !manual_ack || self.prefetch == 0 || self.out < self.prefetch
    }
}

/// The broker.
#[derive(Clone, Debug)]
pub struct Broker {
    settings: Settings,
    // Durable when messages are persistent and their queue is durable: what each queue
    // holds, by queue index, and the ids it accepted (a publish seen twice is stored once).
    ready: Vec<Queue>,
    /// Deliveries out at consumers, by tag.
    unacked: Table,
    accepted: Table,
    // Durable: tags only grow, standing for channels (an ack on a closed channel never
    // reaches a new one); how many times it started; the queues bound (transient ones
    // are gone after a crash).
    next_tag: u64,
    bound: Bound,
    starts: u32,
    // Volatile.
    subs: Vec<Sub>,
    turn: usize,
    acked: u64,
    dead: u64,
}

impl Broker {
    /// A broker set up as `settings`.
    pub fn new(settings: Settings) -> Broker {
        Broker {
            bound: settings.bound,
            settings,
            ready: vec![Queue::default(); QUEUES.len()],
            unacked: Table::default(),
            accepted: Table::default(),
            next_tag: 1,
            starts: 0,
            subs: Vec::new(),
            turn: 0,
            acked: 0,
            dead: 0,
        }
    }

    /// A broker holding `ready` messages and `out` deliveries (tag, consumer, message),
    /// in queue 0, for the checker's tests.
    #[cfg(test)]
    pub(super) fn holding(ready: &[u64], out: &[(u64, NodeId, u64)]) -> Broker {
        let ready: Vec<(u8, u64)> = ready.iter().map(|&id| (0, id)).collect();
        let out: Vec<(u64, NodeId, u8, u64)> =
            out.iter().map(|&(t, c, id)| (t, c, 0, id)).collect();
        Broker::holding_in(&ready, &out)
    }

    /// A broker holding `ready` messages (queue, message) and `out` deliveries (tag,
    /// consumer, queue, message), for the checker's tests.
    #[cfg(test)]
    pub(super) fn holding_in(ready: &[(u8, u64)], out: &[(u64, NodeId, u8, u64)]) -> Broker {
        let settings = Settings {
            durable: true,
            bound: 1,
            manual_ack: true,
            limit: None,
            consumers: Vec::new(),
            dead_letters: NodeId(0),
        };
        let mut broker = Broker::new(settings);
        for &(queue, id) in ready {
            broker.ready[usize::from(queue)].push_back(Entry::new(id, false, queue));
        }
        for &(tag, consumer, queue, id) in out {
            let entry = Entry {
                consumer,
                ..Entry::new(id, false, queue)
            };
            broker.unacked.insert(tag, entry);
        }
        broker
    }

    /// Messages ready in the queues.
    pub fn ready_len(&self) -> usize {
        self.ready.iter().map(Queue::len).sum()
    }

    /// Deliveries out at consumers that the broker keeps until they are acknowledged.
    pub fn unacked_len(&self) -> usize {
        self.unacked.len()
    }

    /// Whether the broker keeps the delivery with this tag until it is acknowledged.
    pub fn keeps(&self, tag: u64) -> bool {
        self.unacked.get(tag).is_some()
    }

    /// Whether message `id` is in the broker's queue `queue`, ready or out at a consumer.
    pub fn holds(&self, queue: u8, id: u64) -> bool {
        let ready = self.ready.get(usize::from(queue));
        ready.is_some_and(|r| r.iter().any(|e| e.id == id))
            || self
                .unacked
                .iter()
                .any(|(_, e)| e.id == id && e.queue == queue)
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, BrokerNode>) {
        self.starts += 1;
        if self.starts > 1 {
            let messages = self.ready_len() as u64;
            ctx.note(Note::Recovered { messages });
            ctx.broadcast(self.settings.consumers.iter().copied(), Msg::Reconnect);
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, BrokerNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Publish { id, poison, topic } => {
                if self.accepted.get(id).is_none() {
                    self.accepted.insert(id, Entry::new(id, poison, 0));
                    for queue in routes(self.bound, topic) {
                        let entry = Entry::new(id, poison, queue);
                        self.ready[usize::from(queue)].push_back(entry);
                    }
                }
            }
            Msg::Subscribe { prefetch, queue } => {
                // A new connection closes the consumer's old one: what it held goes back.
                self.close(from);
                if usize::from(queue) < QUEUES.len() {
                    self.bound |= 1 << queue;
                    self.subs.push(Sub {
                        consumer: from,
                        queue,
                        prefetch,
                        out: 0,
                    });
                }
            }
            Msg::Ack { tag, .. } => {
                if self.settle(from, tag).is_some() {
                    self.acked += 1;
                }
            }
            Msg::Reject { tag, .. } => {
                if let Some(entry) = self.settle(from, tag) {
                    self.requeue(entry);
                }
            }
            Msg::Reconnect | Msg::Deliver { .. } | Msg::DeadLetter { .. } => {}
        }
        self.dispatch(ctx);
    }

    /// Takes the delivery `tag` back from `consumer`, if it is still out there.
    fn settle(&mut self, consumer: NodeId, tag: u64) -> Option<Entry> {
        if self.unacked.get(tag)?.consumer != consumer {
            return None;
        }
        let entry = self.unacked.remove(tag)?;
        if let Some(sub) = self.subs.iter_mut().find(|s| s.consumer == consumer) {
            sub.out = sub.out.saturating_sub(1);
        }
        Some(entry)
    }

    /// Drops `consumer`'s subscription and requeues what it held, oldest first.
    fn close(&mut self, consumer: NodeId) {
        self.subs.retain(|s| s.consumer != consumer);
        let tags: Vec<u64> = self
            .unacked
            .iter()
            .filter(|(_, e)| e.consumer == consumer)
            .map(|(tag, _)| tag)
            .collect();
        for &tag in tags.iter().rev() {
            if let Some(entry) = self.unacked.remove(tag) {
                self.requeue(entry);
            }
        }
    }

    /// Puts `entry` back at the head of its queue.
    fn requeue(&mut self, entry: Entry) {
        if let Some(queue) = self.ready.get_mut(usize::from(entry.queue)) {
            queue.push_front(entry);
        }
    }

    /// Hands ready messages to subscribers with room, round robin.
    fn dispatch(&mut self, ctx: &mut Ctx<'_, BrokerNode>) {
        let manual = self.settings.manual_ack;
        loop {
            let count = self.subs.len();
            let ready = &self.ready;
            let Some(i) = (0..count).map(|k| (self.turn + k) % count).find(|&i| {
                let sub = self.subs[i];
                sub.has_room(manual) && !ready[usize::from(sub.queue)].is_empty()
            }) else {
                return;
            };
            let queue = self.subs[i].queue;
            let Some(mut entry) = self.ready[usize::from(queue)].pop_front() else {
                return;
            };
            if self.settings.limit.is_some_and(|l| entry.deliveries >= l) {
                self.dead += 1;
                let (id, deliveries) = (entry.id, entry.deliveries);
                ctx.send(
                    self.settings.dead_letters,
                    Msg::DeadLetter {
                        id,
                        deliveries,
                        queue,
                    },
                );
                continue;
            }
            let tag = self.next_tag;
            self.next_tag += 1;
            let sub = &mut self.subs[i];
            let deliver = Msg::Deliver {
                id: entry.id,
                tag,
                poison: entry.poison,
                before: entry.deliveries,
            };
            entry.deliveries += 1;
            ctx.send(sub.consumer, deliver);
            if manual {
                sub.out += 1;
                entry.consumer = sub.consumer;
                self.unacked.insert(tag, entry);
            }
            self.turn = i + 1;
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.subs.clear();
        self.turn = 0;
        // Transient queues are gone; durable ones keep their messages if persistent.
        self.bound &= durable_queues();
        let kept = if self.settings.durable { self.bound } else { 0 };
        let keeps = |queue: u8| kept & 1 << queue != 0;
        for (q, queue) in self.ready.iter_mut().enumerate() {
            if !keeps(q as u8) {
                queue.clear();
            }
        }
        // Connections are gone: what was out goes back to its queue, oldest first.
        let out: Vec<Entry> = self.unacked.iter().map(|(_, e)| e).collect();
        self.unacked.clear();
        for &entry in out.iter().rev().filter(|e| keeps(e.queue)) {
            self.requeue(entry);
        }
        if !self.settings.durable {
            self.accepted.clear();
        }
    }

    pub(super) fn view(&self) -> NodeView {
        let yes_no = |on: bool| if on { "yes" } else { "no" }.to_string();
        let ready = self.ready_len();
        let mut fields = vec![
            ("ready", ready.to_string()),
            ("out, unacknowledged", self.unacked.len().to_string()),
            ("subscribed consumers", self.subs.len().to_string()),
            ("acknowledged", self.acked.to_string()),
            ("dead-lettered", self.dead.to_string()),
            ("persistent messages", yes_no(self.settings.durable)),
            ("consumers acknowledge", yes_no(self.settings.manual_ack)),
        ];
        if self.bound > 1 {
            let mut queues = String::new();
            for (q, queue) in self.ready.iter().enumerate().skip(1) {
                if self.bound & 1 << q != 0 {
                    if !queues.is_empty() {
                        queues.push_str(", ");
                    }
                    let _ = write!(queues, "{} {}", queue_name(q as u8), queue.len());
                }
            }
            fields.push(("ready per queue", queues));
        }
        NodeView {
            role: "broker",
            headline: format!("{ready} ready, {} out", self.unacked.len()),
            fields,
        }
    }
}
