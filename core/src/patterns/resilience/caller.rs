//! The calling side every layer shares: attempts with timeouts, retries (limited by a
//! retry budget when it is on), and an optional circuit breaker in front of the
//! dependency.

use std::collections::BTreeMap;

use super::breaker::{Admit, Breaker, BreakerConfig, Change};
use super::msg::{Msg, Note, Outcome, Timer};
use super::node::ResilienceNode;
use super::BREAKER;
use crate::sim::node::{Ctx, NodeId};

/// Retries a retry budget allows ahead of the requests that earn them (the bucket's
/// size): over any interval, retries ≤ budget × new calls + this.
pub const BURST: u32 = 2;

/// How a layer calls its dependency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retries {
    /// Attempts per job, the first included (Google SRE: at most 3).
    pub attempts: u32,
    /// How long one attempt may take before the caller stops waiting.
    pub timeout_us: u64,
    /// The retry budget in percent of new calls (Google SRE: 10), or none.
    pub budget_pct: Option<u32>,
}

/// A job that is finished, with what to tell whoever asked for it.
#[derive(Clone, Debug)]
pub struct Finished<O> {
    /// The job's number.
    pub job: u64,
    /// Who asked.
    pub origin: O,
    /// How it went.
    pub outcome: Outcome,
    /// Why it failed, in a few words.
    pub why: &'static str,
}

#[derive(Clone, Debug)]
struct Job<O> {
    origin: O,
    attempt: u32,
    probe: bool,
    /// The caller's monotonic clock when it sent the current attempt.
    sent_at: i64,
}

/// The calls one node makes to its one dependency.
#[derive(Clone, Debug)]
pub struct Caller<O> {
    dependency: NodeId,
    retries: Retries,
    breaker_cfg: Option<BreakerConfig>,
    /// Durable (like a request-id generator seeded from disk): job numbers only grow.
    next_job: u64,
    // Volatile.
    jobs: BTreeMap<u64, Job<O>>,
    /// The retry budget's tokens, in percent of a retry: every new call earns the
    /// budget's percent, every retry spends 100.
    tokens: u32,
    breaker: Option<Breaker>,
    /// Retries sent.
    pub retried: u64,
}

impl<O: Clone> Caller<O> {
    /// A caller of `dependency`, with a breaker when `breaker` is set.
    pub fn new(dependency: NodeId, retries: Retries, breaker: Option<BreakerConfig>) -> Self {
        Caller {
            dependency,
            retries,
            breaker_cfg: breaker,
            next_job: 0,
            jobs: BTreeMap::new(),
            tokens: 0,
            breaker: breaker.map(Breaker::new),
            retried: 0,
        }
    }

    /// Jobs in hand.
    pub fn in_flight(&self) -> usize {
        self.jobs.len()
    }

    /// The breaker, if there is one.
    pub fn breaker(&self) -> Option<&Breaker> {
        self.breaker.as_ref()
    }

    /// How its retries work, in words.
    pub fn describe(&self) -> String {
        let r = self.retries;
        let budget = match r.budget_pct {
            Some(pct) => format!("budget {pct} % ({} in hand)", self.tokens / 100),
            None => "no budget".to_string(),
        };
        format!(
            "{} attempts, {} ms timeout, {budget}",
            r.attempts,
            r.timeout_us as f64 / 1_000.0
        )
    }

    /// Starts a job for `origin`: its first attempt, unless the breaker fails it fast.
    pub fn start(&mut self, ctx: &mut Ctx<'_, ResilienceNode>, origin: O) -> Option<Finished<O>> {
        self.next_job += 1;
        let job = self.next_job;
        self.jobs.insert(
            job,
            Job {
                origin,
                attempt: 1,
                probe: false,
                sent_at: 0,
            },
        );
        self.send_attempt(ctx, job)
    }

    fn send_attempt(&mut self, ctx: &mut Ctx<'_, ResilienceNode>, job: u64) -> Option<Finished<O>> {
        let admit = self.breaker.as_mut().map_or(Admit::Call, Breaker::admit);
        if admit == Admit::Reject {
            return self.finish(job, Outcome::Failed { retry: false }, "breaker open");
        }
        let entry = self.jobs.get_mut(&job)?;
        entry.probe = admit == Admit::Probe;
        entry.sent_at = ctx.monotonic().0;
        let attempt = entry.attempt;
        if let Some(pct) = self.retries.budget_pct {
            if attempt == 1 {
                self.tokens = (self.tokens + pct).min(BURST * 100);
            } else {
                self.tokens = self.tokens.saturating_sub(100);
            }
        }
        if attempt > 1 {
            self.retried += 1;
        }
        let probe = admit == Admit::Probe;
        ctx.send(
            self.dependency,
            Msg::Call {
                job,
                attempt,
                probe,
            },
        );
        let t = self.retries.timeout_us;
        ctx.set_timer(Timer::Deadline { job, attempt }, t, t);
        None
    }

    fn finish(&mut self, job: u64, outcome: Outcome, why: &'static str) -> Option<Finished<O>> {
        let origin = self.jobs.remove(&job)?.origin;
        Some(Finished {
            job,
            origin,
            outcome,
            why,
        })
    }

    /// The dependency answered attempt `attempt` of `job`.
    pub fn on_reply(
        &mut self,
        ctx: &mut Ctx<'_, ResilienceNode>,
        job: u64,
        attempt: u32,
        outcome: Outcome,
    ) -> Option<Finished<O>> {
        let current = self.jobs.get(&job)?;
        if current.attempt != attempt {
            return None;
        }
        ctx.cancel_timer(Timer::Deadline { job, attempt });
        let ok = outcome == Outcome::Ok;
        self.record(ctx, job, ok);
        match outcome {
            Outcome::Ok => self.finish(job, Outcome::Ok, ""),
            Outcome::Failed { retry } => self.retry_or_fail(ctx, job, retry, "failed"),
        }
    }

    /// Attempt `attempt` of `job` timed out.
    pub fn on_deadline(
        &mut self,
        ctx: &mut Ctx<'_, ResilienceNode>,
        job: u64,
        attempt: u32,
    ) -> Option<Finished<O>> {
        if self.jobs.get(&job)?.attempt != attempt {
            return None;
        }
        self.record(ctx, job, false);
        self.retry_or_fail(ctx, job, true, "timed out")
    }

    /// The open breaker's sleep window is over.
    pub fn on_sleep_over(&mut self, ctx: &mut Ctx<'_, ResilienceNode>) {
        if let Some(b) = &mut self.breaker {
            if b.sleep_over() {
                ctx.note(Note::HalfOpen);
                ctx.measure(BREAKER, 1);
            }
        }
    }

    fn record(&mut self, ctx: &mut Ctx<'_, ResilienceNode>, job: u64, ok: bool) {
        let (Some(breaker), Some(sent)) = (&mut self.breaker, self.jobs.get(&job)) else {
            return;
        };
        let now = ctx.monotonic().0;
        let took = now.saturating_sub(sent.sent_at).max(0) as u64;
        match breaker.record(ok, took, sent.probe, now) {
            Change::None => {}
            Change::Opened {
                failed,
                slow,
                calls,
            } => {
                let cfg = breaker.config();
                ctx.note(Note::Opened {
                    failed,
                    slow,
                    calls,
                    enforced: cfg.enforce,
                });
                ctx.measure(BREAKER, 2);
                ctx.set_timer(Timer::SleepOver, cfg.sleep_us, cfg.sleep_us);
            }
            Change::Closed => {
                ctx.note(Note::Closed);
                ctx.measure(BREAKER, 0);
            }
        }
    }

    fn retry_or_fail(
        &mut self,
        ctx: &mut Ctx<'_, ResilienceNode>,
        job: u64,
        retryable: bool,
        why: &'static str,
    ) -> Option<Finished<O>> {
        let attempt = self.jobs.get(&job)?.attempt;
        let budget_ok = self.retries.budget_pct.is_none() || self.tokens >= 100;
        if retryable && attempt < self.retries.attempts && budget_ok {
            if let Some(j) = self.jobs.get_mut(&job) {
                j.attempt += 1;
            }
            return self.send_attempt(ctx, job);
        }
        // With a budget, a layer that gives up says "don't retry": only the layer right
        // above the failure retries, so retries do not multiply layer by layer.
        let retry = self.retries.budget_pct.is_none();
        self.finish(job, Outcome::Failed { retry }, why)
    }

    /// Forgets what is volatile.
    pub fn on_crash(&mut self) {
        self.jobs.clear();
        self.tokens = 0;
        self.breaker = self.breaker_cfg.map(Breaker::new);
    }
}
