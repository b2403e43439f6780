//! The producer: publishes numbered messages at a steady rate (a batch of them, or for
//! the whole run), with routing keys taken in turn or none, and a poison message when
//! told to.

use super::msg::{Msg, Timer};
use super::node::BrokerNode;
use super::topics::TOPICS;
use crate::sim::load::Arrivals;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A producer publishing to the broker whatever happens to its messages (open loop).
#[derive(Clone, Debug)]
pub struct Producer {
    broker: NodeId,
    arrivals: Arrivals,
    /// Messages it publishes before it stops (none: it never stops).
    batch: Option<u64>,
    /// Whether it gives each message a routing key (the topics, in turn).
    topics: bool,
    /// Durable: ids only grow, so two messages never share one.
    next_id: u64,
    // Volatile.
    elapsed_us: u64,
    published: u64,
}

impl Producer {
    /// A producer publishing to `broker` with `arrivals`, `batch` messages at most,
    /// with routing keys if `topics`.
    pub fn new(broker: NodeId, arrivals: Arrivals, batch: Option<u64>, topics: bool) -> Producer {
        Producer {
            broker,
            arrivals,
            batch,
            topics,
            next_id: 0,
            elapsed_us: 0,
            published: 0,
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, BrokerNode>) {
        self.next_arrival(ctx);
    }

    fn next_arrival(&mut self, ctx: &mut Ctx<'_, BrokerNode>) {
        if self.batch.is_some_and(|b| self.published >= b) {
            return;
        }
        if let Some(gap) = ctx.arrival_gap(self.arrivals, self.elapsed_us) {
            self.elapsed_us += gap;
            ctx.set_timer(Timer::Publish, gap, gap);
        }
    }

    fn publish(&mut self, ctx: &mut Ctx<'_, BrokerNode>, poison: bool) {
        self.next_id += 1;
        let id = self.next_id;
        let keys = TOPICS.len() as u64 - 1;
        let topic = if self.topics {
            ((id - 1) % keys + 1) as u8
        } else {
            0
        };
        ctx.send(self.broker, Msg::Publish { id, poison, topic });
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, BrokerNode>) {
        self.published += 1;
        self.publish(ctx, false);
        self.next_arrival(ctx);
    }

    pub(super) fn on_command(&mut self, ctx: &mut Ctx<'_, BrokerNode>, verb: &str) {
        if verb == "poison" {
            self.publish(ctx, true);
        }
    }

    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "producer",
            headline: format!("{} published", self.next_id),
            fields: vec![("published", self.next_id.to_string())],
        }
    }
}
