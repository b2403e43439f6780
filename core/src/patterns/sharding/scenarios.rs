//! The named scenarios: which keys move under each shard function, a hot range, one hot
//! key, increasing keys, and a range moved live.

use super::captions::captions;
use super::checker::{ShardChecker, View};
use super::client::Client;
use super::func::{Scheme, ShardMap};
use super::node::ShardNode;
use super::router::Router;
use super::shard::Shard;
use super::{CATCH_UP, PATTERN, REDIRECT, WRITE_FENCE};
use crate::sim::action::{Action, TimedAction};
use crate::sim::engine::{Setup, Simulation};
use crate::sim::load::{Arrivals, Delay, Keys};
use crate::sim::network::LinkConfig;
use crate::sim::node::NodeId;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo, SwitchSpec,
};
use crate::sim::time::SimTime;
use crate::sim::topology::Topology;

/// Every link: 100–300 µs, one datacenter.
const LINK: LinkConfig = LinkConfig::reliable(100, 300);
/// Shards that start absent, for the verbs that add one.
pub(super) const SPARE: u32 = 4;
/// A shard's mean service time in the hot stories: at most about 250 requests a second.
pub(super) const WORK_US: u64 = 4_000;
/// A shard's fixed service time in the scaling story: exactly 125 requests a second.
pub(super) const SCALING_WORK_US: u64 = 8_000;
/// A hot key in the hot-key story.
pub(super) const HOT_KEY: u64 = 42;

/// Which story.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Story {
    Functions,
    HotRange,
    HotKey,
    Salted,
    Monotonic,
    Reshard,
    Routers,
    Scaling,
}

/// A sharding scenario.
pub struct ShardScenario {
    info: StoryInfo,
    story: Story,
}

const fn param(
    name: &'static str,
    label: &'static str,
    range: [i64; 4],
    unit: &'static str,
) -> ParamSpec {
    ParamSpec {
        name,
        label,
        min: range[0],
        max: range[1],
        default: range[2],
        unit,
        step: range[3],
    }
}

const SCHEME_LABEL: &str = "Shard function (1 hash mod N, 2 ring, 3 rendezvous, 4 jump, 5 ranges)";

/// Which keys move when shards are added, by shard function.
pub static FUNCTIONS: ShardScenario = ShardScenario {
    story: Story::Functions,
    info: StoryInfo {
        pattern: &PATTERN,
        id: "sharding-functions",
        title: "Which keys move",
        summary: "A client reads 2,000 keys at random through a router over 10 shards; at \
                  1 s two shards are added. hash mod N sends 5/6 of the keys elsewhere; \
                  try the ring (and its virtual nodes), rendezvous, jump hashing and \
                  ranges: about 1/6, and how evenly each spreads the load.",
        params: &[
            param("scheme", SCHEME_LABEL, [1, 5, 1, 1], ""),
            param("shards", "Shards at first", [2, 32, 10, 1], ""),
            param("add", "Shards added at 1 s", [1, 4, 2, 1], ""),
            param(
                "vnodes",
                "Virtual nodes per shard (ring)",
                [1, 1_000, 100, 1],
                "",
            ),
            param("keys", "Keys", [1_000, 50_000, 2_000, 1_000], ""),
            param(
                "rate",
                "Requests per second",
                [500, 20_000, 1_000, 500],
                "/s",
            ),
        ],
    },
};

/// The hot stories' parameters: `first`, the rate (`rate` by default), the queue.
const fn hot_params(first: ParamSpec, rate: i64) -> [ParamSpec; 3] {
    [
        first,
        param("rate", "Requests per second", [100, 4_000, rate, 25], "/s"),
        param("queue", "Places in a shard's queue", [1, 200, 20, 1], ""),
    ]
}

const fn skew(default: i64) -> ParamSpec {
    param(
        "skew",
        "Zipf skew × 100 (0: uniform)",
        [0, 200, default, 10],
        "",
    )
}

/// A Zipf load on key ranges: the first range is hot; a split by load helps.
pub static HOT_RANGE: ShardScenario = ShardScenario {
    story: Story::HotRange,
    info: StoryInfo {
        pattern: &PATTERN,
        id: "sharding-hot-range",
        title: "A hot range",
        summary: "Keys follow a Zipf law (skew 0.8) over 1,000 keys in 8 ranges: the first \
                  range takes over half the requests, more than its shard can serve (250 a \
                  second), and its queue overflows. At 1 s the router splits it where the \
                  load is: both halves keep up.",
        params: &hot_params(skew(80), 625),
    },
};

/// One celebrity key: splitting its range cannot help, replicating it for reads can.
pub static CELEBRITY: ShardScenario = ShardScenario {
    story: Story::HotKey,
    info: StoryInfo {
        pattern: &PATTERN,
        id: "sharding-hot-key",
        title: "One hot key",
        summary: "Uniform reads over 8 ranges, until key 42 becomes a celebrity: half the \
                  requests read it, more than one shard can serve. Splitting its range \
                  moves the other keys away but not the load; replicating key 42 for reads \
                  on every shard does.",
        params: &hot_params(skew(0), 800),
    },
};

/// One hot key that takes writes: salting spreads them over sub-keys on several shards.
pub static SALTED: ShardScenario = ShardScenario {
    story: Story::Salted,
    info: StoryInfo {
        pattern: &PATTERN,
        id: "sharding-salted-key",
        title: "Salting a hot key",
        summary: "Uniform requests, 9 in 10 writes, over 8 ranges, until key 42 (a like \
                  counter) takes half of them: more writes than its shard can serve, and \
                  read replicas would not help, since every write must reach every copy. At \
                  1 s r1 salts it: each write goes to one of 8 sub-keys on 8 shards, and each \
                  read asks all 8.",
        params: &hot_params(
            param(
                "salts",
                "Sub-keys the hot key is salted over at 1 s (1: not salted)",
                [1, 8, 8, 1],
                "",
            ),
            800,
        ),
    },
};

/// Throughput as shards are added one by one, under even or skewed load.
pub static SCALING: ShardScenario = ShardScenario {
    story: Story::Scaling,
    info: StoryInfo {
        pattern: &PATTERN,
        id: "sharding-scaling",
        title: "Throughput as shards are added",
        summary: "A client offers 1,000 requests a second over 1,000 keys, hashed (jump hash) \
                  to one shard at first; every 200 ms r1 adds one, up to 8. Each shard serves \
                  125 a second, so even load would scale to 1,000; with Zipf keys (skew 1.2) \
                  the shard holding the hottest keys saturates first and the curve flattens. \
                  Set the skew to 0 to compare.",
        params: &hot_params(skew(120), 1_000),
    },
};

/// Monotonically increasing keys under ranges: every insert lands in the last range.
pub static MONOTONIC: ShardScenario = ShardScenario {
    story: Story::Monotonic,
    info: StoryInfo {
        pattern: &PATTERN,
        id: "sharding-monotonic",
        title: "Increasing keys",
        summary: "Inserts with increasing keys (timestamps, auto-increment ids) over 8 key \
                  ranges: every one lands in the last range, whose shard cannot keep up \
                  while the others idle. Splitting it at 1 s only moves the hot spot to the \
                  new last range. Try a hash (scheme 2): the load spreads.",
        params: &hot_params(param("scheme", SCHEME_LABEL, [1, 5, 5, 1], ""), 625),
    },
};

/// The parameters of the stories that move a range: each client's rate, the writes.
const MOVE_PARAMS: [ParamSpec; 2] = [
    param(
        "rate",
        "Requests per second per client",
        [100, 4_000, 1_000, 100],
        "/s",
    ),
    param("writes", "Writes in 100 requests", [0, 100, 50, 5], "%"),
];

/// A range moved to a new shard while clients read and write.
pub static RESHARD: ShardScenario = ShardScenario {
    story: Story::Reshard,
    info: StoryInfo {
        pattern: &PATTERN,
        id: "sharding-reshard",
        title: "Moving a range live",
        summary: "Two clients read and write 100 keys through two routers; at 0.3 s r1 \
                  moves the upper half of s2's range to a new shard: copy, catch up, switch \
                  reads, fence and switch writes, finish. r2 learns the new map late, from \
                  MOVED answers. Switch off the catch-up or the fence and writes are lost \
                  or taken by two shards.",
        params: &MOVE_PARAMS,
    },
};

/// A router tier against clients that route by their own table, while a range moves.
pub static ROUTERS: ShardScenario = ShardScenario {
    story: Story::Routers,
    info: StoryInfo {
        pattern: &PATTERN,
        id: "sharding-routers",
        title: "Who routes: routers or clients",
        summary: "c1 sends through a router, r1; c2 holds a routing table and goes straight \
                  to the shards, one hop fewer. At 0.3 s r1 moves keys 75–99 to a new shard: \
                  c2's table is stale until s2 answers MOVED, or until c2 asks r1 for the \
                  map. Switch the redirect off and c2 sends requests to a shard that neither \
                  holds the keys nor says where they went.",
        params: &MOVE_PARAMS,
    },
};

/// The numbers a story runs with.
pub(super) struct Plan {
    pub scheme: Scheme,
    pub shards: u32,
    /// Virtual nodes per shard on a ring.
    pub vnodes: u32,
    pub keys: u64,
    pub clients: u32,
    pub routers: u32,
    /// Requests per second, per client.
    pub rate: u64,
    pub work: Delay,
    pub queue: u32,
    /// Shards that start absent, for the verbs that add one.
    pub spare: u32,
}

impl ShardScenario {
    pub(super) fn story(&self) -> Story {
        self.story
    }

    pub(super) fn plan(&self, cfg: &Config) -> Plan {
        let p = |name: &str, lo: i64, hi: i64| cfg.param(name).clamp(lo, hi);
        let hot = Plan {
            scheme: Scheme::Ranges,
            shards: 8,
            vnodes: 100,
            keys: 1_000,
            clients: 1,
            routers: 1,
            rate: p("rate", 1, 100_000) as u64,
            work: Delay::Exponential(WORK_US),
            queue: p("queue", 1, 1_000) as u32,
            spare: SPARE,
        };
        match self.story {
            Story::Functions => Plan {
                scheme: Scheme::from_param(cfg.param("scheme")),
                shards: p("shards", 1, 64) as u32,
                vnodes: p("vnodes", 1, 10_000) as u32,
                keys: p("keys", 1, 1_000_000) as u64,
                work: Delay::Exponential(50),
                queue: 1_000,
                ..hot
            },
            Story::HotRange | Story::HotKey | Story::Salted => hot,
            Story::Scaling => Plan {
                scheme: Scheme::Jump,
                shards: 1,
                spare: 7,
                work: Delay::Fixed(SCALING_WORK_US),
                ..hot
            },
            Story::Monotonic => Plan {
                scheme: Scheme::from_param(cfg.param("scheme")),
                ..hot
            },
            Story::Reshard | Story::Routers => Plan {
                shards: 2,
                keys: 100,
                clients: 2,
                routers: if self.story == Story::Routers { 1 } else { 2 },
                work: Delay::Exponential(100),
                queue: 100,
                ..hot
            },
        }
    }

    fn keys(&self, cfg: &Config, plan: &Plan) -> Keys {
        match self.story {
            Story::Monotonic => Keys::Sequential,
            Story::HotRange | Story::HotKey | Story::Scaling => {
                Keys::zipf(plan.keys, cfg.param("skew").clamp(0, 400) as f64 / 100.0)
            }
            Story::Functions | Story::Reshard | Story::Routers | Story::Salted => {
                Keys::Uniform(plan.keys)
            }
        }
    }
}

impl Scenario for ShardScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let plan = self.plan(cfg);
        let named = |prefix: &'static str, n: u32, role| {
            (1..=n).map(move |i| NodeInfo {
                name: format!("{prefix}{i}"),
                role,
            })
        };
        named("c", plan.clients, "client")
            .chain(named("r", plan.routers, "router"))
            .chain(named("s", plan.shards + plan.spare, "shard"))
            .collect()
    }

    fn topology(&self, cfg: &Config) -> Topology {
        let plan = self.plan(cfg);
        let first_shard = plan.clients + plan.routers;
        let mut topology = Topology::default();
        let group = topology.group("shards", "cluster", None);
        for c in 0..plan.clients {
            topology.link(NodeId(c), NodeId(plan.clients + c % plan.routers));
        }
        for s in 0..plan.shards + plan.spare {
            let node = NodeId(first_shard + s);
            topology.place(node, group);
            for r in 0..plan.routers {
                topology.link(NodeId(plan.clients + r), node);
            }
            if self.story == Story::Routers {
                topology.link(NodeId(1), node);
            }
            if s >= plan.shards {
                topology.start_absent(node);
            }
        }
        topology
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        captions(self, cfg)
    }

    fn script(&self, cfg: &Config) -> Vec<TimedAction> {
        let at = |ms: u64, node: &str, verb: &str, arg: i64| TimedAction {
            at: SimTime::from_millis(ms),
            action: Action::Command {
                node: node.into(),
                verb: verb.into(),
                arg,
            },
        };
        match self.story {
            Story::Functions => vec![at(1_000, "r1", "add-shard", cfg.param("add"))],
            Story::HotRange => vec![at(1_000, "r1", "split", 1)],
            Story::HotKey => vec![
                at(300, "c1", "hot", HOT_KEY as i64),
                at(1_000, "r1", "split", 1),
                at(1_600, "r1", "replicate", HOT_KEY as i64),
            ],
            Story::Salted => vec![
                at(300, "c1", "hot", HOT_KEY as i64),
                at(1_000, "r1", "salt", HOT_KEY as i64),
            ],
            Story::Monotonic => vec![at(1_000, "r1", "split", 8)],
            Story::Scaling => (1..8).map(|i| at(200 * i, "r1", "add-shard", 1)).collect(),
            Story::Reshard | Story::Routers => vec![at(300, "r1", "reshard", 2)],
        }
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(match self.story {
            Story::HotKey => 2_200,
            Story::Reshard | Story::Routers => 700,
            Story::Scaling => 1_600,
            _ => 2_000,
        })
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        match self.story {
            Story::Reshard => PATTERN.switches.iter().collect(),
            Story::Routers => PATTERN
                .switches
                .iter()
                .filter(|s| s.name == REDIRECT)
                .collect(),
            _ => Vec::new(),
        }
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let plan = self.plan(cfg);
        let first_router = plan.clients;
        let first_shard = plan.clients + plan.routers;
        let keys = self.keys(cfg, &plan);
        let offset = if self.story == Story::Monotonic {
            plan.keys
        } else {
            0
        };
        let writes = if matches!(self.story, Story::Reshard | Story::Routers) {
            cfg.param("writes").clamp(0, 100) as u64 * 10
        } else if self.story == Story::Monotonic {
            1_000
        } else if self.story == Story::Salted {
            900
        } else {
            0
        };
        let map = ShardMap::new(plan.scheme, plan.shards, plan.vnodes, plan.keys);
        let view = match self.story {
            Story::Functions => View::Ring,
            Story::Reshard | Story::Routers => View::Plain,
            Story::Scaling => View::Scaling {
                capacity: 1_000_000 / SCALING_WORK_US,
                offered: plan.rate,
            },
            _ => View::Heat {
                // Increasing keys run on from `offset`, `rate` a second.
                keys: if self.story == Story::Monotonic {
                    offset + plan.rate * self.horizon(cfg).as_micros() / 1_000_000
                } else {
                    plan.keys
                },
                capacity: 1_000_000 / WORK_US,
            },
        };
        let keeper = NodeId(first_router);
        let router = |keeper: Option<NodeId>| {
            Router::new(
                map.clone(),
                first_shard,
                plan.shards + plan.spare,
                keeper,
                cfg.switch(WRITE_FENCE),
                plan.keys,
            )
        };
        let mut nodes: Vec<ShardNode> = (0..plan.clients)
            .map(|c| {
                let client = Client::new(
                    NodeId(first_router + c % plan.routers),
                    Arrivals::Poisson { per_sec: plan.rate },
                    keys.clone(),
                    offset,
                    writes,
                );
                ShardNode::Client(if self.story == Story::Routers && c == 1 {
                    client.with_table(router(Some(keeper)))
                } else {
                    client
                })
            })
            .collect();
        let salts = if self.story == Story::Salted {
            cfg.param("salts").clamp(1, 8) as u32
        } else {
            1
        };
        nodes.extend((0..plan.routers).map(|r| {
            ShardNode::Router(
                Router::new(
                    map.clone(),
                    first_shard,
                    plan.shards + plan.spare,
                    (r > 0).then_some(keeper),
                    cfg.switch(WRITE_FENCE),
                    plan.keys,
                )
                .with_salts(salts),
            )
        }));
        nodes.extend((0..plan.shards + plan.spare).map(|_| {
            ShardNode::Shard(Shard::new(
                first_shard,
                keeper,
                plan.work,
                plan.queue,
                cfg.switch(CATCH_UP),
                cfg.switch(REDIRECT),
            ))
        }));
        Box::new(Simulation::new(Setup {
            topology: self.topology(cfg),
            metrics: PATTERN.metrics,
            checker: ShardChecker::new(
                &names,
                first_router,
                first_shard,
                plan.scheme == Scheme::Ranges,
            )
            .with_view(view, plan.keys),
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
