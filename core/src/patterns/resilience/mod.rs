//! # Retries and circuit breaker
//!
//! **Problem.** A call to another service fails now and then, or hangs. Retrying hides
//! the odd failure; but when the dependency is failing because it is overloaded, every
//! layer of a call chain retrying makes the load on it grow with each layer, and callers
//! that keep waiting on a dependency that hangs tie up their threads until they queue
//! up themselves.
//!
//! **Solution.** Two mechanisms. A *retry budget* (Google SRE book, "Handling
//! Overload"): at most 3 attempts per request, retries at most 10 % of a caller's
//! requests, and a layer that gives up answers "overloaded; don't retry", so only the
//! layer right above a failure retries. A *circuit breaker* (Hystrix,
//! `HystrixCommandProperties`): in front of a dependency, it counts outcomes over a
//! rolling window (10 s in 10 buckets); once the window holds at least 20 calls
//! (request volume threshold) and 50 % of them failed, it opens and fails calls fast;
//! after a sleep window (5 s) it lets one probe through: success closes it, failure
//! opens it again. It may also count slow calls (Resilience4j's slow-call threshold),
//! so that a dependency that is slow rather than failing opens it too.
//!
//! **Why it works.** Retries that each layer makes independently multiply: k attempts
//! at each of d layers is k^d calls at the bottom (3^5 = 243); a budget caps each
//! caller at 1.1× what it was asked, and "don't retry" keeps the layers from
//! compounding it. An open breaker spends nothing on a dependency that is down: callers
//! get an answer at once instead of holding a thread for a timeout, so queues upstream
//! stay short, and the dependency gets room to recover.
//!
//! Virtual time is scaled down a hundred times (1 s becomes 10 ms), ratios kept: a call
//! times out after 10 ms (Hystrix: 1 s), the breaker's window is 100 ms in 10 buckets
//! (10 s), its sleep window 50 ms (5 s), a service has 10 threads (Hystrix's default
//! pool). Built like the load balancer: open-loop clients, a database with service
//! time, workers and a bounded queue, `slow` as a pattern action, charts of offered
//! load, calls reaching the database, retries, breaker state and queues.

mod breaker;
mod caller;
mod captions;
mod checker;
mod client;
mod database;
mod msg;
mod node;
mod scenarios;
mod service;

pub use breaker::{BreakerConfig, State};
pub use caller::{Retries, BURST};
pub use checker::{ResilienceChecker, PROPERTIES};
pub use msg::{Msg, Note, Outcome, Timer};
pub use node::ResilienceNode;
pub use scenarios::{
    ResilienceScenario, BREAKER_TRIP, FLAPPING, RETRY_STORM, SLOW_CALLS, VOLUME_TRAP,
};

use crate::patterns::outstanding::failed_metric;
use crate::patterns::slowable::slow_verb;
use crate::sim::metrics::{MetricKind, MetricSpec, QUEUE};
use crate::sim::scenario::looks::{blue, brown, purple};
use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// Metric: a request's latency, measured by its client from send to its answer (or to
/// giving up).
const LATENCY: usize = 0;
/// Metric: requests that failed for good at their client.
const FAILED: usize = 1;
/// Metric: requests the clients offered (new requests, not retries).
const OFFERED: usize = 2;
/// Metric: calls sent to the database (from the trace, retries included).
const DB_CALLS: usize = 3;
/// Metric: retries each caller sent (from the trace).
const RETRIES: usize = 4;
/// Metric: each breaker's state, 0 closed, 1 half-open, 2 open.
const BREAKER: usize = 5;
/// Metric: calls waiting for a thread at each service.
const WAITING: usize = 6;

/// The switch that turns the retry budget (and "don't retry") off.
pub const RETRY_BUDGET: &str = "retry-budget";
/// The switch that turns the breakers' enforcement off.
pub const BREAKER_SWITCH: &str = "breaker";
/// The retry budget: retries at most this percent of a caller's new calls.
pub const BUDGET_PCT: u32 = 10;

/// Retries and circuit breaker in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "resilience",
    family: "Services",
    name: "Retries and circuit breaker",
    problem: "A call to another service fails now and then, or hangs. Retrying hides the \
              odd failure, but every layer of a call chain retrying a failing dependency \
              multiplies the load on it, and callers waiting on a dependency that hangs \
              tie up their threads and queue up themselves.",
    solution: &[
        "Each caller makes at most 3 attempts per request, each with a timeout (Google SRE \
         book, \"Handling Overload\").",
        "A retry budget: retries at most 10 % of a caller's requests (SRE); a layer that \
         gives up answers \"overloaded; don't retry\", so only the layer right above a \
         failure retries.",
        "A circuit breaker in front of a dependency counts outcomes over a rolling window \
         (Hystrix: 10 s in 10 buckets). Once it holds at least 20 calls (Hystrix's request \
         volume threshold) and 50 % failed, the breaker opens and fails calls fast.",
        "After a sleep window (Hystrix: 5 s) it is half-open and lets one probe through: \
         success closes it, failure opens it again.",
        "A breaker may also count slow calls (Resilience4j's slow-call threshold: calls of \
         60 s or more, opening when 100 % are slow): a dependency that answers, only \
         slowly, ties up threads as surely as one that fails. The slow-call story sets \
         5 ms and 50 %, since the defaults would never trip at this scale.",
        "Not in the notes: time is scaled down a hundred times (1 s becomes 10 ms: a 10 ms \
         call timeout for Hystrix's 1 s, a 100 ms window, a 50 ms sleep window), ratios \
         kept; a service has 10 threads, Hystrix's default pool.",
    ],
    properties: PROPERTIES,
    switches: &[
        SwitchSpec {
            name: RETRY_BUDGET,
            label: "Callers keep a retry budget (10 %) and honour \"don't retry\"",
            when_off: "Every layer retries every failure 3 times: when the database slows \
                       down, calls reaching it multiply by 3 per layer (27× under three \
                       layers).",
        },
        SwitchSpec {
            name: BREAKER_SWITCH,
            label: "Breakers fail calls fast while open",
            when_off: "The breaker still counts and says when it would open, but lets \
                       every call through: callers hold a thread for every timeout, and a \
                       queue builds up behind the failing dependency.",
        },
    ],
    query: None,
    roles: &[blue("client"), purple("service"), brown("database")],
    metrics: &[
        MetricSpec::latency(
            "From a client's request to its answer, success or failure (a failure \
                   that comes fast is what a breaker is for), retries and waiting for a \
                   thread included.",
        ),
        failed_metric(
            "Client requests that failed for good: timed out, refused by an open breaker, \
             or failed after their retries.",
        ),
        MetricSpec {
            id: "offered",
            label: "Offered load",
            kind: MetricKind::Counter,
            unit: "requests",
            per_node: false,
            help: "New requests the clients send (retries not counted).",
        },
        MetricSpec {
            id: "db-calls",
            label: "Calls reaching the database",
            kind: MetricKind::Counter,
            unit: "calls",
            per_node: false,
            help: "Calls sent to the database, retries included, counted from the trace: \
                   divided by the offered load, the amplification.",
        },
        MetricSpec {
            id: "retries",
            label: "Retries",
            kind: MetricKind::Counter,
            unit: "calls",
            per_node: true,
            help: "Calls each caller sent again for a job it had already called for, \
                   counted from the trace.",
        },
        MetricSpec {
            id: "breaker",
            label: "Breaker state (0 closed, 1 half-open, 2 open)",
            kind: MetricKind::Gauge,
            unit: "state",
            per_node: true,
            help: "Each breaker's state: 0 closed, 1 half-open, 2 open.",
        },
        MetricSpec {
            id: "waiting",
            label: "Calls waiting for a thread",
            kind: MetricKind::Gauge,
            unit: "calls",
            per_node: true,
            help: "Calls waiting at a service for one of its threads, all busy waiting on \
                   the dependency.",
        },
        QUEUE,
    ],
    verbs: &[slow_verb(
        &["database"],
        "Multiply the database's service time (a bad disk, a lock, a slow query plan); 1 \
         makes it normal again.",
        100,
        20,
    )],
};
