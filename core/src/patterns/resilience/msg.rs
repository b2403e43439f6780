//! What the nodes of the retries and circuit breaker pattern say to each other, their
//! timers and notes.

use std::fmt;

/// How a call ended, as its callee answers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Ok,
    /// Failed; `retry` false is "overloaded; don't retry" (the Google SRE book's special
    /// error): the callee already retried, or its breaker is open.
    Failed {
        /// Whether the caller may retry it.
        retry: bool,
    },
}

/// A message between a caller and its dependency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A call: the caller's job `job` (a client's request, or a call a service is
    /// serving), its `attempt` (1 the first time), and whether it is a breaker's probe.
    Call {
        /// The job's number at its caller, the same for every attempt.
        job: u64,
        /// 1 for the first attempt, 2 for the first retry …
        attempt: u32,
        /// Whether a half-open breaker let it through as its one trial call.
        probe: bool,
    },
    /// The answer to a call, naming the call it answers.
    Reply {
        /// The job's number at the caller.
        job: u64,
        /// The attempt it answers.
        attempt: u32,
        /// How it went.
        outcome: Outcome,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Call {
                job,
                attempt,
                probe: true,
            } => write!(f, "probe j{job}#{attempt}"),
            Msg::Call { job, attempt, .. } => write!(f, "call j{job}#{attempt}"),
            Msg::Reply {
                job,
                attempt,
                outcome,
            } => match outcome {
                Outcome::Ok => write!(f, "ok j{job}#{attempt}"),
                Outcome::Failed { retry: true } => write!(f, "failed j{job}#{attempt}"),
                Outcome::Failed { retry: false } => {
                    write!(f, "failed j{job}#{attempt} (don't retry)")
                }
            },
        }
    }
}

/// A timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A client's next request is due.
    Arrival,
    /// An attempt's timeout: the caller stops waiting for it.
    Deadline {
        /// The job.
        job: u64,
        /// The attempt.
        attempt: u32,
    },
    /// An open breaker's sleep window is over: the next call is its probe.
    SleepOver,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Arrival => f.write_str("next request"),
            Timer::Deadline { job, attempt } => write!(f, "timeout j{job}#{attempt}"),
            Timer::SleepOver => f.write_str("sleep window over"),
        }
    }
}

/// A pattern-level event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A breaker opened: the failure rate or the slow-call rate in its window crossed
    /// its threshold, or its probe failed or was slow.
    Opened {
        /// Failed calls in the window (for a probe: 1 if it failed).
        failed: u32,
        /// Slow calls in the window (for a probe: 1 if it was slow), when the breaker
        /// counts slow calls; else 0.
        slow: u32,
        /// Calls in the window (1 for a failed probe).
        calls: u32,
        /// False when the breaker is switched off: it only watches, and every call still
        /// goes through.
        enforced: bool,
    },
    /// A breaker's sleep window is over: its next call is a probe.
    HalfOpen,
    /// A breaker closed: its probe succeeded.
    Closed,
    /// A client's request failed for good.
    GaveUp {
        /// The request's number.
        job: u64,
        /// Why, in a few words.
        why: &'static str,
    },
    /// The database's service time changed.
    Slowed {
        /// The new factor (1 is normal).
        factor: u64,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Opened {
                failed,
                slow,
                calls,
                enforced,
            } => {
                let how = if *enforced { "" } else { ", not enforced" };
                write!(f, "breaker open ({failed} of {calls} calls failed")?;
                if *slow > 0 {
                    write!(f, ", {slow} slow")?;
                }
                write!(f, "{how})")
            }
            Note::HalfOpen => f.write_str("breaker half-open"),
            Note::Closed => f.write_str("breaker closed (probe succeeded)"),
            Note::GaveUp { job, why } => write!(f, "request j{job} failed ({why})"),
            Note::Slowed { factor } => write!(f, "service time now ×{factor}"),
        }
    }
}
