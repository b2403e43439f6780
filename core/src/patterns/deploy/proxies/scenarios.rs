//! The proxy stories: three clients reading pages through one reverse proxy, or each
//! through its own client proxy; a server dies, then a proxy.

use super::checker::ProxiesChecker;
use super::edge::EdgeProxy;
use super::{HEALTH, PATTERN};
use crate::patterns::balance::LOCAL;
use crate::patterns::deploy::client::Client;
use crate::patterns::deploy::sidecar::proxy::Server;
use crate::patterns::deploy::{simulation, DeployChecker, DeployNode};
use crate::sim::action::{Action, TimedAction};
use crate::sim::load::{Arrivals, Delay, Keys};
use crate::sim::node::NodeId;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, NodeInfo, RunActions, Scenario, StoryInfo, SwitchSpec,
};
use crate::sim::time::SimTime;
use crate::sim::topology::Topology;

/// A proxy story.
pub struct ProxiesScenario {
    info: StoryInfo,
    /// One reverse proxy in front of the servers, or a proxy beside each client.
    reverse: bool,
}

/// Three clients, through one reverse proxy.
pub static REVERSE: ProxiesScenario = ProxiesScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "proxy-reverse",
        title: "A reverse proxy",
        summary: "Three clients read pages through the one address they know, a reverse \
                  proxy that caches answers for all of them and balances the rest over \
                  three servers. s2 dies at 250 ms: the proxy's health checks route around \
                  it. The proxy dies at 500 ms: every client is cut off, though every \
                  server is up.",
        params: &[],
    },
    reverse: true,
};

/// Three clients, each through its own client proxy.
pub static CLIENT_SIDE: ProxiesScenario = ProxiesScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "proxy-client",
        title: "Client proxies",
        summary: "The same three clients, each with its own proxy beside it (a library or \
                  a local agent) that caches for it alone and balances over the servers \
                  itself. s2 dies at 250 ms; c1's proxy dies at 500 ms: only c1 is cut off.",
        params: &[],
    },
    reverse: false,
};

const CLIENTS: u32 = 3;
const SERVERS: u32 = 3;
/// Each client's requests a second, over this many paths (a few popular: Zipf).
const RATE: u64 = 100;
const PATHS: u64 = 50;
/// A client gives up on a request after this long.
const TIMEOUT_US: u64 = 50_000;
/// A server's work per request.
const WORK: Delay = Delay::Uniform(2_000, 4_000);
/// When s2 dies, when the proxy dies and when it is back.
const SERVER_DIES_MS: u64 = 250;
const PROXY_DIES_MS: (u64, u64) = (500, 650);

impl ProxiesScenario {
    /// The proxies: one, or one per client.
    fn proxies(&self) -> u32 {
        if self.reverse {
            1
        } else {
            CLIENTS
        }
    }

    fn ids(from: u32, count: u32) -> Vec<NodeId> {
        (from..from + count).map(NodeId).collect()
    }

    fn servers(&self) -> Vec<NodeId> {
        Self::ids(CLIENTS + self.proxies(), SERVERS)
    }

    /// The proxy client `c` (from 0) goes through.
    fn proxy_of(&self, c: u32) -> NodeId {
        NodeId(CLIENTS + if self.reverse { 0 } else { c })
    }

    /// The proxy that dies.
    fn failing(&self) -> &'static str {
        if self.reverse {
            "rp"
        } else {
            "p1"
        }
    }
}

impl Scenario for ProxiesScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, _cfg: &Config) -> Vec<NodeInfo> {
        let info = |name: String, role| NodeInfo { name, role };
        let mut nodes: Vec<NodeInfo> = (1..=CLIENTS)
            .map(|c| info(format!("c{c}"), "client"))
            .collect();
        if self.reverse {
            nodes.push(info("rp".into(), "reverse proxy"));
        } else {
            nodes.extend((1..=CLIENTS).map(|c| info(format!("p{c}"), "client proxy")));
        }
        nodes.extend((1..=SERVERS).map(|s| info(format!("s{s}"), "server")));
        nodes
    }

    fn topology(&self, _cfg: &Config) -> Topology {
        let mut t = Topology::default();
        for c in 0..CLIENTS {
            let proxy = self.proxy_of(c);
            if !self.reverse {
                // A client proxy runs on its client's host: localhost between them.
                let host = t.group(format!("host{}", c + 1), "host", None);
                t.set_local_link(host, LOCAL);
                t.place(NodeId(c), host);
                t.place(proxy, host);
            }
            t.link(NodeId(c), proxy);
        }
        for p in Self::ids(CLIENTS, self.proxies()) {
            for &s in &self.servers() {
                t.link(p, s);
            }
        }
        t
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let at = |ms: u64, text: &str| Caption {
            at: SimTime::from_millis(ms),
            text: text.to_string(),
        };
        let first = if self.reverse {
            "Three clients each read about 100 pages a second (50 paths, a few of them \
             popular) from the one address they know: the reverse proxy rp. It keeps each \
             answer for 200 ms in one cache shared by all three clients, so a popular page \
             reaches a server about once per 200 ms whoever asks, and balances the rest \
             round robin over s1, s2 and s3, probing each every 20 ms. The logic is in one \
             place, run by the servers' owners; the clients know nothing of it. Compare \
             \"answered from a cache\" with \"requests that reached a server\"."
        } else {
            "Each of the three clients reads about 100 pages a second (50 paths, a few of \
             them popular) through its own proxy on its own host (a library or a local \
             agent): each caches answers for 200 ms for its own client only and balances \
             over s1, s2 and s3 itself, probing each every 20 ms. The logic runs in every \
             client's proxy (each must be deployed and updated), and each cache sees a \
             third of the requests: fewer hits than one shared cache (compare with the \
             reverse proxy story)."
        };
        let server = if cfg.switch(HEALTH) {
            "s2 dies. Within two rounds of probes (40 ms) the proxies stop sending it \
             requests; those already sent to it time out."
        } else {
            "s2 dies. Without health checks the proxies go on sending it a third of the \
             requests they forward, and every one of those times out (see the invariants)."
        };
        let proxy = if self.reverse {
            "The reverse proxy dies. It was every client's only way in: all three clients' \
             requests time out (\"timeouts by client\"), though s1 and s3 are up."
        } else {
            "c1's proxy p1 dies. c1 is cut off, and only c1: c2 and c3 go on through their \
             own proxies (\"timeouts by client\")."
        };
        let back = if self.reverse {
            "rp is back with an empty cache: for a while more requests reach the servers."
        } else {
            "p1 is back with an empty cache: for a while more of c1's requests reach the \
             servers."
        };
        vec![
            at(0, first),
            at(SERVER_DIES_MS, server),
            at(PROXY_DIES_MS.0, proxy),
            at(PROXY_DIES_MS.1, back),
        ]
    }

    fn script(&self, _cfg: &Config) -> Vec<TimedAction> {
        let at = |ms: u64, action| TimedAction {
            at: SimTime::from_millis(ms),
            action,
        };
        let proxy = self.failing().to_string();
        vec![
            at(SERVER_DIES_MS, Action::Crash("s2".into())),
            at(PROXY_DIES_MS.0, Action::Crash(proxy.clone())),
            at(PROXY_DIES_MS.1, Action::Restart(proxy)),
        ]
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(800)
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        PATTERN.switches.iter().collect()
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let keys = Keys::zipf(PATHS, 1.0);
        let arrivals = Arrivals::Poisson { per_sec: RATE };
        let mut nodes: Vec<DeployNode> = (0..CLIENTS)
            .map(|c| {
                let client = Client::new(self.proxy_of(c), arrivals, TIMEOUT_US);
                DeployNode::Client(client.reading(keys.clone()))
            })
            .collect();
        let health = cfg.switch(HEALTH);
        nodes.extend(
            (0..self.proxies())
                .map(|_| DeployNode::Edge(EdgeProxy::new(self.reverse, self.servers(), health))),
        );
        nodes.extend((0..SERVERS).map(|_| DeployNode::Server(Server::new(WORK))));
        let checker = |names: &[String]| {
            let (clients, proxies) = (Self::ids(0, CLIENTS), Self::ids(CLIENTS, self.proxies()));
            DeployChecker::Proxies(ProxiesChecker::new(names, clients, proxies, self.servers()))
        };
        // Sparse samples per bucket at 1/120 of the run: 25 ms buckets hold several.
        Box::new(simulation(self, cfg, nodes, checker, actions).with_metric_bucket(25_000))
    }
}
