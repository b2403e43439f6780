//! # Load balancing
//!
//! **Problem.** One instance of a service cannot take all the traffic, and instances
//! fail. Clients should not need to know how many instances there are, which are up, or
//! which is busy.
//!
//! **Solution.** A balancer stands in front of the instances. It checks their health
//! (a ping every few tens of milliseconds here; Envoy's active health checks and
//! Kubernetes' probes work the same way, in seconds) and ejects an instance that misses
//! a few checks in a row; it picks an instance for every request by a policy: round robin,
//! random, the least outstanding requests, or the better of two random choices
//! (Mitzenmacher's "power of two choices").
//!
//! **Why it works.** Health checks bound how long traffic goes to a dead instance: the
//! checks it may miss, one more round, a round trip. A policy that looks at load avoids
//! an instance that is slow without being dead; two random choices get almost all of the
//! benefit of looking at every instance while keeping balancers from herding onto the
//! same one.
//!
//! This is the first pattern built on the foundation for traffic through a topology:
//! instances live on hosts in two zones (groups: crashing a host crashes its
//! instances), requests take service time and queue at an instance, clients are
//! open-loop load generators, instances can join and retire, `slow` is a pattern
//! action, and latency, failures, queues and per-instance load are charted.

mod balancer;
mod checker;
mod client;
mod instance;
mod msg;
mod node;
mod scenarios;

pub use balancer::{Health, Outliers, Policy};
pub use checker::{BalanceChecker, PROPERTIES};
pub use node::BalanceNode;
pub(crate) use scenarios::{two_zones, LOCAL, WIDE};
pub use scenarios::{
    BalanceScenario, GRAY_FAILURE, HOST_FAILURE, SCALE_OUT, SLOW_INSTANCE, STALE_LOAD,
};

use crate::patterns::outstanding::failed_metric;
use crate::patterns::slowable::SLOW_VERB;
use crate::sim::metrics::{MetricKind, MetricSpec, QUEUE};
use crate::sim::scenario::looks::{blue, green, purple};
use crate::sim::scenario::{ParamSpec, PatternInfo, SwitchSpec, VerbSpec};

/// Metric: a request's latency, measured by its client from send to answer.
const LATENCY: usize = 0;
/// Metric: requests that failed (no healthy instance) or timed out.
const FAILED: usize = 1;
/// Metric: requests each instance served.
const SERVED: usize = 2;

/// The switch that turns health checks off.
pub const HEALTH_CHECKS: &str = "health-checks";
/// The switch that turns outlier detection (passive health checking) off.
pub const OUTLIER_DETECTION: &str = "outlier-detection";

/// The `fail` verb of an instance: every request answered with an error at once, while
/// its health checks still pass (a gray failure).
pub const FAIL_VERB: VerbSpec = VerbSpec {
    name: "fail",
    label: "Fail requests",
    help: "Answer every request with an error (500) at once, while health checks still \
           pass (a broken dependency); 0 heals it.",
    roles: &["instance"],
    arg: Some(ParamSpec {
        name: "on",
        label: "1 fails, 0 heals",
        min: 0,
        max: 1,
        default: 1,
        unit: "",
        step: 1,
    }),
};

/// The load balancer in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "balance",
    family: "Services",
    name: "Load balancing",
    problem: "One instance cannot take all the traffic, and instances fail or slow down. \
              Clients should not have to know how many instances there are, which are up \
              and which are busy.",
    solution: &[
        "A balancer stands between the clients and the instances.",
        "It checks every instance's health on a schedule and ejects one that misses a few \
         checks in a row; one that answers again is admitted again.",
        "For every request it picks a healthy instance by a policy: round robin, random, \
         least outstanding requests, the better of two random choices, or the least load \
         the instances reported at the last check.",
        "It relays the answer to the client, and watches the answers: an instance that \
         answers 5 requests in a row with an error is ejected for 300 ms, longer each time \
         (passive health checking, Envoy's outlier detection: 5 consecutive 5xx, 30 s \
         times the ejections, at most 10 % of the instances).",
        "Not in the notes: the figures are scaled down (checks every 50 ms, not seconds; \
         an ejection 300 ms, not 30 s) so that a run fits in a second or two; their \
         ratios are kept.",
    ],
    properties: PROPERTIES,
    switches: &[
        SwitchSpec {
            name: HEALTH_CHECKS,
            label: "Balancer checks its instances' health",
            when_off: "The balancer assumes every configured instance is up: when a host \
                       dies, it keeps sending a share of the requests to its dead \
                       instances, forever.",
        },
        SwitchSpec {
            name: OUTLIER_DETECTION,
            label: "Balancer ejects instances that answer with errors",
            when_off: "Only health checks decide: an instance that passes them but fails \
                       every request keeps its share, and more under a policy that favours \
                       instances with few requests in hand (it fails fast).",
        },
    ],
    query: None,
    roles: &[blue("client"), purple("balancer"), green("instance")],
    metrics: &[
        MetricSpec::latency(
            "From the client's send to its answer, including the wait in an \
                   instance's queue.",
        ),
        failed_metric("Requests answered \"unavailable\" or never answered before the timeout."),
        MetricSpec {
            id: "served",
            label: "Requests served",
            kind: MetricKind::Counter,
            unit: "requests",
            per_node: true,
            help: "Requests each instance finished.",
        },
        QUEUE,
    ],
    verbs: &[SLOW_VERB, FAIL_VERB],
};
