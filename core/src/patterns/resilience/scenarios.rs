//! The named scenarios: a retry storm down a call chain, a breaker tripping on a failing
//! dependency, the volume-threshold trap, a flapping breaker, and a dependency that is
//! slow rather than failing.

use super::breaker::BreakerConfig;
use super::caller::{Caller, Retries};
use super::captions;
use super::checker::ResilienceChecker;
use super::client::Client;
use super::database::Database;
use super::node::ResilienceNode;
use super::service::Service;
use super::{BREAKER_SWITCH, BUDGET_PCT, PATTERN, RETRY_BUDGET};
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

/// Which story a scenario tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Story {
    RetryStorm,
    BreakerTrip,
    VolumeTrap,
    Flapping,
    SlowCalls,
}

/// A retries and circuit breaker scenario.
pub struct ResilienceScenario {
    info: StoryInfo,
    story: Story,
}

/// A database query's mean service time: 1 ms (exponentially distributed).
const QUERY_US: u64 = 1_000;
/// The bottom caller's timeout per attempt: Hystrix's 1 s execution timeout, scaled.
const TIMEOUT_US: u64 = 10_000;
/// What each layer above adds to the time it waits for the layers below: a round trip.
const MARGIN_US: u64 = 3_000;
/// A client of the breaker stories waits this long for its answer.
const PATIENT_US: u64 = 200_000;
/// A service's threads in the breaker stories: Hystrix's default pool.
const THREADS: u32 = 10;
/// The breaker: Hystrix's defaults, with time scaled down a hundred times.
const BREAKER: BreakerConfig = BreakerConfig {
    enforce: true,
    min_volume: 20,
    threshold_pct: 50,
    window_us: 100_000,
    sleep_us: 50_000,
    slow_us: None,
    slow_pct: 50,
};
/// In the slow-call story, a call may take this long before it times out: long enough
/// that a slow database makes calls slow, not failed.
const SLOW_STORY_TIMEOUT_US: u64 = 100_000;
/// Every link: 0.5–1 ms.
const LINK: LinkConfig = LinkConfig {
    latency_min_us: 500,
    latency_max_us: 1_000,
    loss: Ratio::NEVER,
    duplication: Ratio::NEVER,
};

const fn rate(default: i64) -> ParamSpec {
    ParamSpec {
        name: "rate",
        label: "Requests per second",
        min: 50,
        max: 5_000,
        default,
        unit: "/s",
        step: 50,
    }
}

const fn slowdown(default: i64) -> ParamSpec {
    ParamSpec {
        name: "slowdown",
        label: "How much slower the database becomes",
        min: 1,
        max: 100,
        default,
        unit: "×",
        step: 1,
    }
}

/// Every layer retries; the database slows down; calls reaching it multiply.
pub static RETRY_STORM: ResilienceScenario = ResilienceScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "resilience-retry-storm",
        title: "A retry storm",
        summary: "A client sends 200 requests a second to s1, s1 calls s2, s2 calls the \
                  database; every layer makes up to 3 attempts. At 200 ms the database \
                  becomes 20× slower and most calls to it time out. With the retry \
                  budget, calls reaching it stay near the offered load (1.1×); switch the \
                  budget off and each layer's retries multiply: 3 × 3 × 3 = 27×.",
        params: &[
            ParamSpec {
                name: "depth",
                label: "Layers that retry (the client and the services above the database)",
                min: 2,
                max: 5,
                default: 3,
                unit: "",
                step: 1,
            },
            ParamSpec {
                name: "attempts",
                label: "Attempts per call (the first included)",
                min: 1,
                max: 4,
                default: 3,
                unit: "",
                step: 1,
            },
            rate(200),
            slowdown(20),
        ],
    },
    story: Story::RetryStorm,
};

/// A dependency hangs; the breaker opens and callers fail fast instead of queueing.
pub static BREAKER_TRIP: ResilienceScenario = ResilienceScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "resilience-breaker",
        title: "A breaker trips",
        summary: "A service with 10 threads calls a database for 1,500 requests a second. \
                  From 200 ms to 500 ms the database is 50× slower: nearly every call times out \
                  after 10 ms. The breaker opens and fails calls fast, probing every \
                  50 ms, and closes once the database is back. Switch it off and every \
                  call holds a thread for its timeout: the service can take 1,000 a \
                  second, and a queue builds behind it.",
        params: &[rate(1_500), slowdown(50)],
    },
    story: Story::BreakerTrip,
};

/// Low traffic never reaches the breaker's minimum volume.
pub static VOLUME_TRAP: ResilienceScenario = ResilienceScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "resilience-volume-trap",
        title: "The volume-threshold trap",
        summary: "The same service and breaker, with 100 requests a second. From 200 ms \
                  the database is 50× slower and every call fails, but the breaker's \
                  100 ms window never holds the 20 calls it needs before it will open: \
                  it stays closed, and every request waits 10 ms to fail. Lower the \
                  minimum volume to 10 and it opens.",
        params: &[
            rate(100),
            slowdown(50),
            ParamSpec {
                name: "volume",
                label: "Breaker's minimum volume (calls in its window)",
                min: 2,
                max: 100,
                default: 20,
                unit: "calls",
                step: 1,
            },
        ],
    },
    story: Story::VolumeTrap,
};

/// A degraded (not dead) database: every probe succeeds, the full load returns, the
/// breaker opens again.
pub static FLAPPING: ResilienceScenario = ResilienceScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "resilience-flapping",
        title: "A half-open breaker flaps",
        summary: "The breaker story's service, with a database that becomes 8× slower at \
                  200 ms and stays so: it can serve 500 queries a second of the 1,500 \
                  offered. While the breaker is open the database catches up, so its one \
                  probe succeeds and it closes; the full load floods back, and it opens \
                  again: open, half-open, closed, open …",
        params: &[rate(1_500), slowdown(8)],
    },
    story: Story::Flapping,
};

/// A database that answers, only slowly: a breaker counting failures never opens; one
/// counting slow calls does.
pub static SLOW_CALLS: ResilienceScenario = ResilienceScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "resilience-slow-calls",
        title: "Slow, not failing",
        summary: "The breaker story's service, with 600 requests a second and a 100 ms \
                  timeout. From 200 ms to 500 ms the database is 10× slower: calls do not \
                  fail, they are slow, and the 10 threads cannot keep up. A breaker that \
                  counts only failures never opens; this one also counts calls of 5 ms or \
                  more (Resilience4j's slow-call threshold) and opens, failing requests \
                  fast. Set the threshold to 0 and the line at s1 grows instead.",
        params: &[
            rate(600),
            slowdown(10),
            ParamSpec {
                name: "slow-ms",
                label: "A call slower than this counts as slow (0: not counted)",
                min: 0,
                max: 100,
                default: 5,
                unit: "ms",
                step: 1,
            },
        ],
    },
    story: Story::SlowCalls,
};

impl ResilienceScenario {
    /// Layers that call: the client and the services.
    pub(super) fn depth(&self, cfg: &Config) -> usize {
        match self.story {
            Story::RetryStorm => cfg.param("depth").clamp(1, 8) as usize,
            _ => 2,
        }
    }

    pub(super) fn attempts(&self, cfg: &Config) -> u32 {
        match self.story {
            Story::RetryStorm => cfg.param("attempts").clamp(1, 8) as u32,
            _ => 1,
        }
    }

    /// The timeout per attempt of the caller `level` layers above the bottom caller
    /// (0: the one calling the database): long enough to hear the layers below give up.
    fn timeout_us(&self, cfg: &Config, level: usize) -> u64 {
        let attempts = u64::from(self.attempts(cfg));
        let stacked = (0..level).fold(TIMEOUT_US, |t, _| attempts * t + MARGIN_US);
        match self.story {
            Story::RetryStorm => stacked,
            _ if level > 0 => PATIENT_US,
            Story::SlowCalls => SLOW_STORY_TIMEOUT_US,
            _ => stacked,
        }
    }

    fn breaker(&self, cfg: &Config) -> Option<BreakerConfig> {
        let enforce = cfg.switch(BREAKER_SWITCH);
        match self.story {
            Story::RetryStorm => None,
            Story::BreakerTrip | Story::Flapping => Some(BreakerConfig { enforce, ..BREAKER }),
            Story::VolumeTrap => Some(BreakerConfig {
                enforce,
                min_volume: cfg.param("volume").clamp(1, 10_000) as u32,
                ..BREAKER
            }),
            Story::SlowCalls => {
                let slow_ms = cfg.param("slow-ms").clamp(0, 10_000) as u64;
                Some(BreakerConfig {
                    enforce,
                    slow_us: (slow_ms > 0).then_some(slow_ms * 1_000),
                    ..BREAKER
                })
            }
        }
    }

    fn threads(&self) -> u32 {
        match self.story {
            // Threads to spare: the storm is about load, not about waiting in line.
            Story::RetryStorm => 1_000,
            _ => THREADS,
        }
    }

    /// The database's id: after the client and the services.
    fn database(&self, cfg: &Config) -> NodeId {
        NodeId(self.depth(cfg) as u32)
    }
}

impl Scenario for ResilienceScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let services = (1..self.depth(cfg)).map(|i| NodeInfo {
            name: format!("s{i}"),
            role: "service",
        });
        std::iter::once(NodeInfo {
            name: "c1".into(),
            role: "client",
        })
        .chain(services)
        .chain(std::iter::once(NodeInfo {
            name: "db".into(),
            role: "database",
        }))
        .collect()
    }

    fn topology(&self, cfg: &Config) -> Topology {
        let mut topology = Topology::default();
        for i in 0..self.depth(cfg) as u32 {
            topology.link(NodeId(i), NodeId(i + 1));
        }
        topology
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        captions::captions(self.story, cfg)
    }

    fn script(&self, cfg: &Config) -> Vec<TimedAction> {
        let slow = |ms: u64, factor: i64| TimedAction {
            at: SimTime::from_millis(ms),
            action: Action::Command {
                node: "db".into(),
                verb: "slow".into(),
                arg: factor,
            },
        };
        let factor = cfg.param("slowdown");
        match self.story {
            Story::RetryStorm | Story::VolumeTrap | Story::Flapping => vec![slow(200, factor)],
            Story::BreakerTrip | Story::SlowCalls => vec![slow(200, factor), slow(500, 1)],
        }
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(800)
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        let name = match self.story {
            Story::RetryStorm => RETRY_BUDGET,
            Story::BreakerTrip | Story::SlowCalls => BREAKER_SWITCH,
            Story::VolumeTrap | Story::Flapping => return Vec::new(),
        };
        PATTERN.switches.iter().filter(|s| s.name == name).collect()
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let depth = self.depth(cfg);
        let budget_pct = cfg.switch(RETRY_BUDGET).then_some(BUDGET_PCT);
        let retries = |level: usize| Retries {
            attempts: self.attempts(cfg),
            timeout_us: self.timeout_us(cfg, level),
            budget_pct,
        };
        let per_sec = cfg.param("rate").max(0) as u64;
        let mut nodes = vec![ResilienceNode::Client(Client::new(
            NodeId(1),
            Arrivals::Poisson { per_sec },
            retries(depth - 1),
        ))];
        for i in 1..depth {
            let below = NodeId(i as u32 + 1);
            let caller = Caller::new(below, retries(depth - 1 - i), self.breaker(cfg));
            nodes.push(ResilienceNode::Service(Service::new(
                self.threads(),
                caller,
            )));
        }
        nodes.push(ResilienceNode::Database(Database::new(Delay::Exponential(
            QUERY_US,
        ))));
        let database = self.database(cfg);
        Box::new(Simulation::new(Setup {
            topology: self.topology(cfg),
            metrics: PATTERN.metrics,
            checker: ResilienceChecker::new(&names, vec![database], BREAKER.sleep_us, BUDGET_PCT),
            names,
            nodes,
            clocks: Vec::new(),
            link: LINK,
            horizon: self.horizon(cfg),
            seed: cfg.seed,
            script: actions.script,
            user_actions: actions.user,
        }))
    }
}
