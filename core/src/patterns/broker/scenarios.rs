//! The named scenarios: prefetch, a slow consumer, a poison message, crashes, topics.

use super::captions::{captions, event_captions};
use super::checker::BrokerChecker;
use super::consumer::{Consumer, DeadLetters};
use super::node::BrokerNode;
use super::producer::Producer;
use super::server::{Broker, Settings};
use super::{DEAD_LETTER, DELIVERY_LIMIT, DURABLE, MANUAL_ACK, PATTERN};
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

/// Which story.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Story {
    Prefetch,
    SlowConsumer,
    Poison,
    Crashes,
    Topics,
}

/// A message broker scenario.
pub struct BrokerScenario {
    info: StoryInfo,
    story: Story,
}

/// The producer and the broker come first; then the consumers, then the dead-letter
/// queue.
const BROKER: NodeId = NodeId(1);
const FIRST_CONSUMER: u32 = 2;

/// Charts are drawn per 50 ms: a few messages per bucket at the stories' rates.
const METRIC_BUCKET_US: u64 = 50_000;

/// When the second consumer joins in the prefetch story, and is slowed in the slow
/// consumer story; when the poison message is published.
pub(super) const JOIN_MS: u64 = 1_000;
pub(super) const SLOW_MS: u64 = 1_000;
pub(super) const POISON_MS: u64 = 300;
/// The crash story's faults: c2 down, then the broker down.
pub(super) const C2_CRASH_MS: (u64, u64) = (400, 500);
pub(super) const BROKER_CRASH_MS: (u64, u64) = (800, 1_000);
/// The topic story: when c4 binds the analytics queue, when the broker is down.
pub(super) const BIND_MS: u64 = 800;
pub(super) const TOPIC_CRASH_MS: (u64, u64) = (1_400, 1_600);
/// How long the topic story's shipments consumer (c3) takes per message.
pub(super) const SLOW_SHIPMENTS_US: u64 = 30_000;

const fn param(
    name: &'static str,
    label: &'static str,
    (min, max, default): (i64, i64, i64),
    unit: &'static str,
) -> ParamSpec {
    let step = 1;
    ParamSpec {
        name,
        label,
        min,
        max,
        default,
        unit,
        step,
    }
}

const RATE_LABEL: &str = "Messages published per second";
const PREFETCH_LABEL: &str = "Prefetch limit per consumer (0: unlimited)";

/// Prefetch 1, 26 or unlimited, with 50 ms each way.
pub static PREFETCH: BrokerScenario = BrokerScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "broker-prefetch",
        title: "Prefetch: 1, 26 or unlimited",
        summary: "A producer publishes a batch of 500 messages; a consumer 50 ms away \
                  processes each in 4 ms. With prefetch 1 it waits a round trip (100 ms) \
                  for every message and is busy about 4 % of the time; about 26 cover the \
                  round trip and keep it busy. Unlimited, the whole backlog moves into it, \
                  and a second consumer that joins at 1 s gets nothing.",
        params: &[
            param("prefetch", PREFETCH_LABEL, (0, 200, 1), ""),
            param("batch", "Messages in the batch", (10, 2_000, 500), ""),
            param("rate", RATE_LABEL, (10, 2_000, 1_000), "/s"),
        ],
    },
    story: Story::Prefetch,
};

/// A consumer slows down; the backlog grows.
pub static SLOW_CONSUMER: BrokerScenario = BrokerScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "broker-slow-consumer",
        title: "A slow consumer",
        summary: "Two consumers keep up with 200 messages a second until one becomes ten \
                  times slower at 1 s: the queue then grows by the difference between the \
                  arrival rate and what the consumers can take, and every message waits \
                  longer (Little's law: L = λW).",
        params: &[
            param("rate", RATE_LABEL, (10, 1_000, 200), "/s"),
            param("prefetch", PREFETCH_LABEL, (0, 200, 10), ""),
            param(
                "slowdown",
                "c2 becomes this many times slower",
                (1, 50, 10),
                "×",
            ),
        ],
    },
    story: Story::SlowConsumer,
};

/// A poison message blocks the queue, or is dead-lettered.
pub static POISON: BrokerScenario = BrokerScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "broker-poison",
        title: "A poison message",
        summary: "At 300 ms the producer publishes a message that fails every consumer. The \
                  consumer rejects it, the broker requeues it at the head of the queue and \
                  hands it out again: after 5 deliveries it goes to the dead-letter queue. \
                  Without the delivery limit it comes back forever and nothing behind it \
                  is processed.",
        params: &[param("rate", RATE_LABEL, (10, 150, 100), "/s")],
    },
    story: Story::Poison,
};

/// A consumer crashes, then the broker.
pub static CRASHES: BrokerScenario = BrokerScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "broker-crashes",
        title: "A consumer crashes, then the broker",
        summary: "c2 crashes holding unacknowledged messages: the broker hands them out \
                  again when it reconnects. Then the broker crashes: a durable queue comes \
                  back with every message it held; a transient one loses them. Switch off \
                  acknowledgements or durability to see a message lost.",
        params: &[param("rate", RATE_LABEL, (10, 1_000, 270), "/s")],
    },
    story: Story::Crashes,
};

/// Publish/subscribe: a topic exchange fans each message out to every matching queue.
pub static TOPICS: BrokerScenario = BrokerScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "broker-topics",
        title: "Topics: fan-out, a late subscriber, a transient queue",
        summary: "Every message has a routing key such as orders.eu.created; the broker \
                  copies it into every queue whose binding matches (orders.eu.*, \
                  *.*.shipped, #), each with its own consumer. A queue bound at 0.8 s gets \
                  nothing published before; a broker crash at 1.4 s takes the transient \
                  queue and its copies away, while the durable ones keep theirs.",
        params: &[param("rate", RATE_LABEL, (10, 1_000, 100), "/s")],
    },
    story: Story::Topics,
};

impl BrokerScenario {
    fn consumers(&self) -> u32 {
        match self.story {
            Story::Poison => 1,
            Story::Topics => 4,
            _ => 2,
        }
    }

    /// The queue consumer `k` (from 0) takes from: its own in the topic story.
    fn queue(&self, k: u32) -> u8 {
        match self.story {
            Story::Topics => k as u8 + 1,
            _ => 0,
        }
    }

    /// The queues bound from the start: the topic story's analytics queue is bound late.
    fn bound(&self) -> u8 {
        match self.story {
            Story::Topics => 0b01110,
            _ => 1,
        }
    }

    fn prefetch(&self, cfg: &Config) -> u32 {
        match self.story {
            Story::Prefetch | Story::SlowConsumer => cfg.param("prefetch").clamp(0, 10_000) as u32,
            Story::Poison => 1,
            Story::Crashes | Story::Topics => 10,
        }
    }

    /// Processing time per message, in µs.
    pub(super) fn work_us(&self) -> u64 {
        match self.story {
            Story::Prefetch | Story::Poison | Story::Topics => 4_000,
            Story::SlowConsumer | Story::Crashes => 8_000,
        }
    }

    /// One-way latency of every link, in µs.
    pub(super) fn link_us(&self) -> (u64, u64) {
        match self.story {
            Story::Prefetch => (50_000, 50_000),
            _ => (1_000, 2_000),
        }
    }

    /// Processing time per message of consumer `k` (from 0), in µs: the topic story's
    /// shipments consumer is a slow one.
    fn consumer_work_us(&self, k: u32) -> u64 {
        if self.story == Story::Topics && k == 2 {
            SLOW_SHIPMENTS_US
        } else {
            self.work_us()
        }
    }

    pub(super) fn story(&self) -> Story {
        self.story
    }

    fn dead_letters(&self) -> NodeId {
        NodeId(FIRST_CONSUMER + self.consumers())
    }
}

impl Scenario for BrokerScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, _cfg: &Config) -> Vec<NodeInfo> {
        let mut nodes = vec![
            NodeInfo {
                name: "p1".into(),
                role: "producer",
            },
            NodeInfo {
                name: "broker".into(),
                role: "broker",
            },
        ];
        nodes.extend((1..=self.consumers()).map(|k| NodeInfo {
            name: format!("c{k}"),
            role: "consumer",
        }));
        nodes.push(NodeInfo {
            name: "dlq".into(),
            role: "dead letters",
        });
        nodes
    }

    fn topology(&self, _cfg: &Config) -> Topology {
        let mut topology = Topology::default();
        topology.link(NodeId(0), BROKER);
        topology.link(BROKER, self.dead_letters());
        for k in 0..self.consumers() {
            topology.link(BROKER, NodeId(FIRST_CONSUMER + k));
        }
        match self.story {
            Story::Prefetch => topology.start_absent(NodeId(FIRST_CONSUMER + 1)),
            Story::Topics => topology.start_absent(NodeId(FIRST_CONSUMER + 3)),
            _ => {}
        }
        topology
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        captions(self, cfg)
    }

    fn event_captions(&self, cfg: &Config) -> Vec<EventCaption> {
        event_captions(self, cfg)
    }

    fn script(&self, cfg: &Config) -> Vec<TimedAction> {
        let at = |ms: u64, action: Action<String>| TimedAction {
            at: SimTime::from_millis(ms),
            action,
        };
        match self.story {
            Story::Prefetch => vec![at(JOIN_MS, Action::Join("c2".into()))],
            Story::SlowConsumer => vec![at(
                SLOW_MS,
                Action::Command {
                    node: "c2".into(),
                    verb: "slow".into(),
                    arg: cfg.param("slowdown"),
                },
            )],
            Story::Poison => vec![at(
                POISON_MS,
                Action::Command {
                    node: "p1".into(),
                    verb: "poison".into(),
                    arg: 0,
                },
            )],
            Story::Crashes => vec![
                at(C2_CRASH_MS.0, Action::Crash("c2".into())),
                at(C2_CRASH_MS.1, Action::Restart("c2".into())),
                at(BROKER_CRASH_MS.0, Action::Crash("broker".into())),
                at(BROKER_CRASH_MS.1, Action::Restart("broker".into())),
            ],
            Story::Topics => vec![
                at(BIND_MS, Action::Join("c4".into())),
                at(TOPIC_CRASH_MS.0, Action::Crash("broker".into())),
                at(TOPIC_CRASH_MS.1, Action::Restart("broker".into())),
            ],
        }
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(match self.story {
            Story::Prefetch => 3_000,
            Story::SlowConsumer => 4_000,
            Story::Poison => 1_500,
            Story::Crashes => 1_600,
            Story::Topics => 2_200,
        })
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        let offered: &[&str] = match self.story {
            Story::Poison => &[DEAD_LETTER],
            Story::Crashes => &[DURABLE, MANUAL_ACK],
            Story::Topics => &[DURABLE],
            Story::Prefetch | Story::SlowConsumer => &[],
        };
        PATTERN
            .switches
            .iter()
            .filter(|s| offered.contains(&s.name))
            .collect()
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let consumers: Vec<NodeId> = (0..self.consumers())
            .map(|k| NodeId(FIRST_CONSUMER + k))
            .collect();
        let manual_ack = cfg.switch(MANUAL_ACK);
        let settings = Settings {
            durable: cfg.switch(DURABLE),
            manual_ack,
            bound: self.bound(),
            limit: cfg.switch(DEAD_LETTER).then_some(DELIVERY_LIMIT),
            consumers: consumers.clone(),
            dead_letters: self.dead_letters(),
        };
        let per_sec = cfg.param("rate").max(1) as u64;
        let batch = (self.story == Story::Prefetch).then(|| cfg.param("batch").max(0) as u64);
        let arrivals = Arrivals::Poisson { per_sec };
        let topics = self.story == Story::Topics;
        let prefetch = self.prefetch(cfg);
        let mut nodes = vec![
            BrokerNode::Producer(Producer::new(BROKER, arrivals, batch, topics)),
            BrokerNode::Broker(Broker::new(settings)),
        ];
        nodes.extend((0..self.consumers()).map(|k| {
            let queue = self.queue(k);
            let work = Delay::Fixed(self.consumer_work_us(k));
            BrokerNode::Consumer(Consumer::new(BROKER, queue, prefetch, work, manual_ack))
        }));
        nodes.push(BrokerNode::DeadLetters(DeadLetters::default()));
        let (min, max) = self.link_us();
        Box::new(
            Simulation::new(Setup {
                topology: self.topology(cfg),
                metrics: PATTERN.metrics,
                checker: BrokerChecker::new(&names, BROKER, consumers, self.bound()),
                names,
                nodes,
                clocks: Vec::new(),
                link: LinkConfig::reliable(min, max),
                horizon: self.horizon(cfg),
                seed: cfg.seed,
                script: actions.script,
                user_actions: actions.user,
            })
            .with_metric_bucket(METRIC_BUCKET_US),
        )
    }
}
