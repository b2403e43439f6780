//! The database at the bottom of the chain: a few workers, a bounded queue, a service
//! time a person (or the script) can slow down.

use super::msg::{Msg, Note, Outcome};
use super::node::ResilienceNode;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView, Workers};

/// Workers: queries served at once.
pub const WORKERS: u32 = 4;
/// Queries that may wait for a worker; more are dropped (and time out at the caller).
pub const QUEUE: u32 = 64;

/// The database.
#[derive(Clone, Debug)]
pub struct Database {
    work: Delay,
    /// Durable (a property of the machine): how many times slower than normal it is.
    slow: u64,
    served: u64,
}

impl Database {
    /// A database whose queries take `work` each.
    pub fn new(work: Delay) -> Database {
        Database {
            work,
            slow: 1,
            served: 0,
        }
    }

    pub(super) fn service(&self, msg: &Msg) -> Option<Delay> {
        matches!(msg, Msg::Call { .. }).then(|| self.work.times(self.slow))
    }

    pub(super) fn workers() -> Workers {
        Workers {
            limit: WORKERS,
            queue: Some(QUEUE),
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ResilienceNode>, from: NodeId, msg: Msg) {
        if let Msg::Call { job, attempt, .. } = msg {
            self.served += 1;
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
        if verb == "slow" {
            self.slow = arg.clamp(1, 1_000) as u64;
            ctx.note(Note::Slowed { factor: self.slow });
        }
    }

    pub(super) fn view(&self) -> NodeView {
        let mean = self.work.times(self.slow).mean();
        let mut headline = format!("{} served", self.served);
        if self.slow > 1 {
            headline.push_str(&format!(" ×{}", self.slow));
        }
        NodeView {
            role: "database",
            headline,
            fields: vec![
                ("queries served", self.served.to_string()),
                (
                    "mean service time",
                    format!("{:.1} ms", mean as f64 / 1000.0),
                ),
                ("workers", format!("{WORKERS}, queue of {QUEUE}")),
                ("slowed", format!("×{}", self.slow)),
            ],
        }
    }
}
