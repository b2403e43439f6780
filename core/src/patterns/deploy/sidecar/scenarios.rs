//! The sidecar stories: a job with a proxy sidecar, the cost of a proxy hop, one
//! application against three stores through its ambassador, monitoring through adapters.

use super::adapter::{Adapter, Exporter, Monitor};
use super::ambassador::{Ambassador, App, Store};
use super::checker::SidecarChecker;
use super::hops::HopTimes;
use super::job::{Agent, Job};
use super::proxy::{Proxy, Server};
use super::{ADAPTERS, DIRECT, MANAGED, PATTERN, STORE_PROTOCOL};
use crate::patterns::balance::LOCAL;
use crate::patterns::deploy::client::Client;
use crate::patterns::deploy::msg::Format;
use crate::patterns::deploy::DeployNode;
use crate::patterns::deploy::{simulation, DeployChecker};
use crate::sim::action::TimedAction;
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
    Job,
    HopCost,
    Ambassador,
    Adapter,
}

/// A sidecar scenario.
pub struct SidecarScenario {
    info: StoryInfo,
    story: Story,
    /// Its nodes: name and role, in id order.
    nodes: &'static [(&'static str, &'static str)],
}

/// One pass through a proxy.
const PROXY_WORK: Delay = Delay::Uniform(200, 900);
/// A remote server's work per request.
const SERVER_WORK: Delay = Delay::Uniform(500, 1_500);
/// Keys the ambassador story's application uses.
const KEYS: u64 = 8;

const fn choice(name: &'static str, label: &'static str, max: i64, default: i64) -> ParamSpec {
    ParamSpec {
        name,
        label,
        min: 0,
        max,
        default,
        unit: "",
        step: 1,
    }
}

/// A batch job whose proxy sidecar must stop with it.
pub static JOB: SidecarScenario = SidecarScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "sidecar-job",
        title: "A job with a proxy sidecar",
        summary: "A batch job makes its calls through a proxy sidecar in its pod, then \
                  exits. The job is complete when every container of its pod has exited: \
                  the kubelet stops a managed sidecar once the job's container is done. \
                  Switch that off and the proxy runs on, and the job never completes.",
        params: &[ParamSpec {
            name: "calls",
            label: "Calls the job makes",
            min: 1,
            max: 100,
            default: 20,
            unit: "",
            step: 1,
        }],
    },
    story: Story::Job,
    nodes: &[
        ("job", "job"),
        ("proxy", "sidecar"),
        ("k1", "kubelet"),
        ("api", "server"),
    ],
};

/// Requests through zero, one or two proxy sidecars.
pub static HOP_COST: SidecarScenario = SidecarScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "sidecar-hop",
        title: "The cost of a proxy hop",
        summary: "A client calls a server 300 times a second, through a sidecar proxy on \
                  each side (a service mesh), through the server's only, or directly; a \
                  second client calls the same server directly. Each pass through a proxy \
                  takes 0.2 to 0.9 ms: the facts compare the two clients' measured p90 \
                  latency.",
        params: &[choice(
            "sidecars",
            "Sidecar proxies on the way: 0, 1 (the server's) or 2 (both sides)",
            2,
            2,
        )],
    },
    story: Story::HopCost,
    nodes: &[
        ("c1", "client"),
        ("c1proxy", "sidecar"),
        ("apiproxy", "sidecar"),
        ("api", "server"),
        ("c2", "client"),
    ],
};

/// The same application against one server, shards, replicas.
pub static AMBASSADOR: SidecarScenario = SidecarScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "sidecar-ambassador",
        title: "One application, three stores",
        summary: "An application reads and writes eight keys through an ambassador on its \
                  localhost. The store is one server, three shards or three replicas: the \
                  application is the same code each time; only the ambassador differs. \
                  Switch its knowledge of the store off and reads miss the writes.",
        params: &[choice(
            "store",
            "The store: 0 one server, 1 three shards, 2 three replicas",
            2,
            1,
        )],
    },
    story: Story::Ambassador,
    nodes: &[
        ("app", "app"),
        ("ambassador", "ambassador"),
        ("s1", "server"),
        ("s2", "server"),
        ("s3", "server"),
    ],
};

/// Monitoring reads three formats through adapters.
pub static ADAPTER: SidecarScenario = SidecarScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "sidecar-adapter",
        title: "Monitoring through adapters",
        summary: "Three applications write their metrics in three formats: Prometheus \
                  text, JSON, log lines. Monitoring reads only the first. An adapter in \
                  each pod reads its application's format on localhost and answers in \
                  Prometheus text; without them, two of three scrapes are unreadable.",
        params: &[],
    },
    story: Story::Adapter,
    nodes: &[
        ("monitor", "monitoring"),
        ("app1", "app"),
        ("app2", "app"),
        ("app3", "app"),
        ("adapter1", "adapter"),
        ("adapter2", "adapter"),
        ("adapter3", "adapter"),
    ],
};

const FORMATS: [Format; 3] = [Format::Prometheus, Format::Json, Format::LogLines];

fn n(i: u32) -> NodeId {
    NodeId(i)
}

impl SidecarScenario {
    fn sidecars(cfg: &Config) -> u32 {
        cfg.param("sidecars").clamp(0, 2) as u32
    }

    fn store(cfg: &Config) -> Store {
        let servers = vec![n(2), n(3), n(4)];
        match cfg.param("store") {
            0 => Store::Single(n(2)),
            1 => Store::Sharded(servers),
            _ => Store::Replicated(servers),
        }
    }

    /// The story's nodes for `cfg`, built.
    pub(super) fn build_nodes(&self, cfg: &Config) -> Vec<DeployNode> {
        match self.story {
            Story::Job => vec![
                DeployNode::Job(Job::new(n(1), cfg.param("calls").clamp(1, 1_000) as u64)),
                DeployNode::Proxy(Proxy::new(n(0), n(3), PROXY_WORK)),
                DeployNode::Agent(Agent::new(vec![n(0), n(1)], 1, cfg.switch(MANAGED))),
                DeployNode::Server(Server::new(SERVER_WORK)),
            ],
            Story::HopCost => {
                // The first hop: the client's proxy, the server's, or the server; the
                // server's proxy answers to the client's proxy, or to the client.
                let (first, back) = match Self::sidecars(cfg) {
                    2 => (n(1), n(1)),
                    1 => (n(2), n(0)),
                    _ => (n(3), n(0)),
                };
                let arrivals = Arrivals::Poisson { per_sec: 300 };
                vec![
                    DeployNode::Client(Client::new(first, arrivals, 100_000)),
                    DeployNode::Proxy(Proxy::new(n(0), n(2), PROXY_WORK)),
                    DeployNode::Proxy(Proxy::new(back, n(3), PROXY_WORK)),
                    DeployNode::Server(Server::new(SERVER_WORK)),
                    DeployNode::Client(Client::measured_as(n(3), arrivals, 100_000, DIRECT)),
                ]
            }
            Story::Ambassador => {
                let aware = cfg.switch(STORE_PROTOCOL);
                let mut nodes = vec![
                    DeployNode::App(App::new(n(1), KEYS)),
                    DeployNode::Ambassador(Ambassador::new(n(0), Self::store(cfg), aware)),
                ];
                nodes.extend((0..3).map(|_| DeployNode::Server(Server::new(SERVER_WORK))));
                nodes
            }
            Story::Adapter => {
                let first = if cfg.switch(ADAPTERS) { 4 } else { 1 };
                let mut nodes = vec![DeployNode::Monitor(Monitor::new(
                    (first..first + 3).map(n).collect(),
                ))];
                nodes.extend(FORMATS.map(|f| DeployNode::Exporter(Exporter::new(f))));
                nodes.extend((1..=3).map(|i| DeployNode::Adapter(Adapter::new(n(i)))));
                nodes
            }
        }
    }

    fn checker(&self, names: &[String], cfg: &Config) -> SidecarChecker {
        match self.story {
            Story::Job => SidecarChecker::new(names, &[n(0)], None, 0, None),
            Story::Ambassador => SidecarChecker::new(names, &[], Some(n(0)), KEYS as usize, None),
            Story::Adapter => SidecarChecker::new(names, &[], None, 0, Some(n(0))),
            Story::HopCost => {
                let passes = 2 * Self::sidecars(cfg);
                let hops = HopTimes::new(n(0), n(4), passes);
                SidecarChecker::new(names, &[], None, 0, None).timing(hops)
            }
        }
    }
}

impl Scenario for SidecarScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, _cfg: &Config) -> Vec<NodeInfo> {
        let info = |&(name, role): &(&str, &'static str)| NodeInfo {
            name: name.to_string(),
            role,
        };
        self.nodes.iter().map(info).collect()
    }

    fn topology(&self, cfg: &Config) -> Topology {
        let mut t = Topology::default();
        let pod = |t: &mut Topology, name: &str, host: Option<usize>, members: &[u32]| {
            let pod = t.group(name, "pod", host);
            t.set_local_link(pod, LOCAL);
            for &m in members {
                t.place(n(m), pod);
            }
        };
        match self.story {
            Story::Job => {
                let host = t.group("h1", "host", None);
                t.place(n(2), host);
                pod(&mut t, "jobpod", Some(host), &[0, 1]);
                for (a, b) in [(0, 1), (1, 3), (2, 0), (2, 1)] {
                    t.link(n(a), n(b));
                }
            }
            Story::HopCost => {
                pod(&mut t, "clientpod", None, &[0, 1]);
                pod(&mut t, "apipod", None, &[2, 3]);
                let sidecars = Self::sidecars(cfg);
                let chain: &[u32] = match sidecars {
                    2 => &[0, 1, 2, 3],
                    1 => &[0, 2, 3],
                    _ => &[0, 3],
                };
                for w in chain.windows(2) {
                    t.link(n(w[0]), n(w[1]));
                }
                t.link(n(4), n(3));
                for absent in [1, 2].into_iter().filter(|&p| !chain.contains(&p)) {
                    t.start_absent(n(absent));
                }
            }
            Story::Ambassador => {
                pod(&mut t, "apppod", None, &[0, 1]);
                t.link(n(0), n(1));
                let used = if matches!(Self::store(cfg), Store::Single(_)) {
                    1
                } else {
                    3
                };
                for s in 2..5 {
                    if s < 2 + used {
                        t.link(n(1), n(s));
                    } else {
                        t.start_absent(n(s));
                    }
                }
            }
            Story::Adapter => {
                let adapters = cfg.switch(ADAPTERS);
                for i in 1..=3 {
                    pod(&mut t, &format!("pod{i}"), None, &[i, i + 3]);
                    t.link(n(i), n(i + 3));
                    t.link(n(0), n(if adapters { i + 3 } else { i }));
                }
            }
        }
        t
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let at = |ms: u64, text: &str| Caption {
            at: SimTime::from_millis(ms),
            text: text.to_string(),
        };
        let text = match (self.story, self.offered_switches().first()) {
            (Story::Job, _) if cfg.switch(MANAGED) => {
                "The job makes its calls through the proxy beside it, then exits. The \
                 kubelet polls the pod's containers every 10 ms; the proxy is a managed \
                 sidecar, so once the job's container has exited the kubelet stops it, \
                 and with every container exited the job is complete."
            }
            (Story::Job, _) => {
                "The job makes its calls through the proxy beside it, then exits. The \
                 proxy is a plain container: nothing stops it, the pod keeps one \
                 container running, and the job never completes (the guarantee breaks 40 \
                 ms after the job's container exited)."
            }
            (Story::HopCost, _) => match Self::sidecars(cfg) {
                2 => {
                    "Each of c1's requests goes c1 → its proxy → the server's proxy → \
                     server, and the answer back the same way: four passes through a \
                     proxy, each 0.2 to 0.9 ms. c2 calls the same server directly, as \
                     often, at the same time. The facts give each one's measured p90 \
                     latency and the difference, the price of the two sidecars (Istio \
                     published about 2.65 ms at p90 for a call through two); the two \
                     latency charts show the same."
                }
                1 => {
                    "Each of c1's requests goes through the server's proxy only: two \
                     passes, each 0.2 to 0.9 ms. c2 calls the same server directly, as \
                     often, at the same time: the facts give each one's measured p90 \
                     latency and the difference, the price of one sidecar."
                }
                _ => {
                    "c1 calls the server directly, like c2: the latency is the network \
                     and the server's work, and the facts show about the same p90 for both \
                     (no sidecar, nothing added). Compare with 1 and 2 sidecars."
                }
            },
            (Story::Ambassador, _) => match (Self::store(cfg), cfg.switch(STORE_PROTOCOL)) {
                (Store::Single(_), _) => {
                    "The application reads and writes keys through its ambassador, which \
                     sends everything to the one server."
                }
                (Store::Sharded(_), true) => {
                    "The same application; the ambassador routes each key to its shard \
                     (key mod 3). The application does not know there are shards."
                }
                (Store::Replicated(_), true) => {
                    "The same application; the ambassador writes to all three replicas \
                     and answers once all have acknowledged, and reads from any one."
                }
                _ => {
                    "The ambassador ignores the store's layout and sends each operation to \
                     the next server in turn: a read goes where the write did not, and \
                     returns an older value or nothing."
                }
            },
            (Story::Adapter, _) if cfg.switch(ADAPTERS) => {
                "Monitoring scrapes each pod every 20 ms. Each adapter asks its \
                 application on localhost, in the application's own format, and answers \
                 in Prometheus text: every scrape is readable."
            }
            (Story::Adapter, _) => {
                "Monitoring scrapes each application itself: app1 writes Prometheus text, \
                 but app2's JSON and app3's log lines are unreadable to it."
            }
        };
        vec![at(0, text)]
    }

    fn script(&self, _cfg: &Config) -> Vec<TimedAction> {
        Vec::new()
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(match self.story {
            Story::Job => 200,
            Story::HopCost => 400,
            Story::Ambassador => 300,
            Story::Adapter => 120,
        })
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        let name = match self.story {
            Story::Job => MANAGED,
            Story::Ambassador => STORE_PROTOCOL,
            Story::Adapter => ADAPTERS,
            Story::HopCost => return Vec::new(),
        };
        PATTERN.switches.iter().filter(|s| s.name == name).collect()
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let nodes = self.build_nodes(cfg);
        let checker = |names: &[String]| DeployChecker::Sidecar(self.checker(names, cfg));
        Box::new(
            simulation(self, cfg, nodes, checker, actions)
                // Sparse samples (a call, an operation every few ms; a scrape round every 20 ms):
                // wider buckets than 1/120 of the run, so each holds several.
                .with_metric_bucket(match self.story {
                    Story::Job => 10_000,
                    _ => 20_000,
                }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ambassador story runs the same application, built the same way, against
    /// every store: only the ambassador differs.
    #[test]
    fn the_same_application_runs_against_every_store() {
        let app_and_ambassador = |store: i64| {
            let mut cfg = Config::defaults(&AMBASSADOR, 1);
            cfg.set_param("store", store);
            let nodes = AMBASSADOR.build_nodes(&cfg);
            let DeployNode::App(app) = &nodes[0] else {
                panic!("node 0 is the application");
            };
            let DeployNode::Ambassador(ambassador) = &nodes[1] else {
                panic!("node 1 is the ambassador");
            };
            (app.clone(), format!("{ambassador:?}"))
        };
        let (single, a0) = app_and_ambassador(0);
        let (sharded, a1) = app_and_ambassador(1);
        let (replicated, a2) = app_and_ambassador(2);
        assert_eq!(single, sharded);
        assert_eq!(single, replicated);
        assert!(a0 != a1 && a1 != a2 && a0 != a2);
    }
}
