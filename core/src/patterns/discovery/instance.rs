//! An instance: registers itself, renews its lease by heartbeat, serves requests one at a
//! time (its service time drawn per request).

use super::msg::{Msg, Note, Timer};
use super::node::DiscoveryNode;
use crate::patterns::slowable::SlowableWork;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A service instance.
#[derive(Clone, Debug)]
pub struct Instance {
    registry: NodeId,
    heartbeat_us: u64,
    work: SlowableWork,
}

impl Instance {
    /// An instance registering with `registry`, renewing every `heartbeat_us`, whose
    /// requests take `work` each.
    pub fn new(registry: NodeId, heartbeat_us: u64, work: Delay) -> Instance {
        Instance {
            registry,
            heartbeat_us,
            work: SlowableWork::new(work),
        }
    }

    /// How long a message takes: a request takes its service time.
    pub(super) fn service(&self, msg: &Msg) -> Option<Delay> {
        matches!(msg, Msg::Work { .. }).then(|| self.work.delay())
    }

    /// Registers (or renews) and sets the next heartbeat.
    pub(super) fn beat(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>) {
        ctx.send(self.registry, Msg::Heartbeat);
        ctx.set_timer(Timer::Heartbeat, self.heartbeat_us, self.heartbeat_us);
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>, from: NodeId, msg: Msg) {
        if let Msg::Work { client, id } = msg {
            self.work.count_served();
            ctx.send(from, Msg::Done { client, id });
        }
    }

    pub(super) fn on_command(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>, verb: &str, arg: i64) {
        if let Some(factor) = self.work.command(verb, arg) {
            ctx.note(Note::Slowed { factor });
        }
    }

    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "instance",
            headline: self.work.headline(),
            fields: self.work.fields("served"),
        }
    }
}
