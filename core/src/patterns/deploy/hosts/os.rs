//! A host's scheduler (its kernel, or its hypervisor): it shares the host's cores among
//! the tenants' threads, and tells each serving tenant how much slower its work runs
//! when a neighbour's CPU-bound threads compete for them.

use crate::patterns::deploy::msg::{Msg, Note};
use crate::patterns::deploy::DeployNode;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// How the tenants are isolated from each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isolation {
    /// Processes on one operating system: the scheduler shares every core among every
    /// runnable thread.
    Processes,
    /// Containers with a CPU limit: a tenant's threads get at most its quota.
    Containers,
    /// Virtual machines with dedicated virtual CPUs: a tenant's threads run only there.
    Vms,
}

impl Isolation {
    /// The isolation for the `way` parameter.
    pub fn from_param(way: i64) -> Isolation {
        match way {
            0 => Isolation::Processes,
            1 => Isolation::Containers,
            _ => Isolation::Vms,
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Isolation::Processes => "processes",
            Isolation::Containers => "containers",
            Isolation::Vms => "VMs",
        }
    }
}

/// Cores per host, and a container's CPU quota, in thousandths of a core.
const CORES_MILLI: u64 = 4_000;
const QUOTA_MILLI: u64 = 1_000;

/// The scheduler of one host.
#[derive(Clone, Debug)]
pub struct HostOs {
    isolation: Isolation,
    /// Whether containers have a CPU limit and VMs dedicated virtual CPUs (the switch).
    limits: bool,
    /// The serving tenants, and the cores their requests use on average (thousandths).
    tenants: Vec<NodeId>,
    demand_milli: u64,
    // Volatile.
    noisy: u64,
    percent: u64,
}

impl HostOs {
    /// The scheduler of a host whose serving `tenants` use `demand_milli` thousandths of
    /// a core together, enforcing the isolation's CPU limits if `limits`.
    pub fn new(
        isolation: Isolation,
        limits: bool,
        tenants: Vec<NodeId>,
        demand_milli: u64,
    ) -> HostOs {
        HostOs {
            isolation,
            limits,
            tenants,
            demand_milli,
            noisy: 0,
            percent: 100,
        }
    }

    pub(crate) fn on_command(&mut self, ctx: &mut Ctx<'_, DeployNode>, verb: &str, arg: i64) {
        if verb != "noisy" {
            return;
        }
        self.noisy = arg.clamp(0, 64) as u64;
        ctx.note(Note::Noisy {
            threads: self.noisy,
        });
        // What the noisy tenant's threads may take of the cores.
        let taken = match self.isolation {
            Isolation::Processes => self.noisy * 1_000,
            _ if !self.limits => self.noisy * 1_000,
            Isolation::Containers => (self.noisy * 1_000).min(QUOTA_MILLI),
            Isolation::Vms => 0,
        };
        let wanted = self.demand_milli + taken;
        self.percent = (wanted * 100 / CORES_MILLI).max(100);
        let percent = self.percent;
        ctx.broadcast(self.tenants.iter().copied(), Msg::Share { percent });
    }

    pub(crate) fn on_crash(&mut self) {
        self.noisy = 0;
        self.percent = 100;
    }

    pub(crate) fn view(&self) -> NodeView {
        NodeView {
            role: if self.isolation == Isolation::Vms {
                "hypervisor"
            } else {
                "kernel"
            },
            headline: format!("work at {} %", self.percent),
            fields: vec![
                ("cores", (CORES_MILLI / 1_000).to_string()),
                ("tenants", self.isolation.name().to_string()),
                (
                    "CPU limits",
                    if self.limits { "enforced" } else { "none" }.to_string(),
                ),
                ("noisy threads", self.noisy.to_string()),
            ],
        }
    }
}
