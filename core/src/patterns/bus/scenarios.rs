//! The named scenarios: routing and conversion, accountability, the bus as bottleneck
//! and single point of failure.

use super::checker::BusChecker;
use super::msg::Format;
use super::node::{Bus, BusNode, Routes, Source, Target};
use super::{CONFIRMED_HISTORY, INVALID_CHANNEL, PATTERN};
use crate::sim::action::{Action, TimedAction};
use crate::sim::engine::{Setup, Simulation};
use crate::sim::load::{Arrivals, Delay};
use crate::sim::network::LinkConfig;
use crate::sim::node::NodeId;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo, SwitchSpec,
};
use crate::sim::time::SimTime;
use crate::sim::topology::Topology;

/// Which story.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Story {
    Routing,
    Accountability,
    Bottleneck,
}

/// A service bus scenario.
pub struct BusScenario {
    info: StoryInfo,
    story: Story,
}

/// The systems that send, each with its format; then the bus; then the receivers.
const SOURCES: [(&str, Format); 3] = [
    ("shop", Format::Json),
    ("crm", Format::Xml),
    ("mainframe", Format::Fixed),
];
const BUS: NodeId = NodeId(3);
const SHIPPING: NodeId = NodeId(4);
const BILLING: NodeId = NodeId(5);
const INVALID: NodeId = NodeId(6);

/// Charts per 50 ms.
const METRIC_BUCKET_US: u64 = 50_000;

const RATE: ParamSpec = ParamSpec {
    name: "rate",
    label: "Messages per second from each system",
    min: 1,
    max: 200,
    default: 40,
    unit: "/s",
    step: 1,
};

const ERRORS: ParamSpec = ParamSpec {
    name: "errors",
    label: "Percent malformed, and percent of a kind no route takes",
    min: 0,
    max: 40,
    default: 5,
    unit: "%",
    step: 1,
};

/// Routing by content, conversion, the invalid-message channel.
pub static ROUTING: BusScenario = BusScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "bus-routing",
        title: "Routing and conversion",
        summary: "A shop (JSON), a CRM (XML) and a mainframe (fixed-width) send orders and \
                  invoices to the bus. It converts each into the receiver's format (JSON \
                  for shipping, CSV for billing) and routes it by kind; a malformed message, \
                  or one no route takes, goes to the invalid-message channel.",
        params: &[RATE, ERRORS],
    },
    story: Story::Routing,
};

/// The message history, and a receiver that is down.
pub static ACCOUNTABILITY: BusScenario = BusScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "bus-accountability",
        title: "Where is message 17?",
        summary: "The bus keeps each message's history: ask where a message is (\"Where is \
                  message\"). Shipping is down from 400 to 700 ms: the orders sent to it \
                  then never arrive, and the history, which records a delivery only once \
                  shipping confirms it, says so.",
        params: &[RATE, ERRORS],
    },
    story: Story::Accountability,
};

/// The bus as bottleneck and single point of failure.
pub static BOTTLENECK: BusScenario = BusScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "bus-bottleneck",
        title: "Bottleneck and single point of failure",
        summary: "The bus handles a message in 4 ms: 250 a second. The three systems send \
                  more and more, from 120 to 360 a second: past 250 the bus's queue and \
                  every message's wait grow without bound. At 1.6 s the bus crashes and no \
                  system reaches any other until it is back.",
        params: &[],
    },
    story: Story::Bottleneck,
};

impl BusScenario {
    fn work_us(&self) -> u64 {
        match self.story {
            Story::Bottleneck => 4_000,
            _ => 1_000,
        }
    }
}

impl Scenario for BusScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, _cfg: &Config) -> Vec<NodeInfo> {
        let node = |name: &str, role| NodeInfo {
            name: name.into(),
            role,
        };
        let mut nodes: Vec<NodeInfo> = SOURCES.iter().map(|s| node(s.0, "sender")).collect();
        nodes.push(node("bus", "bus"));
        nodes.push(node("shipping", "receiver"));
        nodes.push(node("billing", "receiver"));
        nodes.push(node("invalid", "invalid"));
        nodes
    }

    fn topology(&self, _cfg: &Config) -> Topology {
        let mut topology = Topology::default();
        for n in (0..3).chain(4..7) {
            topology.link(NodeId(n), BUS);
        }
        topology
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let caption = |ms: u64, text: String| Caption {
            at: SimTime::from_millis(ms),
            text,
        };
        let (rate, errors) = (cfg.param("rate"), cfg.param("errors"));
        match self.story {
            Story::Routing => {
                let invalid = if cfg.switch(INVALID_CHANNEL) {
                    "go to the invalid-message channel, where a person can look at them"
                } else {
                    "are dropped by the bus: nobody will ever know (see the invariants)"
                };
                vec![
                    caption(
                        0,
                        format!(
                            "shop, crm and mainframe each send about {rate} messages a \
                             second, in JSON, XML and fixed-width. The bus converts each \
                             into its canonical model and on into the receiver's format: \
                             orders to shipping (JSON), invoices to billing (CSV)."
                        ),
                    ),
                    caption(
                        100,
                        format!(
                            "About {errors} % of the messages are malformed and {errors} % \
                             are memos, a kind no route takes: they {invalid}."
                        ),
                    ),
                ]
            }
            Story::Accountability => {
                let history = if cfg.switch(CONFIRMED_HISTORY) {
                    "The history records a delivery only when shipping confirms it: the \
                     orders lost while it was down show as sent, never delivered (ask \
                     \"Where is message\" about one)."
                } else {
                    "The history records a delivery as soon as the bus sends a message: it \
                     claims orders reached shipping while it was down (see the invariants)."
                };
                vec![
                    caption(
                        0,
                        format!(
                            "Three systems send about {rate} messages a second each to the \
                             bus. It records each message's history under its correlation \
                             id: ask \"Where is message\" 17 for its hops and times."
                        ),
                    ),
                    caption(
                        400,
                        format!(
                            "shipping crashes and is back at 700 ms; the orders the bus \
                             sends it meanwhile are lost. {history}"
                        ),
                    ),
                ]
            }
            Story::Bottleneck => vec![
                caption(
                    0,
                    "The bus handles one message at a time, 4 ms each: 250 a second. The \
                     three systems send 120 a second, rising to 360 over 1.5 s."
                        .to_string(),
                ),
                caption(
                    700,
                    "Past about 250 a second, messages arrive faster than the bus handles \
                     them: its queue (\"waiting at the bus\") grows, and with it every \
                     message's time to the receiver (Little's law: L = λW)."
                        .to_string(),
                ),
                caption(
                    1_600,
                    "The bus crashes, losing its queue: no system reaches any other \
                     (\"routed\" falls to zero) until it restarts at 1.9 s."
                        .to_string(),
                ),
            ],
        }
    }

    fn script(&self, _cfg: &Config) -> Vec<TimedAction> {
        let at = |ms: u64, action: Action<String>| TimedAction {
            at: SimTime::from_millis(ms),
            action,
        };
        match self.story {
            Story::Routing => Vec::new(),
            Story::Accountability => vec![
                at(400, Action::Crash("shipping".into())),
                at(700, Action::Restart("shipping".into())),
            ],
            Story::Bottleneck => vec![
                at(1_600, Action::Crash("bus".into())),
                at(1_900, Action::Restart("bus".into())),
            ],
        }
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(match self.story {
            Story::Bottleneck => 2_200,
            _ => 1_000,
        })
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        let offered = match self.story {
            Story::Routing => INVALID_CHANNEL,
            Story::Accountability => CONFIRMED_HISTORY,
            Story::Bottleneck => return Vec::new(),
        };
        PATTERN
            .switches
            .iter()
            .filter(|s| s.name == offered)
            .collect()
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let routes = Routes {
            orders: (SHIPPING, Format::Json, "shipping"),
            invoices: (BILLING, Format::Csv, "billing"),
            invalid: cfg.switch(INVALID_CHANNEL).then_some(INVALID),
            confirmed: cfg.switch(CONFIRMED_HISTORY),
        };
        let (arrivals, errors) = match self.story {
            Story::Bottleneck => (
                Arrivals::Ramp {
                    from_per_sec: 40,
                    to_per_sec: 120,
                    over_us: 1_500_000,
                },
                5,
            ),
            _ => {
                let per_sec = cfg.param("rate").max(1) as u64;
                let errors = cfg.param("errors").clamp(0, 50) as u64;
                (Arrivals::Poisson { per_sec }, errors)
            }
        };
        let stride = SOURCES.len() as u64;
        let mut nodes: Vec<BusNode> = (0..)
            .zip(SOURCES)
            .map(|(k, (_, format))| {
                let source = Source::new(BUS, format, arrivals, (k + 1, stride));
                BusNode::Source(source.with_errors(errors, errors))
            })
            .collect();
        let work = Delay::Fixed(self.work_us());
        nodes.push(BusNode::Bus(Bus::new(routes.clone(), work)));
        nodes.push(BusNode::Target(Target::default(), "receiver"));
        nodes.push(BusNode::Target(Target::default(), "receiver"));
        nodes.push(BusNode::Target(Target::default(), "invalid"));
        Box::new(
            Simulation::new(Setup {
                topology: self.topology(cfg),
                metrics: PATTERN.metrics,
                checker: BusChecker::new(&names, BUS, routes),
                names,
                nodes,
                clocks: Vec::new(),
                link: LinkConfig::reliable(1_000, 2_000),
                horizon: self.horizon(cfg),
                seed: cfg.seed,
                script: actions.script,
                user_actions: actions.user,
            })
            .with_metric_bucket(METRIC_BUCKET_US),
        )
    }
}
