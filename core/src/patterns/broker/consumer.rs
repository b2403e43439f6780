//! A consumer: subscribes with its prefetch limit, processes deliveries one at a time
//! (work that takes time, which a person can slow down) and acknowledges each, or rejects
//! a poison message; and the dead-letter queue, which keeps what the broker gives up on.

use super::msg::{Msg, Note};
use super::node::BrokerNode;
use super::topics::queue_name;
use crate::patterns::slowable::SlowableWork;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A consumer of the queue.
#[derive(Clone, Debug)]
pub struct Consumer {
    broker: NodeId,
    queue: u8,
    prefetch: u32,
    manual_ack: bool,
    /// Its processing time and slow-down.
    pub(super) work: SlowableWork,
    // Volatile.
    failed: u64,
}

impl Consumer {
    /// A consumer of `broker`'s queue `queue` with a prefetch limit (0: unlimited),
    /// processing each message for `work`, acknowledging it if `manual_ack`.
    pub fn new(
        broker: NodeId,
        queue: u8,
        prefetch: u32,
        work: Delay,
        manual_ack: bool,
    ) -> Consumer {
        Consumer {
            broker,
            queue,
            prefetch,
            manual_ack,
            work: SlowableWork::new(work),
            failed: 0,
        }
    }

    pub(super) fn subscribe(&self, ctx: &mut Ctx<'_, BrokerNode>) {
        let (prefetch, queue) = (self.prefetch, self.queue);
        ctx.send(self.broker, Msg::Subscribe { prefetch, queue });
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, BrokerNode>, msg: Msg) {
        match msg {
            Msg::Reconnect => self.subscribe(ctx),
            Msg::Deliver {
                id,
                tag,
                poison: true,
                ..
            } => {
                self.failed += 1;
                ctx.note(Note::Failed { id });
                if self.manual_ack {
                    ctx.send(self.broker, Msg::Reject { id, tag });
                }
            }
            Msg::Deliver { id, tag, .. } => {
                self.work.count_served();
                if self.manual_ack {
                    ctx.send(self.broker, Msg::Ack { id, tag });
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.failed = 0;
    }

    pub(super) fn view(&self) -> NodeView {
        let mut fields = self.work.fields("processed");
        fields.push(("failed (poison)", self.failed.to_string()));
        let prefetch = match self.prefetch {
            0 => "unlimited".to_string(),
            n => n.to_string(),
        };
        fields.push(("prefetch", prefetch));
        if self.queue > 0 {
            fields.push(("queue", queue_name(self.queue).to_string()));
        }
        NodeView {
            role: "consumer",
            headline: self.work.headline(),
            fields,
        }
    }
}

/// The dead-letter queue: what the broker gave up delivering, for a person to look at.
#[derive(Clone, Debug, Default)]
pub struct DeadLetters {
    // Durable: a dead-letter queue is kept on disk.
    count: u64,
    last: Option<u64>,
}

impl DeadLetters {
    pub(super) fn on_message(&mut self, msg: Msg) {
        if let Msg::DeadLetter { id, .. } = msg {
            self.count += 1;
            self.last = Some(id);
        }
    }

    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "dead letters",
            headline: match self.count {
                1 => "1 dead letter".to_string(),
                n => format!("{n} dead letters"),
            },
            fields: vec![(
                "latest",
                self.last.map_or("none".to_string(), |id| format!("m{id}")),
            )],
        }
    }
}
