//! An instance: registers itself and renews its lease by heartbeat (or answers a
//! registrar's health checks), serves requests one at a time (its service time drawn per
//! request).

use super::msg::{Msg, Note, Timer};
use super::node::DiscoveryNode;
use crate::patterns::slowable::SlowableWork;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A service instance.
#[derive(Clone, Debug)]
pub struct Instance {
    registry: NodeId,
    /// Its heartbeat interval; 0 when a registrar registers it (third-party).
    heartbeat_us: u64,
    work: SlowableWork,
}

impl Instance {
    /// An instance registering with `registry`, renewing every `heartbeat_us` (0: it
    /// leaves both to a registrar), whose requests take `work` each.
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

    /// Registers (or renews) and sets the next heartbeat, unless a registrar does.
    pub(super) fn beat(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>) {
        if self.heartbeat_us > 0 {
            ctx.send(self.registry, Msg::Heartbeat);
            ctx.set_timer(Timer::Heartbeat, self.heartbeat_us, self.heartbeat_us);
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Work { client, id } => {
                self.work.count_served();
                ctx.send(from, Msg::Done { client, id });
            }
            Msg::Ping => ctx.send(from, Msg::Pong),
            _ => {}
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
