//! Strategies: sessions of real scenarios, mostly valid, with every kind of mistake.

use playground_core::sim::action::{Action, TimedAction};
use playground_core::sim::network::LinkConfig;
use playground_core::sim::rng::Ratio;
use playground_core::sim::scenario::{Config, ParamSpec, Scenario};
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;
use playground_core::{Registry, Session};
use proptest::prelude::*;

use crate::oracle::node_names;

/// A node name no scenario has.
const STRANGER: &str = "zz9";

/// Usually `usual`, one time in ten `absurd`.
pub fn number<T: std::fmt::Debug + Clone + 'static>(
    usual: impl Strategy<Value = T> + 'static,
    absurd: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<T> {
    prop_oneof![9 => usual, 1 => absurd].boxed()
}

/// Any action on `nodes` in a run that ends at `horizon`.
pub fn action(nodes: Vec<String>, horizon: u64) -> impl Strategy<Value = Action<String>> {
    let node = prop::sample::select(nodes);
    let group = {
        let node = node.clone();
        move || prop::collection::vec(node.clone(), 0..3)
    };
    let msg = || number(0u32..60, any::<u32>()).prop_map(MsgId);
    let ratio = || {
        number(
            (0u32..=10).prop_map(|n| Ratio::new(n, 10)),
            (any::<u32>(), any::<u32>()).prop_map(|(n, d)| Ratio::new(n, d)),
        )
    };
    let latency = || {
        number(
            0u64..50_000,
            prop_oneof![
                Just(10_000_000),
                Just(10_000_001),
                Just(u64::MAX),
                any::<u64>()
            ],
        )
    };
    prop_oneof![
        node.clone().prop_map(Action::Crash),
        node.clone().prop_map(Action::Restart),
        node.clone().prop_map(Action::Pause),
        node.clone().prop_map(Action::Resume),
        (group(), group(), any::<bool>()).prop_map(|(from, to, one_way)| Action::Partition {
            from,
            to,
            one_way
        }),
        Just(Action::Heal),
        msg().prop_map(Action::Drop),
        msg().prop_map(Action::Hold),
        msg().prop_map(Action::Release),
        (
            msg(),
            number(
                0..=horizon,
                prop_oneof![Just(horizon + 1), Just(u64::MAX), any::<u64>()]
            )
        )
            .prop_map(|(msg, by_us)| Action::Delay { msg, by_us }),
        (
            node.clone(),
            number(
                -100_000i64..100_000,
                prop_oneof![
                    Just(3_600_000_000),
                    Just(-3_600_000_001),
                    Just(i64::MIN),
                    any::<i64>()
                ]
            )
        )
            .prop_map(|(node, delta_us)| Action::SkewClock { node, delta_us }),
        (
            node.clone(),
            number(
                -100_000i64..=100_000,
                prop_oneof![
                    Just(100_001),
                    Just(-100_001),
                    Just(i64::MIN),
                    Just(i64::MAX),
                    any::<i64>()
                ]
            )
        )
            .prop_map(|(node, ppm)| Action::SetDrift { node, ppm }),
        (
            prop::option::of((node.clone(), node)),
            latency(),
            latency(),
            ratio(),
            ratio(),
            prop::bool::weighted(0.9),
        )
            .prop_map(|(link, a, b, loss, duplication, ordered)| {
                let (min, max) = if ordered {
                    (a.min(b), a.max(b))
                } else {
                    (a, b)
                };
                Action::SetLink {
                    link,
                    cfg: LinkConfig {
                        latency_min_us: min,
                        latency_max_us: max,
                        loss,
                        duplication,
                    },
                }
            }),
    ]
}

/// The scenario's node names, each twenty times, and once a name that is not a node.
pub fn drawn_nodes(scenario: &dyn Scenario, config: &Config) -> Vec<String> {
    let names = node_names(scenario, config);
    let mut drawn: Vec<String> = names
        .iter()
        .flat_map(|n| std::iter::repeat_n(n.clone(), 20))
        .collect();
    drawn.push(STRANGER.to_string());
    drawn
}

fn param(spec: &'static ParamSpec) -> impl Strategy<Value = (String, i64)> {
    let steps = (spec.max - spec.min) / spec.step.max(1);
    let allowed = (0..=steps).prop_map(move |k| spec.min + k * spec.step.max(1));
    let absurd = prop_oneof![
        Just(spec.min.saturating_sub(1)),
        Just(spec.max.saturating_add(1)),
        Just(i64::MIN),
        any::<i64>(),
    ];
    number(allowed, absurd).prop_map(move |v| (spec.name.to_string(), v))
}

/// A session of `scenario`: parameters (some out of range, sometimes an unknown one),
/// switches (sometimes one not offered), and up to six actions (usually in time order).
fn session_of(scenario: &'static dyn Scenario) -> impl Strategy<Value = Session> {
    let config = Config::defaults(scenario, 1);
    let nodes = drawn_nodes(scenario, &config);
    let horizon = scenario.horizon(&config).as_micros();
    let time = number(0..=horizon, prop_oneof![Just(u64::MAX), horizon..]).prop_map(SimTime);
    let params = scenario
        .params()
        .iter()
        .map(|spec| prop::option::weighted(0.3, param(spec)))
        .collect::<Vec<_>>();
    let mut switches: Vec<&'static str> =
        scenario.offered_switches().iter().map(|s| s.name).collect();
    let switch_count = switches.len();
    switches.push("magic");
    (
        any::<u64>(),
        params,
        prop::bool::weighted(0.05),
        prop::sample::subsequence(switches, 0..=switch_count.min(2)),
        prop::collection::vec((time, action(nodes, horizon)), 0..6),
        prop::bool::weighted(0.9),
    )
        .prop_map(move |(seed, params, bogus, off, actions, sorted)| {
            let mut params: Vec<(String, i64)> = params.into_iter().flatten().collect();
            if bogus {
                params.push(("bogus".to_string(), 1));
            }
            let mut actions: Vec<TimedAction> = actions
                .into_iter()
                .map(|(at, action)| TimedAction { at, action })
                .collect();
            if sorted {
                actions.sort_by_key(|a| a.at);
            }
            Session {
                scenario: scenario.id().to_string(),
                seed,
                params,
                switches_off: off.into_iter().map(String::from).collect(),
                actions,
            }
        })
}

/// A session of any registered scenario.
pub fn session() -> impl Strategy<Value = Session> {
    let count = Registry::standard().scenarios().len();
    (0..count).prop_flat_map(|i| session_of(Registry::standard().scenarios()[i]))
}
