//! The named scenarios: the tail at scale, and hedged requests that tame it.

use super::checker::ScatterChecker;
use super::client::Client;
use super::leaf::Leaf;
use super::node::ScatterNode;
use super::root::{Plan, Root};
use super::{PATTERN, SLOW_US, WAIT_ALL};
use crate::sim::action::TimedAction;
use crate::sim::engine::{Setup, Simulation};
use crate::sim::load::Arrivals;
use crate::sim::network::LinkConfig;
use crate::sim::node::NodeId;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, EventCaption, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo, SwitchSpec,
};
use crate::sim::time::SimTime;
use crate::sim::topology::Topology;

/// Every link: 200–400 µs, one datacenter.
const LINK: LinkConfig = LinkConfig::reliable(200, 400);

/// Searches are charted per 50 ms: about five at the default rate, enough for a p99 to
/// mean something (the default, 1/120 of the run, would hold less than one).
const METRIC_BUCKET_US: u64 = 50_000;

/// The client and the root come first; then replica a of every shard, then replica b.
const FIRST_REPLICA: u32 = 2;

/// A scatter/gather scenario.
pub struct ScatterScenario {
    info: StoryInfo,
}

const fn params(hedge_default: i64) -> [ParamSpec; 4] {
    [
        ParamSpec {
            name: "shards",
            label: "Shards the root fans out to",
            min: 1,
            max: 100,
            default: 50,
            unit: "",
            step: 1,
        },
        ParamSpec {
            name: "hiccups",
            label: "Parts in a thousand that hit a hiccup (50–100 ms)",
            min: 0,
            max: 100,
            default: 10,
            unit: "‰",
            step: 1,
        },
        ParamSpec {
            name: "hedge-ms",
            label: "Hedge a part still missing after (0: never)",
            min: 0,
            max: 50,
            default: hedge_default,
            unit: "ms",
            step: 1,
        },
        ParamSpec {
            name: "rate",
            label: "Searches per second",
            min: 10,
            max: 400,
            default: 100,
            unit: "/s",
            step: 10,
        },
    ]
}

/// One search fans out to every shard; rare hiccups make many searches slow.
pub static TAIL_AT_SCALE: ScatterScenario = ScatterScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "scatter-tail",
        title: "The tail at scale",
        summary: "A root fans each search out to 50 shards and waits for every part. A \
                  part takes about 1 ms, but 1 in 100 hits a 50–100 ms hiccup: a search \
                  waits on at least one of them 1 − 0.99^50 ≈ 39 % of the time (63 % at \
                  100 shards). Try 1 shard, then 100.",
        params: &params(0),
    },
};

/// The same fan-out with hedged requests.
pub static HEDGED_REQUESTS: ScatterScenario = ScatterScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "scatter-hedged",
        title: "Hedged requests",
        summary: "The same search over 50 shards, but a part still missing after 5 ms is \
                  asked of the shard's other replica too. A search now waits on a hiccup \
                  only if both replicas hit one: hardly any search takes the 50–100 ms of \
                  a hiccup, for about 2 % more queries.",
        params: &params(5),
    },
};

impl ScatterScenario {
    fn shards(cfg: &Config) -> u32 {
        cfg.param("shards").clamp(1, 100) as u32
    }

    fn hedge_us(cfg: &Config) -> Option<u64> {
        let ms = cfg.param("hedge-ms").clamp(0, 1_000) as u64;
        (ms > 0).then_some(ms * 1_000)
    }
}

impl Scenario for ScatterScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let shards = Self::shards(cfg);
        let mut nodes = vec![
            NodeInfo {
                name: "c1".into(),
                role: "client",
            },
            NodeInfo {
                name: "root".into(),
                role: "root",
            },
        ];
        for replica in ["a", "b"] {
            nodes.extend((1..=shards).map(|k| NodeInfo {
                name: format!("{replica}{k}"),
                role: "replica",
            }));
        }
        nodes
    }

    fn topology(&self, cfg: &Config) -> Topology {
        let shards = Self::shards(cfg);
        let mut topology = Topology::default();
        topology.link(NodeId(0), NodeId(1));
        for (i, name) in ["racka", "rackb"].into_iter().enumerate() {
            let group = topology.group(name, "rack", None);
            for k in 0..shards {
                let replica = NodeId(FIRST_REPLICA + i as u32 * shards + k);
                topology.place(replica, group);
                topology.link(NodeId(1), replica);
            }
        }
        topology
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let mut out = vec![intro(cfg)];
        if !hedges(cfg) {
            out.push(Caption {
                at: SimTime::from_millis(60),
                text: tail(cfg),
            });
        }
        out
    }

    /// With hedging, what it does is told from the run's first hedge.
    fn event_captions(&self, cfg: &Config) -> Vec<EventCaption> {
        if !hedges(cfg) {
            return Vec::new();
        }
        vec![EventCaption::after(0, "hedged q", tail(cfg))]
    }

    fn script(&self, _cfg: &Config) -> Vec<TimedAction> {
        Vec::new()
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(1_000)
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        if self.info.id == TAIL_AT_SCALE.info.id {
            PATTERN.switches.iter().collect()
        } else {
            Vec::new()
        }
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let shards = Self::shards(cfg);
        let root = NodeId(1);
        let plan = Plan {
            shards,
            first: FIRST_REPLICA,
            hedge_us: Self::hedge_us(cfg),
            deadline_us: (!cfg.switch(WAIT_ALL)).then_some(SLOW_US),
        };
        let per_sec = cfg.param("rate").max(0) as u64;
        let hiccups = cfg.param("hiccups").clamp(0, 1_000) as u64;
        let mut nodes = vec![
            ScatterNode::Client(Client::new(root, Arrivals::Poisson { per_sec })),
            ScatterNode::Root(Root::new(plan)),
        ];
        nodes.extend((0..2 * shards).map(|_| ScatterNode::Leaf(Leaf::new(root, hiccups))));
        Box::new(
            Simulation::new(Setup {
                topology: self.topology(cfg),
                metrics: PATTERN.metrics,
                checker: ScatterChecker::new(&names, root),
                names,
                nodes,
                clocks: Vec::new(),
                link: LINK,
                horizon: self.horizon(cfg),
                seed: cfg.seed,
                script: actions.script,
                user_actions: actions.user,
            })
            .with_metric_bucket(METRIC_BUCKET_US),
        )
    }
}

/// The share of searches, in percent, with at least one of `fanout` parts slow, each
/// slow with probability `p`.
fn slow_share_pct(p: f64, fanout: u32) -> f64 {
    (1.0 - (1.0 - p).powi(fanout as i32)) * 100.0
}

/// Whether the root hedges: it waits for every part, and asks again after a while.
fn hedges(cfg: &Config) -> bool {
    ScatterScenario::hedge_us(cfg).is_some() && cfg.switch(WAIT_ALL)
}

/// The first caption: the run's load and its replicas' hiccups.
fn intro(cfg: &Config) -> Caption {
    let shards = ScatterScenario::shards(cfg);
    Caption {
        at: SimTime::ZERO,
        text: format!(
            "c1 sends {rate} searches a second to the root, which asks one replica of each \
             of {shards} shards (an a or a b, at random) for its part. A part takes about \
             1 ms, but {hiccups} in 1,000 hit a hiccup (a pause, a busy disk) and take \
             50–100 ms.",
            rate = cfg.param("rate"),
            hiccups = cfg.param("hiccups"),
        ),
    }
}

/// What the root's way of waiting does to the searches.
fn tail(cfg: &Config) -> String {
    let shards = ScatterScenario::shards(cfg);
    let hiccups = cfg.param("hiccups");
    let p = hiccups.clamp(0, 1_000) as f64 / 1_000.0;
    let alone = slow_share_pct(p, shards);
    let both = slow_share_pct(p * p, shards);
    match (ScatterScenario::hedge_us(cfg), cfg.switch(WAIT_ALL)) {
        (_, false) => format!(
            "The root stops waiting 10 ms after a search arrives and answers with the parts \
             it has: no search waits on a hiccup, but about {alone:.0} % of the answers miss \
             a shard's part (see the invariants): speed bought with completeness."
        ),
        (None, true) => format!(
            "The root waits for every part, so a search is as slow as its slowest shard: \
             1 − (1 − {hiccups}‰)^{shards} ≈ {alone:.0} % of searches wait on a hiccup \
             (\"searches slower than 10 ms\"), though each replica is slow only {hiccups} \
             times in 1,000. Dean and Barroso's figure: 63 % at 100 shards."
        ),
        (Some(us), true) => format!(
            "After {} ms the root asks the other replica for each part still missing and \
             takes whichever answers first. A search now waits on a hiccup only if both \
             replicas of a shard hit one (≈ {both:.1} % of searches, against \
             {alone:.0} % without hedging). A hedged part still costs the wait plus a \
             second try, so some searches take a little over 10 ms. The extra queries are \
             the few parts late enough to hedge (\"hedged queries\" against \"queries to \
             replicas\").",
            us / 1_000
        ),
    }
}
