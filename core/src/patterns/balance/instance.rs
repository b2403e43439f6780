//! An instance: serves requests one at a time (its service time drawn per request) and
//! answers health checks at once.

use super::msg::{Msg, Note};
use super::node::BalanceNode;
use super::SERVED;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A service instance behind the balancer.
#[derive(Clone, Debug)]
pub struct Instance {
    work: Delay,
    /// Durable (a property of the machine): how many times slower than normal it is.
    slow: u64,
    served: u64,
}

impl Instance {
    /// An instance whose requests take `work` each.
    pub fn new(work: Delay) -> Instance {
        Instance {
            work,
            slow: 1,
            served: 0,
        }
    }

    /// How long a message takes: a request takes its service time, a health check none.
    pub(super) fn service(&self, msg: &Msg) -> Option<Delay> {
        matches!(msg, Msg::Work { .. }).then(|| self.work.times(self.slow))
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, BalanceNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Work { client, id } => {
                self.served += 1;
                ctx.measure(SERVED, 1);
                ctx.send(from, Msg::Done { client, id });
            }
            Msg::Ping { round } => {
                let load = ctx.backlog();
                ctx.send(from, Msg::Pong { round, load });
            }
            _ => {}
        }
    }

    pub(super) fn on_command(&mut self, ctx: &mut Ctx<'_, BalanceNode>, verb: &str, arg: i64) {
        if verb == "slow" {
            self.slow = arg.clamp(1, 1_000) as u64;
            ctx.note(Note::Slowed { factor: self.slow });
        }
    }

    pub(super) fn on_crash(&mut self) {}

    pub(super) fn view(&self) -> NodeView {
        let mean = self.work.times(self.slow).mean();
        let mut headline = format!("{} served", self.served);
        if self.slow > 1 {
            headline.push_str(&format!(" ×{}", self.slow));
        }
        NodeView {
            role: "instance",
            headline,
            fields: vec![
                ("served", self.served.to_string()),
                (
                    "mean service time",
                    format!("{:.1} ms", mean as f64 / 1000.0),
                ),
                ("slowed", format!("×{}", self.slow)),
            ],
        }
    }
}
