//! A client: an open-loop load generator that measures every request's latency.

use std::collections::VecDeque;

use super::msg::{Msg, Note, Timer};
use super::node::BalanceNode;
use super::{FAILED, LATENCY};
use crate::sim::load::Arrivals;
use crate::sim::node::{Ctx, NodeId, NodeView, Stamp};

/// A client sending requests at a rate, whatever the answers (open loop).
#[derive(Clone, Debug)]
pub struct Client {
    balancers: Vec<NodeId>,
    arrivals: Arrivals,
    /// Sweeps (one every `sweep_us`) a request may wait before the client gives up.
    timeout_sweeps: u64,
    sweep_us: u64,
    // Volatile.
    elapsed_us: u64,
    next_id: u64,
    turn: usize,
    sweeps: u64,
    /// Requests in flight: number, when it was sent, the sweep count then.
    waiting: VecDeque<(u64, Stamp, u64)>,
    answered: u64,
    failed: u64,
}

impl Client {
    /// A client of `balancers` (taken in turn), with `arrivals`, giving up on a request
    /// after `timeout_us` (checked every `timeout_us / 4`).
    pub fn new(balancers: Vec<NodeId>, arrivals: Arrivals, timeout_us: u64) -> Client {
        Client {
            balancers,
            arrivals,
            timeout_sweeps: 4,
            sweep_us: (timeout_us / 4).max(1),
            elapsed_us: 0,
            next_id: 0,
            turn: 0,
            sweeps: 0,
            waiting: VecDeque::new(),
            answered: 0,
            failed: 0,
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, BalanceNode>) {
        self.next_arrival(ctx);
        ctx.set_timer(Timer::Sweep, self.sweep_us, self.sweep_us);
    }

    fn next_arrival(&mut self, ctx: &mut Ctx<'_, BalanceNode>) {
        if let Some(gap) = ctx.arrival_gap(self.arrivals, self.elapsed_us) {
            self.elapsed_us += gap;
            ctx.set_timer(Timer::Arrival, gap, gap);
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, BalanceNode>, timer: Timer) {
        match timer {
            Timer::Arrival => {
                self.next_id += 1;
                if let Some(&balancer) = self.balancers.get(self.turn % self.balancers.len()) {
                    self.turn += 1;
                    ctx.send(balancer, Msg::Request { id: self.next_id });
                    self.waiting
                        .push_back((self.next_id, ctx.stamp(), self.sweeps));
                }
                self.next_arrival(ctx);
            }
            Timer::Sweep => {
                self.sweeps += 1;
                while let Some(&(id, _, at)) = self.waiting.front() {
                    if self.sweeps - at < self.timeout_sweeps {
                        break;
                    }
                    self.waiting.pop_front();
                    self.failed += 1;
                    ctx.note(Note::TimedOut { id });
                    ctx.measure(FAILED, 1);
                }
                ctx.set_timer(Timer::Sweep, self.sweep_us, self.sweep_us);
            }
            Timer::HealthRound => {}
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, BalanceNode>, msg: Msg) {
        let Msg::Response { id, served } = msg else {
            return;
        };
        let Some(pos) = self.waiting.iter().position(|w| w.0 == id) else {
            return;
        };
        let (_, sent, _) = self.waiting.remove(pos).unwrap_or((id, ctx.stamp(), 0));
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
