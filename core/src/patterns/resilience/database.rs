//! The database at the bottom of the chain: a few workers, a bounded queue, a service
//! time a person (or the script) can slow down.

use super::msg::{Msg, Note, Outcome};
use super::node::ResilienceNode;
use crate::patterns::slowable::SlowableWork;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView, Workers};

/// Workers: queries served at once.
pub const WORKERS: u32 = 4;
/// Queries that may wait for a worker; more are dropped (and time out at the caller).
pub const QUEUE: u32 = 64;

/// The database.
#[derive(Clone, Debug)]
pub struct Database {
    work: SlowableWork,
}

impl Database {
    /// A database whose queries take `work` each.
    pub fn new(work: Delay) -> Database {
        Database {
            work: SlowableWork::new(work),
        }
    }

    pub(super) fn service(&self, msg: &Msg) -> Option<Delay> {
        matches!(msg, Msg::Call { .. }).then(|| self.work.delay())
    }

    pub(super) fn workers() -> Workers {
        Workers {
            limit: WORKERS,
            queue: Some(QUEUE),
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ResilienceNode>, from: NodeId, msg: Msg) {
        if let Msg::Call { job, attempt, .. } = msg {
            self.work.count_served();
            let outcome = Outcome::Ok;
            ctx.send(
                from,
                Msg::Reply {
                    job,
                    attempt,
                    outcome,
                },
            );
        }
    }

    pub(super) fn on_command(&mut self, ctx: &mut Ctx<'_, ResilienceNode>, verb: &str, arg: i64) {
        if let Some(factor) = self.work.command(verb, arg) {
            ctx.note(Note::Slowed { factor });
        }
    }

    pub(super) fn view(&self) -> NodeView {
        let mut fields = self.work.fields("queries served");
        fields.insert(2, ("workers", format!("{WORKERS}, queue of {QUEUE}")));
        NodeView {
            role: "database",
            headline: self.work.headline(),
            fields,
        }
    }
}
