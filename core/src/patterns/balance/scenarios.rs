//! The load balancer's named scenarios: a slow instance, a host failure, a scale-out,
//! stale load reports, an instance failing its requests but not its health checks.

use super::balancer::{Balancer, Health, Outliers, Policy};
use super::checker::BalanceChecker;
use super::client::Client;
use super::instance::Instance;
use super::node::BalanceNode;
use super::{FAIL_VERB, HEALTH_CHECKS, OUTLIER_DETECTION, PATTERN};
use crate::sim::action::{Action, TimedAction};
use crate::sim::engine::{Setup, Simulation};
use crate::sim::load::{Arrivals, Delay};
use crate::sim::network::LinkConfig;
use crate::sim::node::NodeId;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, EventCaption, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo, SwitchSpec,
};
use crate::sim::time::SimTime;
use crate::sim::topology::Topology;

/// Which story a scenario tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Story {
    SlowInstance,
    HostFailure,
    ScaleOut,
    StaleLoad,
    GrayFailure,
}

/// A load-balancing scenario.
pub struct BalanceScenario {
    info: StoryInfo,
    story: Story,
}

/// Clients generating the load.
const CLIENTS: usize = 2;
/// Instances per host.
const PER_HOST: usize = 5;
/// An instance's mean service time: 5 ms, so 200 requests per second at most.
const SERVICE_US: u64 = 5_000;
/// Health checks: every 50 ms, ejected after 3 missed.
const HEALTH: Health = Health {
    on: true,
    every_us: 50_000,
    eject_after: 3,
};
/// Outlier detection: Envoy's 5 consecutive 5xx and 30 s base ejection, scaled as the
/// health checks are (seconds to tens of milliseconds).
const OUTLIERS: Outliers = Outliers {
    on: true,
    errors_in_row: 5,
    base_us: 300_000,
};
/// A client gives up on a request after this long.
const TIMEOUT_US: u64 = 200_000;
/// Between zones (and to clients and balancers): 1–2 ms.
pub(crate) const WIDE: LinkConfig = LinkConfig {
    latency_min_us: 1_000,
    latency_max_us: 2_000,
    ..LOCAL
};
/// Inside a zone: 0.3–0.6 ms.
const ZONE: LinkConfig = LinkConfig {
    latency_min_us: 300,
    latency_max_us: 600,
    ..LOCAL
};
/// On one host: 50–100 µs.
pub(crate) const LOCAL: LinkConfig = LinkConfig {
    latency_min_us: 50,
    latency_max_us: 100,
    loss: crate::sim::rng::Ratio::NEVER,
    duplication: crate::sim::rng::Ratio::NEVER,
};

/// Two zones, `z1` and `z2`, with the links inside a zone.
pub(crate) fn two_zones(topology: &mut Topology) -> [usize; 2] {
    let zones = [
        topology.group("z1", "zone", None),
        topology.group("z2", "zone", None),
    ];
    for &zone in &zones {
        topology.set_local_link(zone, ZONE);
    }
    zones
}

const fn policy(default: i64) -> ParamSpec {
    ParamSpec {
        name: "policy",
        label: "Policy: 0 round robin, 1 random, 2 least outstanding, 3 two random choices, \
                4 least load reported",
        min: 0,
        max: 4,
        default,
        unit: "",
        step: 1,
    }
}

const POLICY: ParamSpec = policy(3);

const fn instances(min: i64, max: i64, default: i64, step: i64) -> ParamSpec {
    ParamSpec {
        name: "instances",
        label: "Instances",
        min,
        max,
        default,
        unit: "",
        step,
    }
}

const fn rate(default: i64) -> ParamSpec {
    ParamSpec {
        name: "rate",
        label: "Requests per second (all clients)",
        min: 50,
        max: 20_000,
        default,
        unit: "/s",
        step: 50,
    }
}

/// One instance becomes ten times slower; the policy decides who waits.
pub static SLOW_INSTANCE: BalanceScenario = BalanceScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "balance-slow-instance",
        title: "A slow instance",
        summary: "Ten instances share 600 requests a second. At 300 ms instance i1 becomes \
                  ten times slower (a pattern action). Round robin keeps sending it its \
                  share and its queue grows without bound; a policy that looks at \
                  outstanding requests sends it less.",
        params: &[
            POLICY,
            instances(4, 40, 10, 1),
            rate(600),
            ParamSpec {
                name: "slowdown",
                label: "How much slower i1 becomes",
                min: 1,
                max: 50,
                default: 10,
                unit: "×",
                step: 1,
            },
        ],
    },
    story: Story::SlowInstance,
};

/// A host dies with its instances; health checks eject them.
pub static HOST_FAILURE: BalanceScenario = BalanceScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "balance-host-failure",
        title: "A host dies",
        summary: "Twenty instances on four hosts in two zones (up to 200). At 500 ms host \
                  h2 dies, and its five instances with it. The balancer notices after three \
                  missed health checks and stops sending them requests; the requests they \
                  held are lost and time out.",
        params: &[POLICY, instances(20, 200, 20, 20), rate(2_000)],
    },
    story: Story::HostFailure,
};

/// Load ramps up; new instances join.
pub static SCALE_OUT: BalanceScenario = BalanceScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "balance-scale-out",
        title: "Scaling out",
        summary: "Load ramps from 400 to 2,400 requests a second over 600 ms, more than \
                  eight instances can serve (1,600). Eight more instances are in the \
                  deployment but not in the run; at 700 ms they join, and the balancer \
                  routes to them once they answer a health check.",
        params: &[POLICY, instances(4, 40, 8, 1)],
    },
    story: Story::ScaleOut,
};

/// Several balancers route on load reported at the last health check, and herd.
pub static STALE_LOAD: BalanceScenario = BalanceScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "balance-stale-load",
        title: "Stale least-loaded herds",
        summary: "Four balancers share ten instances at 80 % of their capacity. Each \
                  routes to the instance that reported the least load at the last health \
                  check, 50 ms ago: all four pick the same one until the next check, its \
                  queue shoots up, then they all move to another. Two random choices \
                  (policy 3), each balancer comparing its own requests in hand, stay \
                  robust.",
        params: &[policy(4), instances(4, 40, 10, 1), rate(1_600)],
    },
    story: Story::StaleLoad,
};

/// An instance fails every request but passes its health checks; outlier detection
/// ejects it, for longer each time.
pub static GRAY_FAILURE: BalanceScenario = BalanceScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "balance-gray-failure",
        title: "Failing requests, passing health checks",
        summary: "Ten instances share 600 requests a second. At 300 ms i3's database \
                  connection breaks: it answers every request with an error at once, and \
                  its health checks still pass. The balancer's outlier detection ejects it \
                  after 5 errors in a row, for 300 ms, then 600, then 900 at this rate \
                  (Envoy's defaults, scaled). Switch it off and i3 keeps its share, more than its \
                  share under two random choices: failing fast, it never has requests in \
                  hand.",
        params: &[POLICY, instances(4, 40, 10, 1), rate(600)],
    },
    story: Story::GrayFailure,
};

/// Instances added by the scale-out story, after the configured ones.
const SPARE: usize = 8;

impl BalanceScenario {
    fn balancers(&self) -> usize {
        match self.story {
            Story::StaleLoad => 4,
            _ => 1,
        }
    }

    fn instance_count(&self, cfg: &Config) -> usize {
        let n = cfg.param("instances").clamp(1, 200) as usize;
        match self.story {
            Story::ScaleOut => n + SPARE,
            _ => n,
        }
    }

    fn policy(cfg: &Config) -> Policy {
        Policy::from_param(cfg.param("policy"))
    }

    fn arrivals(&self, cfg: &Config) -> Arrivals {
        let share = |per_sec: i64| (per_sec.max(0) as u64) / CLIENTS as u64;
        match self.story {
            Story::ScaleOut => Arrivals::Ramp {
                from_per_sec: share(400),
                to_per_sec: share(2_400),
                over_us: 600_000,
            },
            _ => Arrivals::Poisson {
                per_sec: share(cfg.param("rate")),
            },
        }
    }

    /// The detection bound the checker holds the balancer to.
    fn bound_us(&self) -> u64 {
        (u64::from(HEALTH.eject_after) + 1) * HEALTH.every_us + 2 * WIDE.latency_max_us
    }
}

impl Scenario for BalanceScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let named = |prefix: &'static str, count: usize, role: &'static str| {
            (1..=count).map(move |i| NodeInfo {
                name: format!("{prefix}{i}"),
                role,
            })
        };
        named("c", CLIENTS, "client")
            .chain(named("b", self.balancers(), "balancer"))
            .chain(named("i", self.instance_count(cfg), "instance"))
            .collect()
    }

    fn topology(&self, cfg: &Config) -> Topology {
        let mut topology = Topology::default();
        let zones = two_zones(&mut topology);
        let balancers = self.balancers() as u32;
        let first = CLIENTS as u32 + balancers;
        let count = self.instance_count(cfg);
        let mut host = 0;
        for i in 0..count {
            if i % PER_HOST == 0 {
                let h = i / PER_HOST;
                host = topology.group(format!("h{}", h + 1), "host", Some(zones[h % 2]));
                topology.set_local_link(host, LOCAL);
            }
            topology.place(NodeId(first + i as u32), host);
        }
        for c in 0..CLIENTS as u32 {
            for b in 0..balancers {
                topology.link(NodeId(c), NodeId(CLIENTS as u32 + b));
            }
        }
        for b in 0..balancers {
            for i in 0..count as u32 {
                topology.link(NodeId(CLIENTS as u32 + b), NodeId(first + i));
            }
        }
        if self.story == Story::ScaleOut {
            for i in count - SPARE..count {
                topology.start_absent(NodeId(first + i as u32));
            }
        }
        topology
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let policy = Self::policy(cfg);
        let caption = |ms: u64, text: String| Caption {
            at: SimTime::from_millis(ms),
            text,
        };
        let start = caption(
            0,
            format!(
                "The balancer checks every instance's health each 50 ms and routes to the \
                 ones that answered, by {}. Each request takes 5 ms of an instance's time \
                 on average (exponentially distributed).",
                policy.name()
            ),
        );
        match self.story {
            Story::SlowInstance => {
                let factor = cfg.param("slowdown");
                let lesson = match policy {
                    Policy::RoundRobin | Policy::Random => {
                        "This policy does not look at load: i1 keeps its share, its queue \
                         grows (queue chart, heat strip) and the p99 latency climbs."
                    }
                    Policy::LeastOutstanding | Policy::TwoChoices => {
                        "This policy looks at the requests the balancer has in hand at each \
                         instance: i1 gets fewer while its queue is long; compare with \
                         policy 0 (round robin)."
                    }
                    Policy::LeastReported => {
                        "This policy looks at the load each instance reported at the last \
                         health check: i1 gets fewer once its queue shows; compare with \
                         policy 0 (round robin)."
                    }
                };
                vec![
                    start,
                    caption(
                        300,
                        format!("i1 becomes {factor}× slower (the action `slow`). {lesson}"),
                    ),
                ]
            }
            Story::HostFailure => vec![
                start,
                caption(
                    500,
                    if cfg.switch(HEALTH_CHECKS) {
                        "Host h2 crashes: its five instances go with it. The requests they \
                         held are lost; the balancer ejects them after three missed checks \
                         (within 200 ms), and only then stops sending them work."
                            .to_string()
                    } else {
                        "Host h2 crashes: its five instances go with it. Without health \
                         checks the balancer never learns: a share of the requests keeps \
                         going to dead instances and times out, and the guarantee breaks \
                         once they have been dead longer than the detection bound."
                            .to_string()
                    },
                ),
            ],
            Story::StaleLoad => vec![
                start,
                caption(
                    100,
                    match policy {
                        Policy::LeastReported => {
                            "Four balancers each send their requests to the instance that \
                             reported the least load at the last check. They all pick the \
                             same one, for up to 50 ms: watch the heat strips, the queue \
                             moves from instance to instance in waves, and the p99 climbs. \
                             Try policy 3."
                        }
                        Policy::TwoChoices => {
                            "Each balancer compares two random instances by the requests it \
                             has in hand there (its own count, always fresh, as Envoy's \
                             least-request balancer does): no two balancers herd onto one \
                             instance, and the queues stay short. Compare policy 4. Unlike \
                             Mitzenmacher's result (two choices stay robust even on the same \
                             stale reports), this run's two choices do not read the reports."
                        }
                        _ => {
                            "Four balancers share the instances by this policy; compare \
                             policy 4 (least load reported), which herds."
                        }
                    }
                    .to_string(),
                ),
            ],
            Story::GrayFailure => vec![
                start,
                caption(
                    300,
                    if cfg.switch(OUTLIER_DETECTION) {
                        "i3's database connection breaks: it answers every request with an \
                         error (500) at once, and still answers its health checks, so they \
                         never eject it. The balancer also watches the answers: after 5 \
                         errors in a row it ejects i3 for 300 ms; back in, 5 more errors \
                         eject it again, each time 300 ms longer (as many times as the rate \
                         fits in the run: watch the balancer's notes)."
                            .to_string()
                    } else {
                        format!(
                            "i3's database connection breaks: it answers every request with \
                             an error (500) at once, and still answers its health checks. \
                             Without outlier detection nothing ejects it: it keeps getting \
                             requests to the end{}",
                            match Self::policy(cfg) {
                                Policy::LeastOutstanding | Policy::TwoChoices => {
                                    ", more than its tenth: failing at once, it never has \
                                     requests in hand, so a policy that counts them favours \
                                     it (watch the failures chart)."
                                }
                                _ => " (watch the failures chart).",
                            }
                        )
                    },
                ),
            ],
            Story::ScaleOut => vec![
                start,
                caption(
                    360,
                    "From about 360 ms the load is more than the eight instances can serve \
                     (1,600 requests a second): a backlog builds up in their queues and \
                     latency climbs."
                        .to_string(),
                ),
                caption(
                    700,
                    "Eight more instances join the run. They are routed to once they have \
                     answered a health check; the queues drain."
                        .to_string(),
                ),
            ],
        }
    }

    /// The gray failure's first ejection, when the run's errors bring it about.
    fn event_captions(&self, cfg: &Config) -> Vec<EventCaption> {
        if self.story != Story::GrayFailure || !cfg.switch(OUTLIER_DETECTION) {
            return Vec::new();
        }
        vec![EventCaption::after(
            300,
            "ejected i3 for",
            "{node} has had 5 errors in a row from i3: it ejects i3 and routes around it \
             for 300 ms, although i3 still passes every health check. Then i3 is back in, \
             fails again and is ejected for longer (the balancer's notes).",
        )]
    }

    fn script(&self, cfg: &Config) -> Vec<TimedAction> {
        let at = |ms: u64, action: Action<String>| TimedAction {
            at: SimTime::from_millis(ms),
            action,
        };
        match self.story {
            Story::SlowInstance => vec![at(
                300,
                Action::Command {
                    node: "i1".into(),
                    verb: "slow".into(),
                    arg: cfg.param("slowdown"),
                },
            )],
            Story::HostFailure => vec![at(500, Action::Crash("h2".into()))],
            Story::StaleLoad => Vec::new(),
            Story::GrayFailure => vec![at(
                300,
                Action::Command {
                    node: "i3".into(),
                    verb: FAIL_VERB.name.into(),
                    arg: 1,
                },
            )],
            Story::ScaleOut => {
                let count = self.instance_count(cfg);
                (count - SPARE + 1..=count)
                    .map(|i| at(700, Action::Join(format!("i{i}"))))
                    .collect()
            }
        }
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(match self.story {
            Story::SlowInstance | Story::ScaleOut | Story::StaleLoad => 1_500,
            Story::GrayFailure => 2_000,
            Story::HostFailure => 1_200,
        })
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        let named = |name: &'static str| PATTERN.switches.iter().filter(move |s| s.name == name);
        match self.story {
            Story::HostFailure => named(HEALTH_CHECKS).collect(),
            Story::GrayFailure => named(OUTLIER_DETECTION).collect(),
            _ => Vec::new(),
        }
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let count = self.instance_count(cfg);
        let first = (CLIENTS + self.balancers()) as u32;
        let balancers: Vec<NodeId> = (CLIENTS..CLIENTS + self.balancers())
            .map(|b| NodeId(b as u32))
            .collect();
        let health = Health {
            on: cfg.switch(HEALTH_CHECKS),
            ..HEALTH
        };
        let outliers = Outliers {
            on: cfg.switch(OUTLIER_DETECTION),
            ..OUTLIERS
        };
        let instances: Vec<NodeId> = (0..count as u32).map(|i| NodeId(first + i)).collect();
        let mut nodes: Vec<BalanceNode> = (0..CLIENTS)
            .map(|_| {
                BalanceNode::Client(Client::new(
                    balancers.clone(),
                    self.arrivals(cfg),
                    TIMEOUT_US,
                ))
            })
            .collect();
        nodes.extend(balancers.iter().map(|_| {
            BalanceNode::Balancer(Balancer::new(
                instances.clone(),
                Self::policy(cfg),
                health,
                outliers,
            ))
        }));
        nodes.extend(
            instances
                .iter()
                .map(|_| BalanceNode::Instance(Instance::new(Delay::Exponential(SERVICE_US)))),
        );
        Box::new(Simulation::new(Setup {
            topology: self.topology(cfg),
            metrics: PATTERN.metrics,
            checker: BalanceChecker::new(&names, self.bound_us(), OUTLIERS, count),
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
