//! A client: an open-loop load generator that finds an instance through its own cached
//! list (client-side discovery) or sends every request to a balancer (server-side), and
//! measures every request's latency.

use super::cache::Cache;
use super::msg::{Msg, Note, Timer};
use super::node::DiscoveryNode;
use super::{FAILED, LATENCY};
use crate::patterns::outstanding::Outstanding;
use crate::sim::load::Arrivals;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// Where a client's requests go.
#[derive(Clone, Debug)]
pub enum Route {
    /// To an instance from its own cached list.
    Cache(Cache),
    /// To a balancer, which asks the registry.
    Balancer(NodeId),
}

/// A client sending requests at a rate, whatever the answers (open loop).
#[derive(Clone, Debug)]
pub struct Client {
    route: Route,
    // Volatile.
    waiting: Outstanding,
    next_id: u64,
}

impl Client {
    /// A client sending by `route`, with `arrivals`, giving up on a request after
    /// `timeout_us`.
    pub fn new(route: Route, arrivals: Arrivals, timeout_us: u64) -> Client {
        Client {
            route,
            waiting: Outstanding::new(arrivals, timeout_us, [LATENCY, FAILED]),
            next_id: 0,
        }
    }

    /// Starts sending at once through a balancer; with its own cache, once it has a first
    /// list (as a Eureka client's first fetch blocks its start).
    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>) {
        match &mut self.route {
            Route::Cache(cache) => cache.refresh(ctx),
            Route::Balancer(_) => self.waiting.start(ctx, Timer::Arrival, Timer::Sweep),
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>, timer: Timer) {
        match timer {
            Timer::Arrival => {
                self.next_id += 1;
                let id = self.next_id;
                let (to, msg) = match &mut self.route {
                    Route::Balancer(b) => (Some(*b), Msg::Request { id }),
                    Route::Cache(cache) => {
                        let client = ctx.me().0;
                        (cache.pick(ctx), Msg::Work { client, id })
                    }
                };
                match to {
                    Some(to) => {
                        ctx.send(to, msg);
                        self.waiting.push(id, ctx.stamp());
                    }
                    None => self.waiting.fail(ctx),
                }
                self.waiting.next_arrival(ctx, Timer::Arrival);
            }
            Timer::Sweep => {
                self.waiting.sweep(ctx, Timer::Sweep);
                while let Some(id) = self.waiting.expired(ctx) {
                    ctx.note(Note::TimedOut { id });
                }
            }
            Timer::Refresh => {
                if let Route::Cache(cache) = &mut self.route {
                    cache.refresh(ctx);
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>, msg: Msg) {
        let (id, served) = match msg {
            Msg::Instances { round, list } => {
                if let Route::Cache(cache) = &mut self.route {
                    if cache.on_list(round, list) {
                        self.waiting.start(ctx, Timer::Arrival, Timer::Sweep);
                    }
                }
                return;
            }
            Msg::Done { id, .. } => (id, true),
            Msg::Response { id, served } => (id, served),
            _ => return,
        };
        self.waiting.answer(ctx, id, served);
    }

    pub(super) fn on_crash(&mut self) {
        self.waiting.clear();
        if let Route::Cache(cache) = &mut self.route {
            cache.clear();
        }
    }

    pub(super) fn view(&self) -> NodeView {
        let known = match &self.route {
            Route::Cache(cache) => cache.describe(),
            Route::Balancer(_) => "(asks the balancer)".to_string(),
        };
        let mut view = self.waiting.view(self.next_id);
        view.fields.push(("cached instances", known));
        view
    }
}
