//! # Hosts, VMs, containers
//!
//! **Problem.** A service's code must run somewhere: as processes on a host's operating
//! system, in virtual machines on a hypervisor, or in containers on a shared kernel. The
//! choice decides how fast a copy starts, how many fit on a host, and how much one
//! tenant can hurt the others.
//!
//! **Solution.** The same application deployed three ways. A process starts at once and
//! costs nothing extra, but shares every core with every other process. A container is a
//! process with its own view of the system and a CPU limit: it starts almost as fast and
//! costs little more. A VM boots its own operating system on dedicated virtual CPUs:
//! slower to start, heavier, and the best isolated.
//!
//! **What does not change.** A host that dies takes every tenant on it, however they are
//! isolated.

mod checker;
pub(super) mod os;
mod scenarios;

pub use checker::{HostsChecker, PROPERTIES};
pub use scenarios::{HostsScenario, THREE_WAYS};

use crate::patterns::outstanding::failed_metric;
use crate::sim::metrics::{MetricSpec, QUEUE};
use crate::sim::scenario::looks::{blue, brown, green, purple};
use crate::sim::scenario::{ParamSpec, PatternInfo, SwitchSpec, VerbSpec};

/// The switch that enforces containers' CPU limits and VMs' dedicated virtual CPUs.
pub const LIMITS: &str = "cpu-limits";

/// Hosts, VMs and containers in the catalog.
pub static PATTERN: PatternInfo = PatternInfo {
    id: "hosts",
    family: "Deployment",
    name: "Hosts, VMs, containers",
    problem: "The same application can run as processes on a host, in virtual machines on \
              a hypervisor, or in containers on a shared kernel. Each way starts at a \
              different speed, packs a different number of copies on a host, and lets one \
              tenant slow the others down by a different amount.",
    solution: &[
        "Processes share one operating system: they start at once and cost nothing \
         extra, and the scheduler shares every core among every runnable thread, a noisy \
         neighbour's too.",
        "Containers are processes with their own view of the system and a CPU limit \
         (cgroups): they start almost as fast, cost a little memory, and a noisy one gets \
         no more than its quota. What they still share (the kernel, caches, disks) is not \
         simulated here.",
        "Virtual machines boot their own operating system on dedicated virtual CPUs: \
         Firecracker's microVMs reach their guest's init in about 125 ms (a full VM takes \
         seconds), each carries its guest's memory, and a noisy one stays on its own CPUs.",
        "A host that dies takes every tenant on it, whichever way they run.",
    ],
    properties: PROPERTIES,
    switches: &[SwitchSpec {
        name: LIMITS,
        label: "CPU limits: a quota per container, dedicated virtual CPUs per VM",
        when_off: "Containers run without a CPU limit and VMs' virtual CPUs share the \
                   host's cores with every other VM's: a noisy neighbour's threads take \
                   cores from its co-tenants as if they were processes.",
    }],
    query: None,
    roles: &[
        blue("client"),
        purple("service"),
        green("process"),
        green("container"),
        green("vm"),
        brown("batch"),
        purple("kernel"),
        purple("hypervisor"),
    ],
    metrics: &[
        MetricSpec::latency("From the client's send to its answer, through the balancer."),
        failed_metric(
            "Requests answered with an error (a tenant still starting) or not answered \
             before the client's timeout.",
        ),
        QUEUE,
    ],
    verbs: &[VerbSpec {
        name: "noisy",
        label: "Noisy neighbour",
        help: "A tenant of this host runs this many CPU-bound threads (0 stops them).",
        roles: &["kernel", "hypervisor"],
        arg: Some(ParamSpec {
            name: "threads",
            label: "Busy threads",
            min: 0,
            max: 16,
            default: 8,
            unit: "",
            step: 1,
        }),
    }],
};
