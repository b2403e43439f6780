//! A balancer for server-side discovery: it keeps the cached list (refreshed often, being
//! one node), routes each client's request to an instance from it and relays the answer.

use super::cache::Cache;
use super::msg::{Msg, Timer};
use super::node::DiscoveryNode;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A balancer between the clients and the instances.
#[derive(Clone, Debug)]
pub struct Balancer {
    cache: Cache,
    routed: u64,
}

impl Balancer {
    /// A balancer routing by `cache`.
    pub fn new(cache: Cache) -> Balancer {
        Balancer { cache, routed: 0 }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>, timer: Timer) {
        if timer == Timer::Refresh {
            self.cache.refresh(ctx);
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>) {
        self.cache.refresh(ctx);
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Instances { round, list } => {
                self.cache.on_list(round, list);
            }
            Msg::Request { id } => match self.cache.pick(ctx) {
                Some(instance) => {
                    self.routed += 1;
                    ctx.send(instance, Msg::Work { client: from.0, id });
                }
                None => ctx.send(from, Msg::Response { id, served: false }),
            },
            Msg::Done { client, id } => {
                ctx.send(NodeId(client), Msg::Response { id, served: true });
            }
            _ => {}
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.cache.clear();
    }

    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "balancer",
            headline: format!("{} routed", self.routed),
            fields: vec![("cached instances", self.cache.describe())],
        }
    }
}
