//! A client: an open-loop load generator sending every request to one address (a
//! service, a proxy) and measuring how each ended.

use super::msg::{Msg, Note, Timer};
use super::node::DeployNode;
use super::{FAILED, LATENCY};
use crate::patterns::outstanding::Outstanding;
use crate::sim::load::{Arrivals, Keys};
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A client sending requests at a rate, whatever the answers (open loop).
#[derive(Clone, Debug)]
pub struct Client {
    target: NodeId,
    /// The paths it reads (`Get`), if it reads paths rather than sending plain requests.
    keys: Option<Keys>,
    counter: u64,
    // Volatile.
    waiting: Outstanding,
    next_id: u64,
}

impl Client {
    /// A client of `target` with `arrivals`, giving up on a request after `timeout_us`.
    pub fn new(target: NodeId, arrivals: Arrivals, timeout_us: u64) -> Client {
        Client::measured_as(target, arrivals, timeout_us, LATENCY)
    }

    /// The same, recording its latencies as metric `latency`.
    pub fn measured_as(
        target: NodeId,
        arrivals: Arrivals,
        timeout_us: u64,
        latency: usize,
    ) -> Client {
        Client {
            target,
            keys: None,
            counter: 0,
            waiting: Outstanding::new(arrivals, timeout_us, [latency, FAILED]),
            next_id: 0,
        }
    }

    /// The same client reading the paths `keys` draws (`Get`) instead.
    pub fn reading(self, keys: Keys) -> Client {
        Client {
            keys: Some(keys),
            ..self
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        self.waiting.start(ctx, Timer::Arrival, Timer::Sweep);
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, DeployNode>, timer: Timer) {
        match timer {
            Timer::Arrival => {
                self.next_id += 1;
                let id = self.next_id;
                let request = match &self.keys {
                    Some(keys) => Msg::Get {
                        id,
                        key: ctx.key(keys, &mut self.counter),
                    },
                    None => Msg::Request { id },
                };
                ctx.send(self.target, request);
                self.waiting.push(self.next_id, ctx.stamp());
                self.waiting.next_arrival(ctx, Timer::Arrival);
            }
            Timer::Sweep => {
                self.waiting.sweep(ctx, Timer::Sweep);
                while let Some(id) = self.waiting.expired(ctx) {
                    ctx.note(Note::TimedOut { id });
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, DeployNode>, msg: Msg) {
        match msg {
            Msg::Response { id, ok } => self.waiting.answer(ctx, id, ok),
            Msg::Got { id, .. } => self.waiting.answer(ctx, id, true),
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
