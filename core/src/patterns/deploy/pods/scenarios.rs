//! The pods-and-services stories: a scale-up (readiness) and a host that dies.

use super::checker::PodsChecker;
use super::container::Container;
use super::control::{Control, Eviction, Host};
use super::kubelet::{Kubelet, Probes};
use super::service::Service;
use super::{PATTERN, READINESS};
use crate::patterns::balance::LOCAL;
use crate::patterns::deploy::client::Client;
use crate::patterns::deploy::DeployNode;
use crate::patterns::deploy::{simulation, DeployChecker};
use crate::sim::action::{Action, TimedAction};
use crate::sim::load::{Arrivals, Delay};
use crate::sim::node::NodeId;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo, SwitchSpec,
};
use crate::sim::time::SimTime;
use crate::sim::topology::Topology;

/// Which story a scenario tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Story {
    Readiness,
    NodeFailure,
}

/// A pods-and-services scenario.
pub struct PodsScenario {
    info: StoryInfo,
    story: Story,
}

/// Hosts, and the pods running on each at the start.
const HOSTS: usize = 3;
const PER_HOST: usize = 2;
const RUNNING: usize = HOSTS * PER_HOST;
/// Nodes before the containers: the client, the service, the control plane, kubelets.
const FIRST: u32 = 3 + HOSTS as u32;
const SERVICE: NodeId = NodeId(1);
const CONTROL: NodeId = NodeId(2);
/// A request takes 4–6 ms of a container's time: 200 a second per pod.
const WORK: Delay = Delay::Uniform(4_000, 6_000);
const TIMEOUT_US: u64 = 100_000;
const PROBES: Probes = Probes {
    readiness: true,
    every_us: 10_000,
    failures: 3,
};
/// Kubernetes' node grace and toleration (40 s, 300 s), scaled.
const EVICTION: Eviction = Eviction {
    grace_us: 40_000,
    toleration_us: 300_000,
};
/// When the readiness story scales up, and when the host dies in the other.
const SCALE_AT_MS: u64 = 150;
const CRASH_AT_MS: u64 = 200;

const fn param(
    name: &'static str,
    label: &'static str,
    range: (i64, i64, i64),
    default: i64,
    unit: &'static str,
) -> ParamSpec {
    ParamSpec {
        name,
        label,
        min: range.0,
        max: range.1,
        default,
        unit,
        step: range.2,
    }
}

const fn rate(default: i64) -> ParamSpec {
    param(
        "rate",
        "Requests per second",
        (50, 3_000, 50),
        default,
        "/s",
    )
}

const STARTUP: ParamSpec = param(
    "startup",
    "A container's start-up time",
    (5, 200, 5),
    40,
    "ms",
);

/// Three pods are added and start; readiness probes keep traffic off them until ready.
pub static SCALE_UP: PodsScenario = PodsScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "pods-readiness",
        title: "Scaling up: readiness",
        summary: "Six pods on three hosts serve 900 requests a second. At 150 ms the \
                  deployment grows to nine; each new container needs 40 ms to start. \
                  Readiness probes keep them out of the service until they can answer; \
                  switch the probes off and they get requests while starting, which fail.",
        params: &[rate(900), STARTUP],
    },
    story: Story::Readiness,
};

/// A host dies; its pods come back elsewhere only after the grace and the toleration.
pub static NODE_FAILURE: PodsScenario = PodsScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "pods-node-failure",
        title: "A host dies",
        summary: "Six pods, two on each of three hosts, serve 700 requests a second. At \
                  200 ms host h1 dies with its kubelet and two pods. Its requests time out \
                  until the grace period (40 ms) marks it not ready; its pods are \
                  rescheduled on the other hosts only after the toleration (300 ms): \
                  Kubernetes' 40 s + 300 s, scaled.",
        params: &[
            rate(700),
            param("grace", "Node grace period", (10, 200, 10), 40, "ms"),
            param(
                "toleration",
                "Toleration before eviction",
                (0, 600, 50),
                300,
                "ms",
            ),
        ],
    },
    story: Story::NodeFailure,
};

impl PodsScenario {
    /// Containers: the running ones, then those that join (three added by the
    /// scale-up; one replacement per pod for the node failure).
    fn containers(&self) -> usize {
        match self.story {
            Story::Readiness => RUNNING + HOSTS,
            Story::NodeFailure => 2 * RUNNING,
        }
    }

    /// The host of container `i`: the running ones two by two, the scale-up's one per
    /// host, a replacement on another host than its pod's. No replacement waits on h1,
    /// the host the story kills: h1's two pods come back one on h2 and one on h3, h2's
    /// on h3 and h3's on h2 (were one drawn inside the dead h1, it would read as a
    /// replacement scheduled on a dead host).
    fn host_of(&self, i: usize) -> usize {
        match (self.story, i.checked_sub(RUNNING)) {
            (_, None) => i / PER_HOST,
            (Story::Readiness, Some(j)) => j,
            (Story::NodeFailure, Some(j)) => match j / PER_HOST {
                0 => 1 + j % PER_HOST,
                1 => 2,
                _ => 1,
            },
        }
    }

    fn startup_us(cfg: &Config) -> u64 {
        match cfg.param("startup") {
            0 => 40_000,
            ms => ms.clamp(1, 10_000) as u64 * 1_000,
        }
    }

    fn rate(cfg: &Config) -> u64 {
        cfg.param("rate").clamp(1, 100_000) as u64
    }

    fn container(i: usize) -> NodeId {
        NodeId(FIRST + i as u32)
    }
}

impl Scenario for PodsScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, _cfg: &Config) -> Vec<NodeInfo> {
        let node = |name: String, role| NodeInfo { name, role };
        let mut nodes = vec![
            node("c1".into(), "client"),
            node("svc".into(), "service"),
            node("cp".into(), "control plane"),
        ];
        nodes.extend((1..=HOSTS).map(|h| node(format!("k{h}"), "kubelet")));
        nodes.extend((1..=self.containers()).map(|i| node(format!("app{i}"), "container")));
        nodes
    }

    fn topology(&self, _cfg: &Config) -> Topology {
        let mut t = Topology::default();
        let hosts: Vec<usize> = (1..=HOSTS)
            .map(|h| {
                let host = t.group(format!("h{h}"), "host", None);
                t.set_local_link(host, LOCAL);
                host
            })
            .collect();
        t.link(NodeId(0), SERVICE);
        t.link(SERVICE, CONTROL);
        for (h, &host) in hosts.iter().enumerate() {
            let kubelet = NodeId(3 + h as u32);
            t.place(kubelet, host);
            t.link(kubelet, CONTROL);
        }
        for i in 0..self.containers() {
            let h = self.host_of(i);
            let pod = t.group(format!("p{}", i + 1), "pod", Some(hosts[h]));
            let c = Self::container(i);
            t.place(c, pod);
            t.link(SERVICE, c);
            t.link(NodeId(3 + h as u32), c);
            if i >= RUNNING {
                t.start_absent(c);
            }
        }
        t
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let caption = |ms: u64, text: String| Caption {
            at: SimTime::from_millis(ms),
            text,
        };
        let startup = Self::startup_us(cfg) / 1_000;
        let rate = Self::rate(cfg);
        match self.story {
            Story::Readiness => {
                let ready_ms = SCALE_AT_MS + startup;
                let added = if cfg.switch(READINESS) {
                    format!(
                        "The deployment scales to nine pods: app7–app9 start, and each \
                         needs {startup} ms before it can serve. Their kubelets probe them \
                         every 10 ms; a probe finds them ready from {ready_ms} ms, and only \
                         then are they endpoints: no request reaches a starting container."
                    )
                } else {
                    format!(
                        "The deployment scales to nine pods: app7–app9 start, and each \
                         needs {startup} ms before it can serve. Without readiness probes \
                         their kubelets report them ready as soon as the process answers, \
                         so the service sends them a third of the requests while they are \
                         starting: those fail (503) until {ready_ms} ms, and the guarantee \
                         breaks."
                    )
                };
                vec![
                    caption(
                        0,
                        format!(
                            "Six pods on three hosts serve {rate} requests a second through \
                             the service; each request takes 4 to 6 ms of a container (200 a \
                             second per pod)."
                        ),
                    ),
                    caption(SCALE_AT_MS, added),
                ]
            }
            Story::NodeFailure => {
                let grace = cfg.param("grace");
                let toleration = cfg.param("toleration");
                let marked = CRASH_AT_MS as i64 + grace;
                let evicted = marked + toleration;
                vec![
                    caption(
                        0,
                        format!(
                            "Six pods, two on each of three hosts, serve {rate} requests a \
                             second; every kubelet sends the control plane its host's status \
                             each 10 ms."
                        ),
                    ),
                    caption(
                        CRASH_AT_MS,
                        "Host h1 dies with its kubelet and pods app1 and app2. Nobody tells \
                         the control plane: the service keeps sending them a third of the \
                         requests, which are lost and time out."
                            .to_string(),
                    ),
                    caption(
                        marked as u64,
                        format!(
                            "No status from h1 for {grace} ms (the grace period): the \
                             control plane marks it not ready and drops app1 and app2 from \
                             the endpoints. Requests succeed again, on four pods: the same \
                             load on two thirds of the capacity, and latency climbs."
                        ),
                    ),
                    caption(
                        evicted as u64,
                        format!(
                            "{toleration} ms later (the toleration) it evicts h1's pods and \
                             schedules app7 on h2 and app8 on h3. They start ({startup} ms) \
                             and become endpoints once ready. With Kubernetes' defaults this \
                             window of lost capacity is 40 s + 300 s + a start-up: about \
                             six minutes."
                        ),
                    ),
                ]
            }
        }
    }

    fn script(&self, _cfg: &Config) -> Vec<TimedAction> {
        let at = |ms: u64, action: Action<String>| TimedAction {
            at: SimTime::from_millis(ms),
            action,
        };
        match self.story {
            Story::Readiness => (RUNNING + 1..=self.containers())
                .map(|i| at(SCALE_AT_MS, Action::Join(format!("app{i}"))))
                .collect(),
            Story::NodeFailure => vec![at(CRASH_AT_MS, Action::Crash("h1".into()))],
        }
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(match self.story {
            Story::Readiness => 400,
            Story::NodeFailure => 800,
        })
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        match self.story {
            Story::Readiness => PATTERN.switches.iter().collect(),
            Story::NodeFailure => Vec::new(),
        }
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let count = self.containers();
        let startup = Self::startup_us(cfg);
        let probes = Probes {
            readiness: cfg.switch(READINESS),
            ..PROBES
        };
        let on_host = |h: usize| -> Vec<NodeId> {
            (0..count)
                .filter(|&i| self.host_of(i) == h)
                .map(Self::container)
                .collect()
        };
        let hosts = (0..HOSTS)
            .map(|h| Host::new(NodeId(3 + h as u32), on_host(h), PER_HOST))
            .collect();
        let replacements = match self.story {
            Story::Readiness => Vec::new(),
            Story::NodeFailure => (0..RUNNING)
                .map(|i| (Self::container(i), Self::container(RUNNING + i)))
                .collect(),
        };
        let ms = |name: &str| cfg.param(name).clamp(0, 100_000) as u64 * 1_000;
        let eviction = match self.story {
            Story::Readiness => EVICTION,
            Story::NodeFailure => Eviction {
                grace_us: ms("grace"),
                toleration_us: ms("toleration"),
            },
        };
        let control = Control::new(SERVICE, eviction, hosts, replacements);
        let mut nodes = vec![
            DeployNode::Client(Client::new(
                SERVICE,
                Arrivals::Poisson {
                    per_sec: Self::rate(cfg),
                },
                TIMEOUT_US,
            )),
            DeployNode::Service(Service::new(control.initial_endpoints()).charted()),
            DeployNode::Control(control),
        ];
        nodes.extend(
            (0..HOSTS)
                .map(|h| DeployNode::Kubelet(Kubelet::new(CONTROL, on_host(h), probes, PER_HOST))),
        );
        nodes.extend(
            (0..count).map(|i| DeployNode::Container(Container::new(startup, WORK, i < RUNNING))),
        );
        let containers = (0..count).map(Self::container).collect();
        let checker =
            |names: &[String]| DeployChecker::Pods(PodsChecker::new(names, containers, startup));
        Box::new(simulation(self, cfg, nodes, checker, actions))
    }
}
