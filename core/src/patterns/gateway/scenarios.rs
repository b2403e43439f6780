//! The API gateway's named scenarios: routing with auth and rate limits, and the gateway
//! as a single point of failure.

use super::backend::Auth;
use super::balancer::Balancer;
use super::checker::{GatewayChecker, WINDOW_US};
use super::client::Client;
use super::entry::{Gateway, Limit};
use super::msg::PATHS;
use super::node::GatewayNode;
use super::{AUTH, PATTERN, RATE_LIMIT};
use crate::patterns::slowable::SlowableWork;
use crate::sim::action::{Action, TimedAction};
use crate::sim::engine::{Setup, Simulation};
use crate::sim::load::{Arrivals, Delay};
use crate::sim::network::LinkConfig;
use crate::sim::node::NodeId;
use crate::sim::rng::Ratio;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo, SwitchSpec,
};
use crate::sim::time::SimTime;
use crate::sim::topology::Topology;

/// An API gateway scenario.
pub struct GatewayScenario {
    info: StoryInfo,
    /// Whether it is the single-point-of-failure story (a balancer, replicas, a crash).
    spof: bool,
}

/// Clients.
const CLIENTS: usize = 4;
/// Instances of each path's service.
const PER_SERVICE: usize = 2;
/// A gateway's mean time per request: 0.5 ms, so 2,000 requests a second each.
const GATEWAY_US: u64 = 500;
/// The auth service's mean time per check.
const AUTH_US: u64 = 200;
/// An instance's mean time per request.
const SERVICE_US: u64 = 2_000;
/// The charts' buckets: 20 ms, so that a bucket holds a dozen requests or more.
const METRIC_BUCKET_US: u64 = 20_000;
/// A client gives up on a request after this long.
const TIMEOUT_US: u64 = 200_000;
/// The balancer's health checks: every 30 ms, out after 2 missed.
const CHECK_US: u64 = 30_000;
const EJECT_AFTER: u32 = 2;
/// A valid token is its client's number plus this; a bad one was never issued.
const TOKEN_BASE: u32 = 1_000;
/// From the clients to the data centre: 1–2 ms.
const WIDE: LinkConfig = LinkConfig {
    latency_min_us: 1_000,
    latency_max_us: 2_000,
    loss: Ratio::NEVER,
    duplication: Ratio::NEVER,
};
/// Inside the data centre: 0.2–0.4 ms.
const INSIDE: LinkConfig = LinkConfig {
    latency_min_us: 200,
    latency_max_us: 400,
    ..WIDE
};

/// One gateway routes by path, checks tokens and rate-limits a greedy client.
pub static ROUTING: GatewayScenario = GatewayScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "gateway-routing",
        title: "One door: routing, auth, rate limits",
        summary: "Four clients call /orders, /users and /search through one gateway. c3's \
                  token was never issued: the auth check refuses it (401). c4 asks for 400 \
                  requests a second against a limit of 100 (burst 50): once its burst is \
                  spent, the excess is refused (429). Switch either check off and a \
                  guarantee breaks.",
        params: &[
            ParamSpec {
                name: "rate",
                label: "Rate limit per client",
                min: 20,
                max: 1_000,
                default: 100,
                unit: "/s",
                step: 10,
            },
            ParamSpec {
                name: "burst",
                label: "Burst (bucket size)",
                min: 5,
                max: 500,
                default: 50,
                unit: "requests",
                step: 5,
            },
            ParamSpec {
                name: "greedy",
                label: "c4's requests per second",
                min: 50,
                max: 2_000,
                default: 400,
                unit: "/s",
                step: 50,
            },
        ],
    },
    spof: false,
};

/// A gateway crashes; replicas behind a balancer keep traffic flowing.
pub static SPOF: GatewayScenario = GatewayScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "gateway-spof",
        title: "A single point of failure",
        summary: "Four clients send 800 requests a second through a load balancer to the \
                  gateway. At 300 ms gw1 crashes; it restarts at 700 ms. With one gateway \
                  every request fails until it is back; with 3 replicas the balancer \
                  ejects gw1 and the others carry the traffic.",
        params: &[ParamSpec {
            name: "replicas",
            label: "Gateway replicas",
            min: 1,
            max: 5,
            default: 1,
            unit: "",
            step: 1,
        }],
    },
    spof: true,
};

impl GatewayScenario {
    fn replicas(&self, cfg: &Config) -> usize {
        if self.spof {
            cfg.param("replicas").clamp(1, 5) as usize
        } else {
            1
        }
    }

    /// The first gateway's index: after the clients and the balancer.
    fn first_gateway(&self) -> usize {
        CLIENTS + usize::from(self.spof)
    }

    fn auth(&self, cfg: &Config) -> usize {
        self.first_gateway() + self.replicas(cfg)
    }

    /// Requests a second for each client: the SPOF story's clients all ask for 200; the
    /// routing story's ask 60, 60, 40 (c3, bad token) and the greedy rate (c4).
    fn load(&self, cfg: &Config, client: usize) -> u64 {
        match (self.spof, client) {
            (true, _) => 200,
            (false, 0 | 1) => 60,
            (false, 2) => 40,
            _ => cfg.param("greedy").max(0) as u64,
        }
    }

    /// Each client's limit, per second and burst, over all the replicas.
    fn limit(&self, cfg: &Config) -> (u64, u32) {
        if self.spof {
            (400, 200)
        } else {
            let rate = cfg.param("rate").clamp(1, 1_000_000) as u64;
            (rate, cfg.param("burst").clamp(1, 100_000) as u32)
        }
    }

    /// One replica's share of the limit.
    fn share(&self, cfg: &Config) -> Limit {
        let (rate, burst) = self.limit(cfg);
        let replicas = self.replicas(cfg) as u64;
        Limit {
            refill_us: replicas * 1_000_000 / rate,
            burst: (burst / replicas as u32).max(1),
        }
    }

    /// Requests a client may get through in any window, with every replica's share.
    fn allowed(&self, cfg: &Config) -> usize {
        let share = self.share(cfg);
        let per_replica = WINDOW_US.div_ceil(share.refill_us) + u64::from(share.burst);
        self.replicas(cfg) * per_replica as usize
    }
}

impl Scenario for GatewayScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let node = |name: String, role| NodeInfo { name, role };
        let mut nodes: Vec<NodeInfo> = (1..=CLIENTS)
            .map(|i| node(format!("c{i}"), "client"))
            .collect();
        if self.spof {
            nodes.push(node("lb".into(), "balancer"));
            nodes.extend((1..=self.replicas(cfg)).map(|i| node(format!("gw{i}"), "gateway")));
        } else {
            nodes.push(node("gw".into(), "gateway"));
        }
        nodes.push(node("auth".into(), "auth"));
        for path in PATHS {
            let letter = &path[1..2];
            nodes.extend((1..=PER_SERVICE).map(|i| node(format!("{letter}{i}"), "instance")));
        }
        nodes
    }

    fn topology(&self, cfg: &Config) -> Topology {
        let mut topology = Topology::default();
        let dc = topology.group("dc", "data centre", None);
        topology.set_local_link(dc, INSIDE);
        let first = self.first_gateway();
        let auth = self.auth(cfg);
        for n in CLIENTS..=auth {
            topology.place(NodeId(n as u32), dc);
        }
        for (route, path) in PATHS.iter().enumerate() {
            let service = topology.group(&path[1..], "service", Some(dc));
            for k in 0..PER_SERVICE {
                let instance = NodeId((auth + 1 + route * PER_SERVICE + k) as u32);
                topology.place(instance, service);
                for gateway in first..auth {
                    topology.link(NodeId(gateway as u32), instance);
                }
            }
        }
        for gateway in first..auth {
            topology.link(NodeId(gateway as u32), NodeId(auth as u32));
        }
        for client in 0..CLIENTS {
            topology.link(NodeId(client as u32), NodeId(CLIENTS as u32));
        }
        if self.spof {
            for gateway in first..auth {
                topology.link(NodeId(CLIENTS as u32), NodeId(gateway as u32));
            }
        }
        topology
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let caption = |ms: u64, text: String| Caption {
            at: SimTime::from_millis(ms),
            text,
        };
        if self.spof {
            return self.spof_captions(cfg, caption);
        }
        let (rate, burst) = self.limit(cfg);
        let greedy = self.load(cfg, 3);
        let mut captions = vec![caption(
            0,
            format!(
                "Four clients call one gateway: c1 and c2 60 requests a second each, c3 40 \
                 with a token the auth service never issued, c4 {greedy}. For each request \
                 the gateway asks the auth service about the token, takes a token from the \
                 client's bucket ({rate} a second, burst {burst}), and routes by path to \
                 the next instance of that service. Select a request to see its path."
            ),
        )];
        captions.push(caption(
            5,
            if cfg.switch(AUTH) {
                "c3's requests come back 401 after the auth check: none reaches a service."
            } else {
                "The gateway does not check tokens: c3's requests go straight to the \
                 services, and the guarantee breaks at the first one a service handles."
            }
            .to_string(),
        ));
        if !cfg.switch(RATE_LIMIT) {
            let through = rate + u64::from(burst);
            if greedy > through {
                captions.push(caption(
                    through * 1_000 / greedy,
                    format!(
                        "No rate limit: all of c4's {greedy} requests a second reach the \
                         services. About now it has had more than {rate} × 1 s + {burst} \
                         through within a second, and the guarantee breaks."
                    ),
                ));
            }
        } else if greedy > rate {
            // The burst lasts while c4 asks for more than the bucket gets.
            captions.push(caption(
                u64::from(burst) * 1_000 / (greedy - rate),
                format!(
                    "c4 has spent its burst of {burst}: from now on about {rate} of its \
                     requests a second go through and the rest come back 429 (the 429 chart)."
                ),
            ));
        }
        captions
    }

    fn script(&self, _cfg: &Config) -> Vec<TimedAction> {
        if !self.spof {
            return Vec::new();
        }
        let at = |ms: u64, action: Action<String>| TimedAction {
            at: SimTime::from_millis(ms),
            action,
        };
        vec![
            at(300, Action::Crash("gw1".into())),
            at(700, Action::Restart("gw1".into())),
        ]
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(1_000)
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        if self.spof {
            Vec::new()
        } else {
            PATTERN.switches.iter().collect()
        }
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let first = self.first_gateway();
        let auth = self.auth(cfg);
        let entry = NodeId(CLIENTS as u32);
        let bad = |client: usize| !self.spof && client == 2;
        let token = |client: usize| {
            if bad(client) {
                0
            } else {
                TOKEN_BASE + client as u32
            }
        };
        let mut nodes: Vec<GatewayNode> = (0..CLIENTS)
            .map(|c| {
                let arrivals = Arrivals::Poisson {
                    per_sec: self.load(cfg, c),
                };
                GatewayNode::Client(Client::new(entry, arrivals, token(c), TIMEOUT_US))
            })
            .collect();
        let gateways: Vec<NodeId> = (first..auth).map(|g| NodeId(g as u32)).collect();
        if self.spof {
            let balancer = Balancer::new(gateways.clone(), CHECK_US, EJECT_AFTER);
            nodes.push(GatewayNode::Balancer(balancer));
        }
        let routes: Vec<Vec<NodeId>> = (0..PATHS.len())
            .map(|r| {
                let first = auth + 1 + r * PER_SERVICE;
                (first..first + PER_SERVICE)
                    .map(|i| NodeId(i as u32))
                    .collect()
            })
            .collect();
        let checks = cfg.switch(AUTH).then_some(NodeId(auth as u32));
        let limit = cfg.switch(RATE_LIMIT).then(|| self.share(cfg));
        nodes.extend(gateways.iter().map(|_| {
            let work = Delay::Exponential(GATEWAY_US);
            GatewayNode::Gateway(Gateway::new(CLIENTS, checks, routes.clone(), limit, work))
        }));
        let issued = (0..CLIENTS).filter(|&c| !bad(c)).map(token).collect();
        nodes.push(GatewayNode::Auth(Auth::new(
            issued,
            Delay::Exponential(AUTH_US),
        )));
        nodes.extend(
            (0..PATHS.len() * PER_SERVICE)
                .map(|_| GatewayNode::Instance(SlowableWork::new(Delay::Exponential(SERVICE_US)))),
        );
        let valid = (0..CLIENTS).map(|c| !bad(c)).collect();
        Box::new(
            Simulation::new(Setup {
                topology: self.topology(cfg),
                metrics: PATTERN.metrics,
                checker: GatewayChecker::new(&names, valid, self.allowed(cfg)),
                names,
                nodes,
                clocks: Vec::new(),
                link: WIDE,
                horizon: self.horizon(cfg),
                seed: cfg.seed,
                script: actions.script,
                user_actions: actions.user,
            })
            .with_metric_bucket(METRIC_BUCKET_US),
        )
    }
}

impl GatewayScenario {
    fn spof_captions(
        &self,
        cfg: &Config,
        caption: impl Fn(u64, String) -> Caption,
    ) -> Vec<Caption> {
        let replicas = self.replicas(cfg);
        let crash = if replicas == 1 {
            "gw1 crashes, and it is the only way in. The requests it held are lost; the \
             balancer stops sending it requests after 2 missed checks and answers 503 \
             instead: every request fails until gw1 is back (the failed chart). Try 3 \
             replicas."
                .to_string()
        } else {
            format!(
                "gw1 crashes. The requests it held are lost, and so are those the balancer \
                 sends it until it misses 2 checks; then the other {} take its share (the \
                 per-gateway heat strip) and requests keep being served, with room for {} \
                 a second instead of {}.",
                replicas - 1,
                2_000 * (replicas - 1),
                2_000 * replicas
            )
        };
        vec![
            caption(
                0,
                format!(
                    "Four clients send 200 requests a second each through the load \
                     balancer lb to {replicas} gateway replica(s), each able to take 2,000 \
                     a second. lb checks every gateway each 30 ms and stops sending to one \
                     that misses 2 checks in a row."
                ),
            ),
            caption(300, crash),
            caption(
                700,
                "gw1 restarts; lb sends it requests again once it answers a check.".to_string(),
            ),
        ]
    }
}
