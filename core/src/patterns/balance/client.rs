//! A client: an open-loop load generator that measures every request's latency.

use super::msg::{Msg, Note, Timer};
use super::node::BalanceNode;
use super::{FAILED, LATENCY};
use crate::patterns::outstanding::Outstanding;
use crate::sim::load::Arrivals;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A client sending requests at a rate, whatever the answers (open loop).
#[derive(Clone, Debug)]
pub struct Client {
    balancers: Vec<NodeId>,
    // Volatile.
    waiting: Outstanding,
    next_id: u64,
    turn: usize,
    answered: u64,
    failed: u64,
}

impl Client {
    /// A client of `balancers` (taken in turn), with `arrivals`, giving up on a request
    /// after `timeout_us` (checked every `timeout_us / 4`).
    pub fn new(balancers: Vec<NodeId>, arrivals: Arrivals, timeout_us: u64) -> Client {
        Client {
            balancers,
            waiting: Outstanding::new(arrivals, timeout_us),
            next_id: 0,
            turn: 0,
            answered: 0,
            failed: 0,
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, BalanceNode>) {
        self.waiting.start(ctx, Timer::Arrival, Timer::Sweep);
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, BalanceNode>, timer: Timer) {
        match timer {
            Timer::Arrival => {
                self.next_id += 1;
                if let Some(&balancer) = self.balancers.get(self.turn % self.balancers.len()) {
                    self.turn += 1;
                    ctx.send(balancer, Msg::Request { id: self.next_id });
                    self.waiting.push(self.next_id, ctx.stamp());
                }
                self.waiting.next_arrival(ctx, Timer::Arrival);
            }
            Timer::Sweep => {
                self.waiting.sweep(ctx, Timer::Sweep);
                while let Some(id) = self.waiting.expired() {
                    self.failed += 1;
                    ctx.note(Note::TimedOut { id });
                    ctx.measure(FAILED, 1);
                }
            }
            Timer::HealthRound => {}
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, BalanceNode>, msg: Msg) {
        let Msg::Response { id, served } = msg else {
            return;
        };
        let Some(sent) = self.waiting.answer(id) else {
            return;
        };
        if served {
            self.answered += 1;
            ctx.measure_since(LATENCY, sent);
        } else {
            self.failed += 1;
            ctx.measure(FAILED, 1);
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
                ("sent", self.next_id.to_string()),
                ("answered", self.answered.to_string()),
                ("failed or timed out", self.failed.to_string()),
            ],
        }
    }
}
