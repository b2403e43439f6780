//! A registrar (third-party registration): it watches the deployment by checking every
//! instance's health, and renews the lease of each one that answers, on its behalf.

use super::msg::{Msg, Timer};
use super::node::DiscoveryNode;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// The registrar.
#[derive(Clone, Debug)]
pub struct Registrar {
    registry: NodeId,
    instances: Vec<NodeId>,
    every_us: u64,
    renewed: u64,
}

impl Registrar {
    /// A registrar checking `instances` every `every_us` for `registry`.
    pub fn new(registry: NodeId, instances: Vec<NodeId>, every_us: u64) -> Registrar {
        Registrar {
            registry,
            instances,
            every_us,
            renewed: 0,
        }
    }

    /// A round of health checks.
    pub(super) fn round(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>) {
        ctx.broadcast(self.instances.iter().copied(), Msg::Ping);
        ctx.set_timer(Timer::Heartbeat, self.every_us, self.every_us);
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>, from: NodeId, msg: Msg) {
        if msg == Msg::Pong {
            self.renewed += 1;
            let instance = from.0 - self.instances[0].0;
            ctx.send(self.registry, Msg::Renew { instance });
        }
    }

    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "registrar",
            headline: format!("{} renewals", self.renewed),
            fields: vec![("checks every", format!("{} ms", self.every_us / 1_000))],
        }
    }
}
