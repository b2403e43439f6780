//! A client: an open-loop load generator asking for random paths with its token, and
//! counting how each request ended.

use super::msg::{Msg, Note, Outcome, Timer, PATHS};
use super::node::GatewayNode;
use super::{FAILED, LATENCY, ROUTED};
use crate::patterns::outstanding::Outstanding;
use crate::sim::load::Arrivals;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A client sending requests at a rate, whatever the answers (open loop).
#[derive(Clone, Debug)]
pub struct Client {
    entry: NodeId,
    token: u32,
    // Volatile.
    next_id: u64,
    out: Outstanding,
    /// Requests that ended each way: 200, 401, 429, failed (503 or no answer in time).
    ended: [u64; 4],
}

impl Client {
    /// A client sending to `entry` (a gateway or the balancer) with `arrivals`, carrying
    /// `token`, giving up on a request after `timeout_us`.
    pub fn new(entry: NodeId, arrivals: Arrivals, token: u32, timeout_us: u64) -> Client {
        Client {
            entry,
            token,
            next_id: 0,
            out: Outstanding::new(arrivals, timeout_us, [LATENCY, FAILED]),
            ended: [0; 4],
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, GatewayNode>) {
        self.out.start(ctx, Timer::Arrival, Timer::Sweep);
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, GatewayNode>, timer: Timer) {
        match timer {
            Timer::Arrival => {
                self.next_id += 1;
                let request = Msg::Request {
                    client: ctx.me().0,
                    id: self.next_id,
                    route: ctx.random_below(PATHS.len() as u64) as u8,
                    token: self.token,
                };
                ctx.send(self.entry, request);
                self.out.push(self.next_id, ctx.stamp());
                self.out.next_arrival(ctx, Timer::Arrival);
            }
            Timer::Sweep => {
                self.out.sweep(ctx, Timer::Sweep);
                // Each one given up on is measured as a failure.
                while let Some(id) = self.out.expired(ctx) {
                    self.ended[3] += 1;
                    ctx.note(Note::TimedOut { id });
                }
            }
            Timer::Refill | Timer::HealthRound => {}
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, GatewayNode>, msg: Msg) {
        let Msg::Reply { id, outcome } = msg else {
            return;
        };
        let Some(sent) = self.out.take(id) else {
            return;
        };
        // The outcome metrics follow Outcome's order from ROUTED on.
        let ended = outcome as usize;
        self.ended[ended] += 1;
        ctx.measure(ROUTED + ended, 1);
        if outcome == Outcome::Ok {
            ctx.measure_since(LATENCY, sent);
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.out.clear();
    }

    pub(super) fn view(&self) -> NodeView {
        let [ok, unauthorized, limited, failed] = self.ended.map(|n| n.to_string());
        NodeView {
            role: "client",
            headline: format!("{} waiting", self.out.len()),
            fields: vec![
                ("sent", self.next_id.to_string()),
                ("200 served", ok),
                ("401 unauthorized", unauthorized),
                ("429 rate limited", limited),
                ("failed or timed out", failed),
            ],
        }
    }
}
