//! The client: sends searches at a rate and measures how long each answer takes.

use std::collections::BTreeMap;

use super::msg::{Msg, Timer};
use super::node::ScatterNode;
use super::LATENCY;
use crate::sim::load::Arrivals;
use crate::sim::node::{Ctx, NodeId, NodeView, Stamp};

/// A client searching at a rate, whatever the answers (open loop).
#[derive(Clone, Debug)]
pub struct Client {
    root: NodeId,
    arrivals: Arrivals,
    /// Durable: request numbers only grow, so the root never mixes two searches.
    next_req: u64,
    // Volatile.
    elapsed_us: u64,
    waiting: BTreeMap<u64, Stamp>,
    answered: u64,
    partial: u64,
}

impl Client {
    /// A client of `root`, with `arrivals`.
    pub fn new(root: NodeId, arrivals: Arrivals) -> Client {
        Client {
            root,
            arrivals,
            next_req: 0,
            elapsed_us: 0,
            waiting: BTreeMap::new(),
            answered: 0,
            partial: 0,
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, ScatterNode>) {
        self.next_arrival(ctx);
    }

    fn next_arrival(&mut self, ctx: &mut Ctx<'_, ScatterNode>) {
        if let Some(gap) = ctx.arrival_gap(self.arrivals, self.elapsed_us) {
            self.elapsed_us += gap;
            ctx.set_timer(Timer::Arrival, gap, gap);
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, ScatterNode>, timer: Timer) {
        if timer == Timer::Arrival {
            self.next_req += 1;
            let req = self.next_req;
            self.waiting.insert(req, ctx.stamp());
            ctx.send(self.root, Msg::Search { req });
            self.next_arrival(ctx);
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ScatterNode>, msg: Msg) {
        if let Msg::Answer { req, shards, of } = msg {
            if let Some(stamp) = self.waiting.remove(&req) {
                ctx.measure_since(LATENCY, stamp);
                self.answered += 1;
                self.partial += u64::from(shards < of);
            }
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.waiting.clear();
    }

    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "client",
            headline: format!("{} waiting", self.waiting.len()),
            fields: vec![
                ("answered", self.answered.to_string()),
                ("answered partly", self.partial.to_string()),
            ],
        }
    }
}
