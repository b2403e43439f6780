//! A client: an open-loop load generator calling the first service, measuring every
//! request's latency.

use super::caller::{Caller, Finished, Retries};
use super::msg::{Msg, Note, Outcome, Timer};
use super::node::ResilienceNode;
use super::{FAILED, LATENCY, OFFERED};
use crate::sim::load::Arrivals;
use crate::sim::node::{Ctx, NodeId, NodeView, Stamp};

/// A client sending requests at a rate, whatever the answers (open loop).
#[derive(Clone, Debug)]
pub struct Client {
    arrivals: Arrivals,
    caller: Caller<Stamp>,
    // Volatile.
    elapsed_us: u64,
    answered: u64,
    failed: u64,
}

impl Client {
    /// A client of `first` (the top of the chain), with `arrivals`.
    pub fn new(first: NodeId, arrivals: Arrivals, retries: Retries) -> Client {
        Client {
            arrivals,
            caller: Caller::new(first, retries, None),
            elapsed_us: 0,
            answered: 0,
            failed: 0,
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, ResilienceNode>) {
        self.next_arrival(ctx);
    }

    fn next_arrival(&mut self, ctx: &mut Ctx<'_, ResilienceNode>) {
        if let Some(gap) = ctx.arrival_gap(self.arrivals, self.elapsed_us) {
            self.elapsed_us += gap;
            ctx.set_timer(Timer::Arrival, gap, gap);
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, ResilienceNode>, timer: Timer) {
        let done = match timer {
            Timer::Arrival => {
                ctx.measure(OFFERED, 1);
                let stamp = ctx.stamp();
                let done = self.caller.start(ctx, stamp);
                self.next_arrival(ctx);
                done
            }
            Timer::Deadline { job, attempt } => self.caller.on_deadline(ctx, job, attempt),
            Timer::SleepOver => None,
        };
        self.finish(ctx, done);
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ResilienceNode>, msg: Msg) {
        if let Msg::Reply {
            job,
            attempt,
            outcome,
        } = msg
        {
            let done = self.caller.on_reply(ctx, job, attempt, outcome);
            self.finish(ctx, done);
        }
    }

    fn finish(&mut self, ctx: &mut Ctx<'_, ResilienceNode>, done: Option<Finished<Stamp>>) {
        let Some(done) = done else {
            return;
        };
        ctx.measure_since(LATENCY, done.origin);
        if done.outcome == Outcome::Ok {
            self.answered += 1;
        } else {
            self.failed += 1;
            ctx.measure(FAILED, 1);
            ctx.note(Note::GaveUp {
                job: done.job,
                why: done.why,
            });
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.caller.on_crash();
    }

    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "client",
            headline: format!("{} waiting", self.caller.in_flight()),
            fields: vec![
                ("answered", self.answered.to_string()),
                ("failed", self.failed.to_string()),
                ("retries sent", self.caller.retried.to_string()),
                ("calls", self.caller.describe()),
            ],
        }
    }
}
