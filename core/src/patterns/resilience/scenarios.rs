//! The named scenarios: a retry storm down a call chain, a breaker tripping on a failing
//! dependency, and the volume-threshold trap.

use super::breaker::BreakerConfig;
use super::caller::{Caller, Retries};
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
enum Story {
    RetryStorm,
    BreakerTrip,
    VolumeTrap,
    Flapping,
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
};
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

impl ResilienceScenario {
    /// Layers that call: the client and the services.
    fn depth(&self, cfg: &Config) -> usize {
        match self.story {
            Story::RetryStorm => cfg.param("depth").clamp(1, 8) as usize,
            Story::BreakerTrip | Story::VolumeTrap | Story::Flapping => 2,
        }
    }

    fn attempts(&self, cfg: &Config) -> u32 {
        match self.story {
            Story::RetryStorm => cfg.param("attempts").clamp(1, 8) as u32,
            Story::BreakerTrip | Story::VolumeTrap | Story::Flapping => 1,
        }
    }

    /// The timeout per attempt of the caller `level` layers above the bottom caller
    /// (0: the one calling the database): long enough to hear the layers below give up.
    fn timeout_us(&self, cfg: &Config, level: usize) -> u64 {
        let attempts = u64::from(self.attempts(cfg));
        let stacked = (0..level).fold(TIMEOUT_US, |t, _| attempts * t + MARGIN_US);
        match self.story {
            Story::BreakerTrip | Story::VolumeTrap | Story::Flapping if level > 0 => PATIENT_US,
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
        }
    }

    fn threads(&self) -> u32 {
        match self.story {
            // Threads to spare: the storm is about load, not about waiting in line.
            Story::RetryStorm => 1_000,
            Story::BreakerTrip | Story::VolumeTrap | Story::Flapping => THREADS,
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
        captions(self.story, cfg)
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
            Story::BreakerTrip => vec![slow(200, factor), slow(500, 1)],
        }
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(800)
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        let name = match self.story {
            Story::RetryStorm => RETRY_BUDGET,
            Story::BreakerTrip => BREAKER_SWITCH,
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

/// A story's captions for a config.
fn captions(story: Story, cfg: &Config) -> Vec<Caption> {
    let caption = |ms: u64, text: String| Caption {
        at: SimTime::from_millis(ms),
        text,
    };
    let rate = cfg.param("rate");
    let slowdown = cfg.param("slowdown");
    match story {
        Story::RetryStorm => {
            let depth = RETRY_STORM.depth(cfg);
            let attempts = RETRY_STORM.attempts(cfg);
            let calls = u64::from(attempts).pow(depth as u32);
            let bottom = format!("s{}", depth - 1);
            let storm = if cfg.switch(RETRY_BUDGET) {
                format!(
                    "{bottom} retries within its budget (10 % of its calls), then answers \
                     \"overloaded; don't retry\", and the layers above pass that on \
                     without retrying: calls reaching the database stay near the offered \
                     load (1.1×). Switch the budget off to see the storm."
                )
            } else {
                format!(
                    "Without a budget every layer retries every failure: each request \
                     becomes up to {attempts}^{depth} = {calls} calls at the database. \
                     Compare \"calls reaching the database\" with \"offered load\": \
                     its queue fills, and the rest are dropped and time out in turn."
                )
            };
            vec![
                caption(
                    0,
                    format!(
                        "c1 sends {rate} requests a second down a chain of {depth} layers \
                         to the database. Each makes up to {attempts} attempts; a timeout is \
                         10 ms at the bottom (Hystrix's 1 s, scaled), and each layer up \
                         waits long enough to hear the layers below give up."
                    ),
                ),
                caption(
                    200,
                    format!(
                        "The database becomes {slowdown}× slower: most calls to it now take \
                         longer than {bottom}'s 10 ms timeout. {storm}"
                    ),
                ),
            ]
        }
        Story::BreakerTrip => {
            let on = cfg.switch(BREAKER_SWITCH);
            vec![
                caption(
                    0,
                    format!(
                        "c1 sends {rate} requests a second to s1, which has 10 threads and \
                         calls the database through a circuit breaker: it opens when its \
                         100 ms window holds at least 20 calls and half of them failed, \
                         sleeps 50 ms, then lets one probe through (Hystrix's defaults, \
                         time scaled down a hundred times)."
                    ),
                ),
                caption(
                    200,
                    if on {
                        format!(
                            "The database becomes {slowdown}× slower: nearly every call from s1 \
                             holds a thread until its 10 ms timeout, and a line forms. Once \
                             half the calls in the window have failed (about half a window \
                             later) the breaker opens: calls fail fast, no thread waits, \
                             and the line at s1 empties."
                        )
                    } else {
                        format!(
                            "The database becomes {slowdown}× slower. The breaker is \
                             switched off: it says when it would open, but lets every call \
                             through. Each call holds one of the 10 threads for its 10 ms \
                             timeout, so s1 can take 1,000 calls a second: a line builds \
                             up behind it (\"calls waiting for a thread\") and latency \
                             climbs towards the client's 200 ms."
                        )
                    },
                ),
                caption(
                    500,
                    if on {
                        "The database is back to normal. The breaker's next successful \
                         probe closes it, once the database has worked off the slow \
                         queries it still holds; until then each failed probe opens it for \
                         another 50 ms."
                            .to_string()
                    } else {
                        "The database is back to normal, and s1 works off its line.".to_string()
                    },
                ),
            ]
        }
        Story::Flapping => vec![
            caption(
                0,
                format!(
                    "c1 sends {rate} requests a second to s1 (10 threads), whose breaker \
                     has Hystrix's defaults scaled down: it opens at 50 % failures of at \
                     least 20 calls in 100 ms, sleeps 50 ms, then lets one probe through."
                ),
            ),
            caption(
                200,
                format!(
                    "The database becomes {slowdown}× slower and stays so: degraded, not \
                     dead. Its queue grows, calls time out, the breaker opens. While it is \
                     open the database catches up, so the probe succeeds and the breaker \
                     closes; the full load floods back, and within a few tens of ms it \
                     opens again (the breaker chart saw-tooths). One probe says little \
                     about a dependency that is merely degraded: Resilience4j lets 10 \
                     calls through half-open."
                ),
            ),
        ],
        Story::VolumeTrap => {
            let volume = cfg.param("volume");
            let per_window = rate / 10;
            let fate = if 3 * per_window < 2 * volume {
                format!(
                    "But the window only holds about {per_window} calls, fewer than the \
                     {volume} it needs: the breaker never opens, and every request keeps \
                     failing the slow way (\"failed requests\"). Lower the minimum volume \
                     below {per_window}."
                )
            } else if per_window < volume {
                format!(
                    "The window holds about {per_window} calls, fewer than the {volume} it \
                     needs: the breaker opens only if a burst of traffic fills it."
                )
            } else {
                format!(
                    "The window holds about {per_window} calls, at least the {volume} it \
                     needs: once half have failed the breaker opens, and calls fail fast."
                )
            };
            vec![
                caption(
                    0,
                    format!(
                        "c1 sends {rate} requests a second to s1, whose breaker opens only \
                         when its 100 ms window holds at least {volume} calls (Hystrix: 20; \
                         Resilience4j: 100) and half of them failed."
                    ),
                ),
                caption(
                    200,
                    format!(
                        "The database becomes {slowdown}× slower: nearly every call fails after \
                         s1's 10 ms timeout. {fate}"
                    ),
                ),
            ]
        }
    }
}
