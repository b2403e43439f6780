//! The hosts story: one application deployed three ways on two hosts; a noisy
//! neighbour, then a host failure.

use super::checker::HostsChecker;
use super::os::{HostOs, Isolation};
use super::{LIMITS, PATTERN};
use crate::patterns::balance::LOCAL;
use crate::patterns::deploy::client::Client;
use crate::patterns::deploy::pods::container::Container;
use crate::patterns::deploy::pods::service::Service;
use crate::patterns::deploy::DeployNode;
use crate::patterns::deploy::{simulation, DeployChecker};
use crate::sim::action::{Action, TimedAction};
use crate::sim::load::{Arrivals, Delay};
use crate::sim::node::NodeId;
use crate::sim::run::Engine;
use crate::sim::scenario::{Caption, Config, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo};
use crate::sim::time::SimTime;
use crate::sim::topology::Topology;

/// The hosts scenario.
pub struct HostsScenario {
    info: StoryInfo,
}

/// One application, three ways, a noisy neighbour and a host failure.
pub static THREE_WAYS: HostsScenario = HostsScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "hosts-three-ways",
        title: "One application, three ways",
        summary: "Five copies of a web application and one batch job on two hosts, as \
                  processes, containers or VMs: they start in 20, 50 or 145 ms. At 200 \
                  ms the batch job on h1 keeps eight threads busy: its neighbours slow \
                  down as processes, not as containers or VMs (unless their CPU limits \
                  are off). At 450 ms h2 dies and \
                  takes its three copies, whichever way they run.",
        params: &[ParamSpec {
            name: "way",
            label: "Deployed as: 0 processes, 1 containers, 2 VMs",
            min: 0,
            max: 2,
            default: 1,
            unit: "",
            step: 1,
        }],
    },
};

/// The client, the balancer, the two hosts' schedulers, then the tenants: h1 runs t1,
/// t2 and the batch job t3; h2 runs t4, t5, t6.
const TENANTS: u32 = 6;
const FIRST: u32 = 4;
const BATCH: u32 = FIRST + 2;
/// A request takes 4–6 ms of a tenant; 600 a second shared by five copies use 0.6 of a
/// core each.
const WORK: Delay = Delay::Uniform(4_000, 6_000);
const RATE: u64 = 600;
const DEMAND_MILLI: u64 = 600;
/// The application's own start, and what each way adds: a container's runtime, a
/// microVM's boot to its guest's init.
const APP_START_US: u64 = 20_000;

impl HostsScenario {
    fn isolation(cfg: &Config) -> Isolation {
        Isolation::from_param(cfg.param("way"))
    }

    fn startup_us(isolation: Isolation) -> u64 {
        APP_START_US
            + match isolation {
                Isolation::Processes => 0,
                Isolation::Containers => 30_000,
                Isolation::Vms => 125_000,
            }
    }

    fn role(isolation: Isolation) -> &'static str {
        match isolation {
            Isolation::Processes => "process",
            Isolation::Containers => "container",
            Isolation::Vms => "vm",
        }
    }

    fn host_of(t: u32) -> usize {
        (t / 3) as usize
    }

    fn serving() -> impl Iterator<Item = NodeId> {
        (FIRST..FIRST + TENANTS).filter(|&t| t != BATCH).map(NodeId)
    }
}

impl Scenario for HostsScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let isolation = Self::isolation(cfg);
        let os = if isolation == Isolation::Vms {
            "hypervisor"
        } else {
            "kernel"
        };
        let mut nodes = vec![
            NodeInfo {
                name: "c1".into(),
                role: "client",
            },
            NodeInfo {
                name: "lb".into(),
                role: "service",
            },
        ];
        nodes.extend((1..=2).map(|h| NodeInfo {
            name: format!("os{h}"),
            role: os,
        }));
        nodes.extend((1..=TENANTS).map(|t| NodeInfo {
            name: format!("t{t}"),
            role: if FIRST + t - 1 == BATCH {
                "batch"
            } else {
                Self::role(isolation)
            },
        }));
        nodes
    }

    fn topology(&self, cfg: &Config) -> Topology {
        let isolation = Self::isolation(cfg);
        let mut t = Topology::default();
        let hosts = [t.group("h1", "host", None), t.group("h2", "host", None)];
        for (h, &host) in hosts.iter().enumerate() {
            t.set_local_link(host, LOCAL);
            t.place(NodeId(2 + h as u32), host);
        }
        t.link(NodeId(0), NodeId(1));
        for i in 0..TENANTS {
            let tenant = NodeId(FIRST + i);
            let host = hosts[Self::host_of(i)];
            // A VM or a container is a box of its own inside the host.
            let inner = match isolation {
                Isolation::Processes => host,
                Isolation::Containers => t.group(format!("ctr{}", i + 1), "container", Some(host)),
                Isolation::Vms => t.group(format!("vm{}", i + 1), "vm", Some(host)),
            };
            t.place(tenant, inner);
            t.link(NodeId(2 + Self::host_of(i) as u32), tenant);
            if tenant.0 != BATCH {
                t.link(NodeId(1), tenant);
            }
        }
        t
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let isolation = Self::isolation(cfg);
        let at = |ms: u64, text: String| Caption {
            at: SimTime::from_millis(ms),
            text,
        };
        let start = Self::startup_us(isolation) / 1_000;
        let (how, fit) = match isolation {
            Isolation::Processes => ("as processes: nothing to start but the application", 32),
            Isolation::Containers => ("in containers: the runtime sets up each one", 30),
            Isolation::Vms => ("in microVMs: each boots its own guest first", 16),
        };
        let noisy = match isolation {
            Isolation::Containers | Isolation::Vms if !cfg.switch(LIMITS) => {
                "The batch job t3 keeps eight threads busy, and nothing holds it back: \
                 without a CPU limit (or, for VMs, with virtual CPUs that share the host's \
                 cores) the scheduler shares h1's four cores among all runnable threads, as \
                 for processes. t1's and t2's work takes 2.3 times as long, their queues \
                 grow, and their answers take longer than the 50 ms the isolation promises \
                 (see the invariants)."
            }
            Isolation::Processes => {
                "The batch job t3 keeps eight threads busy. As processes, the scheduler \
                 shares h1's four cores among all runnable threads: t1's and t2's work \
                 takes 2.3 times as long, their queues grow and the latency climbs \
                 (compare h2's copies). Try way 1 or 2."
            }
            Isolation::Containers => {
                "The batch job t3 keeps eight threads busy, but its container's CPU limit \
                 holds it to one core: t1 and t2 keep their speed. Switch the CPU limits \
                 off to see what the limit buys."
            }
            Isolation::Vms => {
                "The batch job t3 keeps eight threads busy on its own VM's virtual CPUs: t1 \
                 and t2 keep their speed."
            }
        };
        vec![
            at(
                0,
                format!(
                    "The application is deployed {how}: its copies serve from {start} ms; \
                     until then requests fail. A 16 GiB host fits {fit} copies of 512 MiB \
                     this way (a container's runtime costs about 20 MiB, a VM its guest's \
                     512 MiB)."
                ),
            ),
            at(200, noisy.to_string()),
            at(350, "The batch job is done.".to_string()),
            at(
                450,
                format!(
                    "Host h2 dies: all three of its {} go with it, and the requests the \
                     balancer still sends them time out.",
                    isolation.name()
                ),
            ),
        ]
    }

    fn script(&self, _cfg: &Config) -> Vec<TimedAction> {
        let noisy = |ms: u64, arg: i64| TimedAction {
            at: SimTime::from_millis(ms),
            action: Action::Command {
                node: "os1".into(),
                verb: "noisy".into(),
                arg,
            },
        };
        vec![
            noisy(200, 8),
            noisy(350, 0),
            TimedAction {
                at: SimTime::from_millis(450),
                action: Action::Crash("h2".into()),
            },
        ]
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(600)
    }

    fn offered_switches(&self) -> Vec<&'static crate::sim::scenario::SwitchSpec> {
        PATTERN.switches.iter().collect()
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let isolation = Self::isolation(cfg);
        let serving_on = |h: usize| -> Vec<NodeId> {
            Self::serving()
                .filter(|t| Self::host_of(t.0 - FIRST) == h)
                .collect()
        };
        let mut nodes = vec![
            DeployNode::Client(Client::new(
                NodeId(1),
                Arrivals::Poisson { per_sec: RATE },
                100_000,
            )),
            DeployNode::Service(Service::new(Self::serving().map(|t| (t.0, 1)).collect())),
        ];
        nodes.extend((0..2).map(|h| {
            let tenants = serving_on(h);
            let demand = DEMAND_MILLI * tenants.len() as u64;
            DeployNode::HostOs(HostOs::new(isolation, cfg.switch(LIMITS), tenants, demand))
        }));
        let startup = Self::startup_us(isolation);
        nodes.extend((FIRST..FIRST + TENANTS).map(|t| {
            let role = if t == BATCH {
                "batch"
            } else {
                Self::role(isolation)
            };
            DeployNode::Container(Container::new(startup, WORK, false).shown_as(role))
        }));
        let isolated = isolation != Isolation::Processes;
        let checker =
            |names: &[String]| DeployChecker::Hosts(HostsChecker::new(names, NodeId(0), isolated));
        Box::new(simulation(self, cfg, nodes, checker, actions))
    }
}
