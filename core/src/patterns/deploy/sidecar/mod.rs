//! # Sidecar, ambassador, adapter
//!
//! **Problem.** An application needs things done beside its own work (talk to a
//! sharded store, retry, expose metrics the way monitoring wants, go through the mesh's
//! proxy), and changing every application for each of them is slow and error-prone.
//!
//! **Solution.** Put a second container in the application's pod, sharing its fate and
//! its localhost (Burns and Oppenheimer, 2016): a *sidecar* extends the application (a
//! proxy that carries its traffic); an *ambassador* does the client work for it (the
//! application talks to localhost; the ambassador knows whether the store is one
//! server, shards or replicas); an *adapter* presents its output the way others expect
//! (metrics in the monitoring system's format).
//!
//! **Why it works, and what it costs.** The application stays the same code whatever
//! the sidecar does. The price is a hop through another process for every request, and
//! a container whose life must end with the application's: a batch job's pod completes
//! only when every container in it has exited, so a proxy sidecar left running keeps the
//! job from ever completing (the reason for Kubernetes 1.28's native sidecars, KEP-753).

pub(super) mod adapter;
pub(super) mod ambassador;
mod checker;
mod hops;
pub(super) mod job;
pub(super) mod proxy;
mod scenarios;

pub use checker::{SidecarChecker, PROPERTIES};
pub use scenarios::{SidecarScenario, ADAPTER, AMBASSADOR, HOP_COST, JOB};

use crate::patterns::outstanding::failed_metric;
use crate::sim::metrics::{MetricKind, MetricSpec};
use crate::sim::scenario::looks::{blue, brown, green, purple};
use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// Metric: scrapes monitoring could read.
const READ: usize = 2;
/// Metric: the latency of the hop story's client that calls the server directly.
const DIRECT: usize = 3;

/// The switch that makes the job's proxy a managed (native) sidecar.
pub const MANAGED: &str = "managed-sidecar";
/// The switch that makes the ambassador follow the store's protocol.
pub const STORE_PROTOCOL: &str = "store-protocol";
/// The switch that puts an adapter between monitoring and each application.
pub const ADAPTERS: &str = "adapters";

/// Sidecar, ambassador and adapter in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "sidecar",
    family: "Deployment",
    name: "Sidecar, ambassador, adapter",
    problem: "An application needs work done beside its own: reach a store that is \
              sharded or replicated, carry its traffic through a proxy, expose metrics in \
              the monitoring system's format. Changing every application for each of \
              these is slow and error-prone.",
    solution: &[
        "Put a second container in the application's pod: it shares the pod's host, fate \
         and localhost, and the application stays as it is.",
        "A sidecar extends it: here a proxy that carries its requests (a service mesh's \
         Envoy). A batch job's pod completes only when all its containers have exited, so \
         the sidecar must stop when the job does: a managed (native) sidecar is stopped by \
         the kubelet once the application containers have exited.",
        "An ambassador does its client work: the application talks to localhost, and the \
         ambassador knows whether the store is one server, shards or replicas.",
        "An adapter presents its output the way others expect: it reads the \
         application's own metrics format on localhost and answers monitoring in the one \
         format monitoring reads.",
        "Every hop through another container costs time: each pass through a proxy here \
         takes 0.2 to 0.9 ms (Istio measured about 2.65 ms added at the 90th percentile \
         for a call through two sidecars); the hop story measures its own, against a \
         client calling the same server directly.",
    ],
    properties: PROPERTIES,
    switches: &[
        SwitchSpec {
            name: MANAGED,
            label: "The proxy is a managed (native) sidecar",
            when_off: "The proxy is a plain container: it runs on after the job's \
                       container exits, so the pod never completes and neither does the job.",
        },
        SwitchSpec {
            name: STORE_PROTOCOL,
            label: "The ambassador speaks the store's protocol",
            when_off: "The ambassador sends each operation to the next server in turn, as \
                       if the store were one server: a read reaches a shard or a replica \
                       that never saw the write.",
        },
        SwitchSpec {
            name: ADAPTERS,
            label: "Monitoring reads through adapters",
            when_off: "Monitoring scrapes each application itself and cannot read the \
                       formats other than its own.",
        },
    ],
    query: None,
    roles: &[
        blue("client"),
        green("job"),
        green("app"),
        purple("sidecar"),
        purple("ambassador"),
        purple("adapter"),
        brown("server"),
        brown("kubelet"),
        blue("monitoring"),
    ],
    metrics: &[
        MetricSpec::latency(
            "From the application's (or client's) send to its answer, through any proxy.",
        ),
        failed_metric("Requests or operations given up on, and scrapes monitoring could not read."),
        MetricSpec {
            id: "read",
            label: "Scrapes read",
            kind: MetricKind::Counter,
            unit: "scrapes",
            per_node: false,
            help: "Answers to monitoring's scrapes that it could read.",
        },
        MetricSpec {
            id: "direct",
            label: "Latency without a sidecar (c2)",
            help: "The hop story's c2, which calls the server directly: from its send to \
                   its answer.",
            ..MetricSpec::latency("")
        },
    ],
    verbs: &[],
};
