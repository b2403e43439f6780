//! A service in the chain: takes calls from the layer above on a bounded pool of
//! threads (the rest wait in line), and makes one job of each, calling the layer below
//! through its caller (retries, budget, breaker).
//!
//! A call that waits in line is called onwards from the step that freed its thread, so
//! its path (`Trace::path`) starts again there; a call taken at once keeps its path.

use imbl::Vector;

use super::caller::{Caller, Finished};
use super::msg::{Msg, Outcome, Timer};
use super::node::ResilienceNode;
use super::{BREAKER, WAITING};
use crate::sim::node::{Ctx, NodeId, NodeView};

/// Who asked for a job: the caller above, its job and attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Upstream {
    from: NodeId,
    job: u64,
    attempt: u32,
}

/// A service calling one dependency.
#[derive(Clone, Debug)]
pub struct Service {
    /// Threads: calls served at once (a job holds its thread until it is answered).
    threads: u32,
    caller: Caller<Upstream>,
    // Volatile.
    /// Calls waiting for a thread. Unbounded: the line that grows behind a failing
    /// dependency (persistent, so a checkpoint shares it).
    waiting: Vector<Upstream>,
    served: u64,
}

impl Service {
    /// A service with `threads` threads, calling through `caller`.
    pub fn new(threads: u32, caller: Caller<Upstream>) -> Service {
        Service {
            threads: threads.max(1),
            caller,
            waiting: Vector::new(),
            served: 0,
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, ResilienceNode>) {
        if self.caller.breaker().is_some() {
            ctx.measure(BREAKER, 0);
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ResilienceNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Call { job, attempt, .. } => {
                let up = Upstream { from, job, attempt };
                if self.caller.in_flight() < self.threads as usize {
                    let done = self.caller.start(ctx, up);
                    self.finish(ctx, done);
                } else {
                    self.waiting.push_back(up);
                    ctx.measure(WAITING, self.waiting.len() as i64);
                }
            }
            Msg::Reply {
                job,
                attempt,
                outcome,
            } => {
                let done = self.caller.on_reply(ctx, job, attempt, outcome);
                self.finish(ctx, done);
            }
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, ResilienceNode>, timer: Timer) {
        match timer {
            Timer::Deadline { job, attempt } => {
                let done = self.caller.on_deadline(ctx, job, attempt);
                self.finish(ctx, done);
            }
            Timer::SleepOver => self.caller.on_sleep_over(ctx),
            Timer::Arrival => {}
        }
    }

    /// Answers a finished job, then gives its thread to the next call in line (whose job
    /// may finish at once, when the breaker fails it fast).
    fn finish(&mut self, ctx: &mut Ctx<'_, ResilienceNode>, mut done: Option<Finished<Upstream>>) {
        while let Some(Finished {
            origin, outcome, ..
        }) = done.take()
        {
            self.served += u64::from(outcome == Outcome::Ok);
            let Upstream { from, job, attempt } = origin;
            ctx.send(
                from,
                Msg::Reply {
                    job,
                    attempt,
                    outcome,
                },
            );
            while self.caller.in_flight() < self.threads as usize && done.is_none() {
                let Some(next) = self.waiting.pop_front() else {
                    break;
                };
                ctx.measure(WAITING, self.waiting.len() as i64);
                done = self.caller.start(ctx, next);
            }
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.caller.on_crash();
        self.waiting.clear();
    }

    pub(super) fn view(&self) -> NodeView {
        let headline = match self.caller.breaker() {
            Some(b) => format!("breaker {}", b.state().name()),
            None => format!("{} in flight", self.caller.in_flight()),
        };
        let mut fields = vec![
            ("calls in flight", self.caller.in_flight().to_string()),
            ("waiting for a thread", self.waiting.len().to_string()),
            ("threads", self.threads.to_string()),
            ("answered ok", self.served.to_string()),
            ("retries sent", self.caller.retried.to_string()),
            ("calls", self.caller.describe()),
        ];
        if let Some(b) = self.caller.breaker() {
            let cfg = b.config();
            fields.push(("breaker", b.state().name().to_string()));
            fields.push(("failed fast", b.rejected.to_string()));
            fields.push((
                "breaker settings",
                format!(
                    "opens at {} % of ≥ {} calls in {} ms, sleeps {} ms{}",
                    cfg.threshold_pct,
                    cfg.min_volume,
                    cfg.window_us / 1_000,
                    cfg.sleep_us / 1_000,
                    if cfg.enforce { "" } else { " (not enforced)" }
                ),
            ));
        }
        NodeView {
            role: "service",
            headline,
            fields,
        }
    }
}
