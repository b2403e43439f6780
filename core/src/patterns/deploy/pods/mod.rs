//! # Pods and services
//!
//! **Problem.** An application runs as several copies spread over hosts. Copies start,
//! restart and die with their host; clients should reach only copies that can answer,
//! through one stable name, and a dead host's copies should come back elsewhere.
//!
//! **Solution.** A pod is a group of containers scheduled together on one host; a
//! service is a stable name that balances over the pods that are *ready*. The kubelet on
//! each host probes its containers (every 10 s, three failures by default) and reports
//! them with the host's status; the control plane lists the ready ones as the service's
//! endpoints, marks a host not ready when its status stops for the grace period (40 s)
//! and, after the toleration (300 s), evicts its pods and schedules them on other hosts.
//!
//! **Why it works.** A container that has not finished starting fails its readiness
//! probe, so it is not an endpoint until it can serve. What it costs: a dead host's pods
//! keep getting traffic for the grace period, and its capacity is missing for grace plus
//! toleration plus a start-up. Those defaults are scaled here from seconds to
//! milliseconds (10 ms, 40 ms, 300 ms), their ratios kept.

mod checker;
pub(in crate::patterns::deploy) mod container;
pub(super) mod control;
pub(super) mod kubelet;
mod scenarios;
pub(in crate::patterns::deploy) mod service;

pub use checker::{PodsChecker, PROPERTIES};
pub use scenarios::{PodsScenario, NODE_FAILURE, SCALE_UP};

use crate::patterns::outstanding::failed_metric;
use crate::sim::metrics::{MetricKind, MetricSpec, QUEUE};
use crate::sim::scenario::looks::{blue, brown, green, purple};
use crate::sim::scenario::{PatternInfo, SwitchSpec};

/// Metric: the endpoints the service routes to.
const ENDPOINTS: usize = 2;
/// Metric: containers that have finished starting (ground truth, by the checker).
const READY: usize = 3;
/// The switch that turns readiness probes off.
pub const READINESS: &str = "readiness";

/// Pods and services in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "pods",
    family: "Deployment",
    name: "Pods and services",
    problem: "An application runs as several copies on several hosts. Copies start, \
              restart, and die with their host. Clients need one stable address that \
              reaches only copies able to answer, and a dead host's copies must come back \
              somewhere else.",
    solution: &[
        "A pod groups containers that are scheduled together on one host and share its \
         fate and localhost; here each pod holds one application container.",
        "The kubelet on each host probes its containers every period and sends the \
         control plane the host's status with the containers it found ready.",
        "The service is a stable name: it balances requests over the endpoints the \
         control plane lists as ready.",
        "When a host's status stops for the grace period, the control plane marks it not \
         ready and drops its pods from the endpoints; after the toleration it evicts them \
         and schedules replacements on other hosts, which serve once they have started.",
        "Not in the notes: Kubernetes' defaults (probes every 10 s, three failures; node \
         grace 40 s, toleration 300 s) are scaled to milliseconds (10 ms, 40 ms, 300 ms), \
         their ratios kept, so a run lasts under a second.",
        "Not in Kubernetes: the service reaches the pods directly and every ready report \
         carries the container's restart count, so a request routed on news older than a \
         restart is refused instead of reaching a container that is starting again.",
    ],
    properties: PROPERTIES,
    switches: &[SwitchSpec {
        name: READINESS,
        label: "Kubelets probe readiness",
        when_off: "A container counts as ready as soon as its process runs: the service \
                   sends it requests while it is still starting, and they fail.",
    }],
    query: None,
    roles: &[
        blue("client"),
        purple("service"),
        green("container"),
        brown("kubelet"),
        purple("control plane"),
    ],
    metrics: &[
        MetricSpec::latency("From the client's send to its answer, through the service."),
        failed_metric(
            "Requests answered with an error (a pod still starting, none ready, a \
             restarted pod) or not answered before the client's timeout.",
        ),
        MetricSpec {
            id: "endpoints",
            label: "Endpoints",
            kind: MetricKind::Gauge,
            unit: "pods",
            per_node: false,
            help: "The pods the service routes to, as the control plane last told it.",
        },
        MetricSpec {
            id: "ready",
            label: "Ready pods",
            kind: MetricKind::Gauge,
            unit: "pods",
            per_node: false,
            help: "Containers running and past their start-up time, from the trace: the \
                   capacity really there.",
        },
        QUEUE,
    ],
    verbs: &[],
};
