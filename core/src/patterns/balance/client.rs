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
}

impl Client {
    /// A client of `balancers` (taken in turn), with `arrivals`, giving up on a request
    /// after `timeout_us` (checked every `timeout_us / 4`).
    pub fn new(balancers: Vec<NodeId>, arrivals: Arrivals, timeout_us: u64) -> Client {
        Client {
            balancers,
            waiting: Outstanding::new(arrivals, timeout_us, [LATENCY, FAILED]),
            next_id: 0,
            turn: 0,
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
                while let Some(id) = self.waiting.expired(ctx) {
                    ctx.note(Note::TimedOut { id });
                }
            }
            Timer::HealthRound => {}
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, BalanceNode>, msg: Msg) {
        match msg {
            Msg::Response { id, served } => self.waiting.answer(ctx, id, served),
            Msg::Error { id } => self.waiting.answer(ctx, id, false),
            _ => {}
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.waiting.clear();
    }

    pub(super) fn view(&self) -> NodeView {
        self.waiting.view(self.next_id)
    }
}
