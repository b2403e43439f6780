//! An instance: serves requests one at a time (its service time drawn per request) and
//! answers health checks at once.

use super::msg::{Msg, Note};
use super::node::BalanceNode;
use super::{FAIL_VERB, SERVED};
use crate::patterns::slowable::SlowableWork;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView, TROUBLE};

/// A service instance behind the balancer.
#[derive(Clone, Debug)]
pub struct Instance {
    work: SlowableWork,
    /// Durable (a broken dependency, not the process): answers every request with an
    /// error at once, while health checks still pass.
    failing: bool,
}

impl Instance {
    /// An instance whose requests take `work` each.
    pub fn new(work: Delay) -> Instance {
        Instance {
            work: SlowableWork::new(work),
            failing: false,
        }
    }

    /// How long a message takes: a request takes its service time (none when it fails at
    /// once), a health check none.
    pub(super) fn service(&self, msg: &Msg) -> Option<Delay> {
        (matches!(msg, Msg::Work { .. }) && !self.failing).then(|| self.work.delay())
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, BalanceNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Work { client, id } if self.failing => {
                ctx.send(from, Msg::Failed { client, id });
            }
            Msg::Work { client, id } => {
                self.work.count_served();
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
        if verb == FAIL_VERB.name {
            self.failing = arg != 0;
            ctx.note(Note::Failing { on: self.failing });
        } else if let Some(factor) = self.work.command(verb, arg) {
            ctx.note(Note::Slowed { factor });
        }
    }

    pub(super) fn on_crash(&mut self) {}

    pub(super) fn view(&self) -> NodeView {
        let mut view = self.work.view("instance");
        if self.failing {
            view.headline.push_str(" · 500s");
            view.fields
                .push((TROUBLE, "fails every request (500)".to_string()));
        }
        view
    }
}
