//! Discovery's named scenarios: registry lag after a crash, self-preservation,
//! client-side against server-side discovery, self against third-party registration, a
//! registry of two peer servers cut off from each other.

use super::balancer::Balancer;
use super::cache::Cache;
use super::captions::captions;
use super::checker::DiscoveryChecker;
use super::client::{Client, Route};
use super::instance::Instance;
use super::node::DiscoveryNode;
use super::registrar::Registrar;
use super::registry::{Leases, Registry};
use super::{PATTERN, REFRESH, STRICT};
use crate::patterns::balance::{two_zones, WIDE};
use crate::sim::action::{Action, TimedAction};
use crate::sim::engine::{Setup, Simulation};
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
pub(super) enum Story {
    RegistryLag,
    SelfPreservation,
    ServerSide,
    Registration,
    Replicated,
}

/// A discovery scenario.
pub struct DiscoveryScenario {
    info: StoryInfo,
    pub(super) story: Story,
}

/// Clients generating the load.
const CLIENTS: usize = 2;
/// The registry's node id (the first registry server's, when there are two).
const REGISTRY: NodeId = NodeId(CLIENTS as u32);
/// An instance's mean service time: 5 ms, so 200 requests per second at most.
const SERVICE_US: u64 = 5_000;
/// The registry's eviction round (Eureka: 60 s).
const EVICT_US: u64 = 60_000;
/// How often the balancer refreshes its list (it is one node: it can ask often).
const BALANCER_REFRESH_US: u64 = 5_000;
/// A client gives up on a request after this long.
const TIMEOUT_US: u64 = 200_000;
/// When the scripted crash (or partition) happens.
pub(super) const FAULT_MS: u64 = 300;

const fn ms(
    name: &'static str,
    label: &'static str,
    min: i64,
    max: i64,
    default: i64,
) -> ParamSpec {
    ParamSpec {
        name,
        label,
        min,
        max,
        default,
        unit: "ms",
        step: 5,
    }
}

/// Heartbeat, lease and refresh, Eureka's 30 s, 90 s, 30 s scaled to milliseconds.
const TIMES: [ParamSpec; 3] = [
    ms("heartbeat", "Heartbeat every", 10, 90, 30),
    ms("lease", "Lease", 30, 300, 90),
    ms("refresh", "Clients refresh their list every", 10, 200, 30),
];

const SERVER_SIDE: ParamSpec = ParamSpec {
    name: "server-side",
    label: "Discovery: 0 client-side (each client caches the list), 1 server-side (a \
            balancer does)",
    min: 0,
    max: 1,
    default: 1,
    unit: "",
    step: 1,
};

/// An instance dies; the registry and the clients' caches catch up.
pub static REGISTRY_LAG: DiscoveryScenario = DiscoveryScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "discovery-registry-lag",
        title: "Registry lag",
        summary: "Four instances register and renew by heartbeat; two clients cache the \
                  registry's list and spread 300 requests a second over it. At 300 ms \
                  instance i2 crashes: requests keep going to it until its lease expires, \
                  an eviction round removes it and each client refreshes its list.",
        params: &TIMES,
    },
    story: Story::RegistryLag,
};

/// The registry is cut off from most instances, then most instances die.
pub static SELF_PRESERVATION: DiscoveryScenario = DiscoveryScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "discovery-self-preservation",
        title: "Self-preservation",
        summary: "Six instances, four of them in zone z2. From 300 to 550 ms the registry \
                  is cut off from z2 while the instances there are alive; at 750 ms zone \
                  z2 dies. Evicting every expired lease loses live capacity in the \
                  partition; self-preservation (Eureka's default) keeps it, and keeps the \
                  dead instances listed too.",
        params: &[],
    },
    story: Story::SelfPreservation,
};

/// The same crash, with a balancer asking the registry instead of every client.
pub static SERVER_SIDE_STORY: DiscoveryScenario = DiscoveryScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "discovery-server-side",
        title: "Client-side or server-side",
        summary: "The same crash of i2 at 300 ms. With server-side discovery, clients send \
                  every request to a balancer, which keeps the list (refreshed every 5 ms) \
                  and forwards it: one more hop for every request, and no request to the \
                  dead instance soon after the registry drops it. With client-side \
                  discovery (parameter 0) the hop is gone, but each client refreshes its \
                  list only every 100 ms, so it keeps sending to the dead instance for up \
                  to that much longer.",
        params: &[
            SERVER_SIDE,
            ms("refresh", "Clients refresh their list every", 10, 200, 100),
        ],
    },
    story: Story::ServerSide,
};

const THIRD_PARTY: ParamSpec = ParamSpec {
    name: "third-party",
    label: "Registration: 0 each instance registers itself, 1 a registrar does (third-party)",
    min: 0,
    max: 1,
    default: 1,
    unit: "",
    step: 1,
};

/// An instance cut off from the registry, a registrar that dies, a new instance.
pub static REGISTRATION: DiscoveryScenario = DiscoveryScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "discovery-registration",
        title: "Self or third-party registration",
        summary: "A registrar checks every instance's health and renews the lease of each \
                  one that answers. From 300 to 550 ms instance i2 is cut off from the \
                  registry, not from the clients nor the registrar; at 650 ms the \
                  registrar crashes; at 700 ms a new instance, i5, starts. With \
                  self-registration (parameter 0) i2 is evicted while it serves, and i5 \
                  registers itself.",
        params: &[THIRD_PARTY],
    },
    story: Story::Registration,
};

/// Two registry servers, peers, cut off from each other while instances come and go.
pub static REPLICATED: DiscoveryScenario = DiscoveryScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "discovery-replicated-registry",
        title: "A replicated registry, partitioned",
        summary: "Two registry servers, reg1 in zone z1 and reg2 in z2, are peers (as \
                  Eureka's are): each instance registers with its zone's server, and each \
                  server passes every renewal and eviction on to the other. c1 asks reg1, \
                  c2 asks reg2. From 300 to 650 ms the two servers are cut off from each \
                  other; at 350 ms i5 starts in z2, at 450 ms i3 crashes. Their lists \
                  diverge, then converge after the heal.",
        params: &[],
    },
    story: Story::Replicated,
};

impl DiscoveryScenario {
    /// Registry servers: two peers, or one.
    fn servers(&self) -> u32 {
        1 + u32::from(self.story == Story::Replicated)
    }

    /// The registry server that zone `zone` (or client `zone`) uses.
    fn server(&self, zone: u32) -> NodeId {
        NodeId(REGISTRY.0 + zone % self.servers())
    }

    /// The zone instance `i` runs in: the first third in z1 (0), the rest in z2 (1).
    fn zone(&self, i: u32) -> u32 {
        u32::from(i >= (self.instance_count() as u32).div_ceil(3))
    }

    fn instance_count(&self) -> usize {
        match self.story {
            Story::SelfPreservation => 6,
            Story::Registration | Story::Replicated => 5,
            _ => 4,
        }
    }

    pub(super) fn third_party(&self, cfg: &Config) -> bool {
        self.story == Story::Registration && cfg.param("third-party") == 1
    }

    fn rate(&self) -> u64 {
        match self.story {
            Story::SelfPreservation => 600,
            _ => 300,
        }
    }

    pub(super) fn server_side(&self, cfg: &Config) -> bool {
        self.story == Story::ServerSide && cfg.param("server-side") == 1
    }

    /// The first instance's node id (after the clients, the registry servers, the
    /// balancer or the registrar).
    fn first(&self, cfg: &Config) -> u32 {
        CLIENTS as u32 + self.servers() + u32::from(self.server_side(cfg) || self.third_party(cfg))
    }

    /// A timing parameter in µs, its default where the story has none.
    fn time_us(cfg: &Config, spec: &ParamSpec) -> u64 {
        let ms = cfg
            .params()
            .iter()
            .find(|p| p.0 == spec.name)
            .map_or(spec.default, |p| p.1);
        ms.max(1) as u64 * 1_000
    }

    pub(super) fn leases(cfg: &Config) -> Leases {
        Leases {
            lease_us: Self::time_us(cfg, &TIMES[1]),
            evict_us: EVICT_US,
            heartbeat_us: Self::time_us(cfg, &TIMES[0]),
            preserve: !cfg.switch(STRICT),
        }
    }

    /// How often whoever routes refreshes its list.
    pub(super) fn refresh_us(&self, cfg: &Config) -> u64 {
        if self.server_side(cfg) {
            BALANCER_REFRESH_US
        } else {
            Self::time_us(cfg, &TIMES[2])
        }
    }

    /// The detection bound the checker holds discovery to.
    pub(super) fn bound_us(&self, cfg: &Config) -> u64 {
        let lag = Self::leases(cfg).lease_us + EVICT_US + 2 * self.refresh_us(cfg);
        lag + lag / 8 + 50_000
    }

    /// How long after a crash no cache lists the instance any more, at the latest (the
    /// clocks and links as they start).
    pub(super) fn forgotten_us(&self, cfg: &Config) -> u64 {
        Self::leases(cfg).lease_us + EVICT_US + self.refresh_us(cfg) + 10_000
    }
}

impl Scenario for DiscoveryScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let mut nodes: Vec<NodeInfo> = (1..=CLIENTS)
            .map(|i| NodeInfo {
                name: format!("c{i}"),
                role: "client",
            })
            .collect();
        if self.servers() == 1 {
            nodes.push(NodeInfo {
                name: "registry".into(),
                role: "registry",
            });
        } else {
            nodes.extend((1..=self.servers()).map(|i| NodeInfo {
                name: format!("reg{i}"),
                role: "registry",
            }));
        }
        if self.server_side(cfg) {
            nodes.push(NodeInfo {
                name: "lb".into(),
                role: "balancer",
            });
        }
        if self.third_party(cfg) {
            nodes.push(NodeInfo {
                name: "registrar".into(),
                role: "registrar",
            });
        }
        nodes.extend((1..=self.instance_count()).map(|i| NodeInfo {
            name: format!("i{i}"),
            role: "instance",
        }));
        nodes
    }

    fn topology(&self, cfg: &Config) -> Topology {
        let mut topology = Topology::default();
        let zones = two_zones(&mut topology);
        for z in 0..self.servers() {
            topology.place(self.server(z), zones[z as usize]);
        }
        if self.servers() == 2 {
            topology.link(REGISTRY, self.server(1));
        }
        let first = self.first(cfg);
        let count = self.instance_count() as u32;
        let routers: Vec<NodeId> = if self.server_side(cfg) {
            let lb = NodeId(first - 1);
            for c in 0..CLIENTS as u32 {
                topology.link(NodeId(c), lb);
            }
            vec![lb]
        } else {
            (0..CLIENTS as u32).map(NodeId).collect()
        };
        for (k, &r) in routers.iter().enumerate() {
            topology.link(r, self.server(k as u32));
        }
        // Who renews the leases: each instance, or the registrar.
        let registrar = self.third_party(cfg).then(|| NodeId(first - 1));
        if let Some(registrar) = registrar {
            topology.place(registrar, zones[0]);
            topology.link(registrar, REGISTRY);
        }
        for i in 0..count {
            let node = NodeId(first + i);
            let zone = self.zone(i);
            topology.place(node, zones[zone as usize]);
            topology.link(node, registrar.unwrap_or(self.server(zone)));
            for &r in &routers {
                topology.link(r, node);
            }
        }
        if matches!(self.story, Story::Registration | Story::Replicated) {
            topology.start_absent(NodeId(first + count - 1));
        }
        topology
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        captions(self, cfg)
    }

    fn script(&self, cfg: &Config) -> Vec<TimedAction> {
        let at = |ms: u64, action: Action<String>| TimedAction {
            at: SimTime::from_millis(ms),
            action,
        };
        // Cuts `from` off from `to` at the story's fault.
        let cut = |from: &str, to: &str| {
            let (from, to) = (vec![from.to_string()], vec![to.to_string()]);
            let one_way = false;
            at(FAULT_MS, Action::Partition { from, to, one_way })
        };
        match self.story {
            Story::RegistryLag | Story::ServerSide => {
                vec![at(FAULT_MS, Action::Crash("i2".into()))]
            }
            Story::SelfPreservation => vec![
                cut("registry", "z2"),
                at(550, Action::Heal),
                at(750, Action::Crash("z2".into())),
            ],
            Story::Replicated => vec![
                cut("reg1", "reg2"),
                at(350, Action::Join("i5".into())),
                at(450, Action::Crash("i3".into())),
                at(650, Action::Heal),
            ],
            Story::Registration => {
                let mut script = vec![
                    cut("i2", "registry"),
                    at(550, Action::Heal),
                    at(700, Action::Join("i5".into())),
                ];
                if self.third_party(cfg) {
                    script.insert(2, at(650, Action::Crash("registrar".into())));
                }
                script
            }
        }
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(match self.story {
            Story::SelfPreservation => 1_200,
            _ => 1_000,
        })
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        let offered = match self.story {
            Story::Registration => return Vec::new(),
            Story::SelfPreservation | Story::Replicated => STRICT,
            _ => REFRESH,
        };
        PATTERN
            .switches
            .iter()
            .filter(|s| s.name == offered)
            .collect()
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let first = self.first(cfg);
        let refresh = (self.refresh_us(cfg), cfg.switch(REFRESH));
        let cache = |k: u32| Cache::new(self.server(k), first, refresh.0, refresh.1);
        let arrivals = Arrivals::Poisson {
            per_sec: self.rate() / CLIENTS as u64,
        };
        let mut nodes: Vec<DiscoveryNode> = (0..CLIENTS as u32)
            .map(|k| {
                let route = if self.server_side(cfg) {
                    Route::Balancer(NodeId(first - 1))
                } else {
                    Route::Cache(cache(k))
                };
                DiscoveryNode::Client(Client::new(route, arrivals, TIMEOUT_US))
            })
            .collect();
        let leases = Self::leases(cfg);
        let servers: Vec<NodeId> = (0..self.servers()).map(|z| self.server(z)).collect();
        nodes.extend(servers.iter().map(|&me| {
            let peers = servers.iter().copied().filter(|&s| s != me).collect();
            DiscoveryNode::Registry(Registry::new(first, leases, peers))
        }));
        if self.server_side(cfg) {
            nodes.push(DiscoveryNode::Balancer(Balancer::new(cache(0))));
        }
        let count = self.instance_count() as u32;
        let mut heartbeat_us = leases.heartbeat_us;
        if self.third_party(cfg) {
            let instances = (first..first + count).map(NodeId).collect();
            nodes.push(DiscoveryNode::Registrar(Registrar::new(
                REGISTRY,
                instances,
                heartbeat_us,
            )));
            heartbeat_us = 0;
        }
        nodes.extend((0..count).map(|i| {
            DiscoveryNode::Instance(Instance::new(
                self.server(self.zone(i)),
                heartbeat_us,
                Delay::Exponential(SERVICE_US),
            ))
        }));
        Box::new(Simulation::new(Setup {
            topology: self.topology(cfg),
            metrics: PATTERN.metrics,
            checker: DiscoveryChecker::new(&names, first, self.bound_us(cfg)),
            names,
            nodes,
            clocks: Vec::new(),
            link: WIDE,
            horizon: self.horizon(cfg),
            seed: cfg.seed,
            script: actions.script,
            user_actions: actions.user,
        }))
    }
}
