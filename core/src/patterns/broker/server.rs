//! The broker itself: one queue, competing consumers served round robin within their prefetch
//! limits, acknowledgements, requeueing, the delivery limit and durability.

use super::msg::{Msg, Note};
use super::node::BrokerNode;
use super::store::{Entry, Queue, Table};
use crate::sim::node::{Ctx, NodeId, NodeView};

/// How the broker is set up (from the story's switches).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Whether the queue and its messages survive a crash.
    pub durable: bool,
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
    // Durable when the queue is: what it holds, and the ids it accepted (a publish seen
    // twice is stored once).
    ready: Queue,
    /// Deliveries out at consumers, by tag.
    unacked: Table,
    accepted: Table,
    // Durable: tags only grow, standing for channels (an ack on a closed channel never
    // reaches a new one); how many times it started.
    next_tag: u64,
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
            settings,
            ready: Queue::default(),
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
    /// for the checker's tests.
    #[cfg(test)]
    pub(super) fn holding(ready: &[u64], out: &[(u64, NodeId, u64)]) -> Broker {
        let settings = Settings {
            durable: true,
            manual_ack: true,
            limit: None,
            consumers: Vec::new(),
            dead_letters: NodeId(0),
        };
        let mut broker = Broker::new(settings);
        for &id in ready {
            broker.ready.push_back(Entry::new(id, false));
        }
        for &(tag, consumer, id) in out {
            let entry = Entry {
                consumer,
                ..Entry::new(id, false)
            };
            broker.unacked.insert(tag, entry);
        }
        broker
    }

    /// Messages ready in the queue.
    pub fn ready_len(&self) -> usize {
        self.ready.len()
    }

    /// Deliveries out at consumers that the broker keeps until they are acknowledged.
    pub fn unacked_len(&self) -> usize {
        self.unacked.len()
    }

    /// Whether the broker keeps the delivery with this tag until it is acknowledged.
    pub fn keeps(&self, tag: u64) -> bool {
        self.unacked.get(tag).is_some()
    }

    /// Whether message `id` is in the broker, ready or out at a consumer.
    pub fn holds(&self, id: u64) -> bool {
        self.ready.iter().any(|e| e.id == id) || self.unacked.iter().any(|(_, e)| e.id == id)
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, BrokerNode>) {
        self.starts += 1;
        if self.starts > 1 {
            let messages = self.ready.len() as u64;
            ctx.note(Note::Recovered { messages });
            ctx.broadcast(self.settings.consumers.iter().copied(), Msg::Reconnect);
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, BrokerNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Publish { id, poison } => {
                if self.accepted.get(id).is_none() {
                    let entry = Entry::new(id, poison);
                    self.accepted.insert(id, entry);
                    self.ready.push_back(entry);
                }
            }
            Msg::Subscribe { prefetch } => {
                // A new connection closes the consumer's old one: what it held goes back.
                self.close(from);
                self.subs.push(Sub {
                    consumer: from,
                    prefetch,
                    out: 0,
                });
            }
            Msg::Ack { tag, .. } => {
                if self.settle(from, tag).is_some() {
                    self.acked += 1;
                }
            }
            Msg::Reject { tag, .. } => {
                if let Some(entry) = self.settle(from, tag) {
                    self.ready.push_front(entry);
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
                self.ready.push_front(entry);
            }
        }
    }

    /// Hands ready messages to subscribers with room, round robin.
    fn dispatch(&mut self, ctx: &mut Ctx<'_, BrokerNode>) {
        let manual = self.settings.manual_ack;
        while !self.ready.is_empty() {
            let count = self.subs.len();
            let Some(i) = (0..count)
                .map(|k| (self.turn + k) % count)
                .find(|&i| self.subs[i].has_room(manual))
            else {
                return;
            };
            let Some(mut entry) = self.ready.pop_front() else {
                return;
            };
            if self.settings.limit.is_some_and(|l| entry.deliveries >= l) {
                self.dead += 1;
                let (id, deliveries) = (entry.id, entry.deliveries);
                ctx.send(
                    self.settings.dead_letters,
                    Msg::DeadLetter { id, deliveries },
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
        if self.settings.durable {
            // Connections are gone: what was out goes back to the queue, oldest first.
            let out: Vec<Entry> = self.unacked.iter().map(|(_, e)| e).collect();
            self.unacked.clear();
            for &entry in out.iter().rev() {
                self.ready.push_front(entry);
            }
        } else {
            self.ready.clear();
            self.unacked.clear();
            self.accepted.clear();
        }
    }

    pub(super) fn view(&self) -> NodeView {
        let yes_no = |on: bool| if on { "yes" } else { "no" }.to_string();
        NodeView {
            role: "broker",
            headline: format!("{} ready, {} out", self.ready.len(), self.unacked.len()),
            fields: vec![
                ("ready", self.ready.len().to_string()),
                ("out, unacknowledged", self.unacked.len().to_string()),
                ("subscribed consumers", self.subs.len().to_string()),
                ("acknowledged", self.acked.to_string()),
                ("dead-lettered", self.dead.to_string()),
                ("durable", yes_no(self.settings.durable)),
                ("consumers acknowledge", yes_no(self.settings.manual_ack)),
            ],
        }
    }
}
