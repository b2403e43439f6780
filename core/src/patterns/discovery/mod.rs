//! # Service registry and discovery
//!
//! **Problem.** Instances of a service come and go (they crash, scale out, move), so their
//! addresses cannot be written into their clients. A client needs a current list of the
//! instances that are up, and a dead instance must drop out of it quickly.
//!
//! **Solution.** Every instance registers itself with a registry and renews its lease by
//! heartbeat; the registry evicts an instance whose lease expired. A client asks the
//! registry for the list, caches it, refreshes it on a schedule and balances its requests
//! over it itself (client-side discovery).
//!
//! **Why it works.** A dead instance stops renewing, so it leaves the registry within its
//! lease and one eviction round, and every client's cache within one more refresh: the
//! time traffic can still go to it is bounded by the sum. The figures are Netflix
//! Eureka's defaults (heartbeat 30 s, lease 90 s, eviction every 60 s, client fetch every
//! 30 s), scaled from seconds to milliseconds with their ratios kept (its server's 30 s
//! response cache is left out: the registry answers from its live list). Eureka's
//! *self-preservation* stops evicting when renewals fall below 85 % of those expected
//! (the registry is more likely cut off than most instances dead): it keeps instances
//! that are alive behind a partition, and dead ones too.
//!
//! Variants: a registrar that checks the instances' health and renews for them
//! (third-party registration: an instance cut off from the registry stays listed, but the
//! registrar is one more thing that can fail); a balancer that keeps the list for every
//! client (server-side discovery: one more hop per request, one fresh list); a registry
//! of peer servers, as Eureka's, each passing every renewal and eviction on to the others
//! without consensus (available through a partition between them, but their lists diverge
//! until it heals).

mod balancer;
mod cache;
mod captions;
mod checker;
mod client;
mod instance;
mod msg;
mod node;
mod registrar;
mod registry;
mod scenarios;

pub use checker::{DiscoveryChecker, PROPERTIES};
pub use node::DiscoveryNode;
pub use scenarios::{
    DiscoveryScenario, REGISTRATION, REGISTRY_LAG, REPLICATED, SELF_PRESERVATION, SERVER_SIDE_STORY,
};

use crate::patterns::outstanding::failed_metric;
use crate::patterns::slowable::SLOW_VERB;
use crate::sim::metrics::{MetricKind, MetricSpec, QUEUE};
use crate::sim::scenario::looks::{blue, brown, green, purple};
use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// Metric: a request's latency, measured by its client from send to answer.
const LATENCY: usize = 0;
/// Metric: requests that failed (no instance known) or timed out.
const FAILED: usize = 1;
/// Metric: requests sent to an instance that was down (measured by the checker).
const TO_DEAD: usize = 2;
/// Metric: instances each registry server holds, at each registration and eviction
/// round (and a peer's eviction replicated to it).
const REGISTERED: usize = 3;

/// The switch that makes clients refresh their cached list.
pub const REFRESH: &str = "refresh-cache";
/// The switch that makes the registry evict every expired lease (off: self-preservation).
pub const STRICT: &str = "strict-eviction";

/// Service registry and discovery in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "discovery",
    family: "Services",
    name: "Service registry and discovery",
    problem: "Instances of a service come and go, so clients cannot be configured with \
              their addresses. A client needs the list of instances that are up now, and a \
              dead instance must leave it quickly.",
    solution: &[
        "Each instance registers itself with the registry when it starts and renews its \
         lease with a heartbeat.",
        "The registry evicts, in rounds, every instance whose lease has expired.",
        "A client asks the registry for the list, caches it, refreshes it on a schedule \
         and spreads its requests over it (client-side discovery); it stops using a list \
         two refreshes old.",
        "Variants: a registrar checks the instances' health and renews the lease of each \
         one that answers (third-party registration); a balancer keeps the list and \
         clients send every request through it (server-side discovery); the registry \
         runs as peer servers that pass every renewal and eviction on to each other \
         (Eureka's replication: no consensus, so a partition lets their lists diverge).",
        "The figures are Eureka's defaults, scaled from seconds to milliseconds with their \
         ratios kept: heartbeat 30 ms, lease 90 ms, eviction every 60 ms, client refresh \
         every 30 ms. Eureka's self-preservation stops evicting when renewals fall below \
         85 % of those expected. Not modelled: Eureka's server also answers from a \
         response cache refreshed every 30 s, which can add one more refresh to how long \
         a dead instance stays listed; here the registry answers from its live list.",
    ],
    properties: PROPERTIES,
    switches: &[
        SwitchSpec {
            name: REFRESH,
            label: "Clients refresh their cached list",
            when_off: "Each client fetches the list once and keeps using it: a dead \
                       instance stays in it, and gets requests, forever.",
        },
        SwitchSpec {
            name: STRICT,
            label: "Registry evicts every expired lease",
            when_off: "Self-preservation (Eureka's default): when renewals fall below 85 % \
                       of those expected, the registry stops evicting. Instances cut off \
                       from it stay listed (good, they are alive); so do dead ones (bad, \
                       clients keep sending them requests).",
        },
    ],
    query: None,
    roles: &[
        blue("client"),
        brown("registry"),
        purple("balancer"),
        purple("registrar"),
        green("instance"),
    ],
    metrics: &[
        MetricSpec::latency(
            "From the client's send to its answer, including the wait in an instance's \
             queue.",
        ),
        failed_metric("Requests with no instance to go to, or never answered before the timeout."),
        MetricSpec {
            id: "to-dead",
            label: "Requests sent to a dead instance",
            kind: MetricKind::Counter,
            unit: "requests",
            per_node: true,
            help: "Requests a client sent to an instance that was down then (from the \
                   trace): the registry and the caches had not caught up yet.",
        },
        MetricSpec {
            id: "registered",
            label: "Instances in the registry",
            kind: MetricKind::Gauge,
            unit: "instances",
            per_node: true,
            help: "Instances each registry server holds, at each registration and after \
                   each eviction round.",
        },
        QUEUE,
    ],
    verbs: &[SLOW_VERB],
};
