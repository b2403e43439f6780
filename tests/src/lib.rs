//! Helpers shared by the cross-crate tests in `tests/tests/`, and the benchmark
//! measurements (`bench`).

pub mod bench;
pub mod replay;
pub mod stories;

use playground_core::sim::action::{Action, TimedAction};
use playground_core::sim::checker::PropertyKind;
use playground_core::sim::metrics::{MetricKind, MetricSpec};
use playground_core::sim::network::LinkConfig;
use playground_core::sim::rng::{Ratio, Rng};
use playground_core::sim::run::{Engine, EventTag, Run};
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;
use playground_core::{Registry, Session};

/// A session's run, explored to its end.
pub fn run_to_end(session: &Session) -> Run {
    let mut run = Registry::standard().start(session).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    assert!(run.engine().is_finished());
    run
}

/// `session` with the first message whose label holds `prefix` dropped at the instant
/// it is sent (found in a run of `session` as it is).
pub fn dropping_first(session: Session, prefix: &str) -> Session {
    let calm = run_to_end(&session);
    let engine = calm.engine();
    let sent = (0..engine.trace_len())
        .map(|i| engine.event(i).unwrap())
        .find(|e| e.tag == EventTag::Send && e.label.contains(prefix))
        .unwrap_or_else(|| panic!("no message `{prefix}…`"));
    session.with_action(
        sent.time,
        Action::Drop(sent.msg.expect("a send has a message")),
    )
}

/// A guarantee a run broke: the property, the first breach's detail, and the trace line
/// of the event that broke it.
#[derive(Clone, Debug)]
pub struct Breach {
    /// The property's id.
    pub property: &'static str,
    /// What the checker said.
    pub detail: String,
    /// The breaking event, as a line of the trace.
    pub line: String,
}

impl Breach {
    /// When the breaking event happened, in ms (from its trace line).
    pub fn ms(&self) -> f64 {
        let time = self.line.trim_start().split("ms").next().unwrap_or("");
        time.parse().expect("a trace line starts with its time")
    }
}

/// Metric `id` (one of `metrics`, the pattern's) between `from_ms` and `to_ms`: a
/// counter's total, a gauge's highest level, a latency's highest p99 (µs).
pub fn metric_between(
    engine: &dyn Engine,
    metrics: &[MetricSpec],
    id: &str,
    from_ms: u64,
    to_ms: u64,
) -> i64 {
    let metric = metrics.iter().position(|m| m.id == id).expect("a metric");
    let series = engine.series(metric, engine.horizon());
    let points = series.points.iter().enumerate().filter(|(i, _)| {
        let start = *i as u64 * series.bucket_us;
        start >= from_ms * 1_000 && start < to_ms * 1_000
    });
    let points = points.map(|(_, p)| p);
    match metrics[metric].kind {
        MetricKind::Counter => points.map(|p| p.sum).sum(),
        MetricKind::Gauge => points.map(|p| p.max).max().unwrap_or(0),
        MetricKind::Latency => points.map(|p| p.p99).max().unwrap_or(0),
    }
}

/// Runs `session` to its end and returns the one guarantee it broke, after asserting
/// that exactly one broke and that it is `property`.
pub fn only_breach(session: &Session, property: &str) -> Breach {
    let mut breaches = guarantee_breaches(&Registry::standard(), session);
    assert_eq!(breaches.len(), 1, "{}: {breaches:?}", session.encode());
    let breach = breaches.remove(0);
    assert_eq!(breach.property, property, "{breach:?}");
    breach
}

/// Runs `session` to its end and returns every guarantee it broke, first breach each.
pub fn guarantee_breaches(registry: &Registry, session: &Session) -> Vec<Breach> {
    let mut run = registry.start(session).expect("the session starts");
    run.engine_mut().run_to_end(2_000_000);
    assert!(run.engine().is_finished(), "{} ends", session.encode());
    let engine = run.engine();
    engine
        .properties()
        .iter()
        .zip(engine.violations())
        .filter(|(p, _)| p.kind == PropertyKind::Guarantee)
        .filter_map(|(p, v)| {
            v.map(|v| Breach {
                property: p.id,
                detail: v.detail,
                line: engine.trace_line(v.event),
            })
        })
        .collect()
}

/// How many seeds a sweep covers; `SWEEP_SEEDS` overrides it.
pub fn sweep_seeds() -> u64 {
    std::env::var("SWEEP_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500)
}

/// Random faults for a run over `nodes`, drawn from `seed`, within the first `window_us`
/// microseconds: episodes of crash and restart (or retire and join), pause and resume, partition (two-way or
/// one-way) and heal, lossy and duplicating links and back, clock steps and drift, and
/// dropped, held or delayed messages.
pub fn random_faults(seed: u64, nodes: &[String], window_us: u64) -> Vec<TimedAction> {
    let mut rng = Rng::seeded(seed ^ 0x5EED_FA17);
    let mut actions = Vec::new();
    let pick = |rng: &mut Rng| nodes[rng.below(nodes.len() as u64) as usize].clone();
    for _ in 0..rng.in_range(1, 6) {
        let at = rng.below(window_us);
        let until = SimTime((at + rng.in_range(window_us / 50, window_us / 3)).min(window_us));
        let at = SimTime(at);
        let mut push = |at, action| actions.push(TimedAction { at, action });
        match rng.below(8) {
            0 => {
                let node = pick(&mut rng);
                if rng.chance(Ratio::new(1, 3)) {
                    // Membership: the node leaves the run and joins it again.
                    push(at, Action::Retire(node.clone()));
                    push(until, Action::Join(node));
                } else {
                    push(at, Action::Crash(node.clone()));
                    push(until, Action::Restart(node));
                }
            }
            1 => {
                let node = pick(&mut rng);
                push(at, Action::Pause(node.clone()));
                push(until, Action::Resume(node));
            }
            2 => {
                let split = rng.in_range(1, nodes.len() as u64 - 1) as usize;
                let mut shuffled = nodes.to_vec();
                for i in (1..shuffled.len()).rev() {
                    shuffled.swap(i, rng.below(i as u64 + 1) as usize);
                }
                push(
                    at,
                    Action::Partition {
                        from: shuffled[..split].to_vec(),
                        to: shuffled[split..].to_vec(),
                        one_way: rng.chance(Ratio::new(1, 2)),
                    },
                );
                push(until, Action::Heal);
            }
            3 => {
                let cfg = LinkConfig {
                    latency_min_us: rng.in_range(100, 2_000),
                    latency_max_us: rng.in_range(2_000, 30_000),
                    loss: Ratio::new(rng.in_range(1, 4) as u32, 10),
                    duplication: Ratio::new(rng.in_range(0, 3) as u32, 10),
                };
                push(at, Action::SetLink { link: None, cfg });
                push(
                    until,
                    Action::SetLink {
                        link: None,
                        cfg: LinkConfig::default(),
                    },
                );
            }
            4 => push(
                at,
                Action::SkewClock {
                    node: pick(&mut rng),
                    delta_us: rng.in_range(0, 100_000) as i64 - 50_000,
                },
            ),
            5 => push(
                at,
                Action::SetDrift {
                    node: pick(&mut rng),
                    ppm: rng.in_range(0, 200_000) as i64 - 100_000,
                },
            ),
            6 => {
                let msg = MsgId(rng.below(30) as u32);
                push(at, Action::Hold(msg));
                push(until, Action::Release(msg));
            }
            _ => {
                let msg = MsgId(rng.below(30) as u32);
                if rng.chance(Ratio::new(1, 2)) {
                    push(at, Action::Drop(msg));
                } else {
                    push(
                        at,
                        Action::Delay {
                            msg,
                            by_us: rng.below(40_000),
                        },
                    );
                }
            }
        }
    }
    actions.sort_by_key(|a| a.at);
    actions
}

/// A session of `scenario` with `seed` and random faults drawn from the same seed, spread
/// over four times the time the run takes without faults (within its horizon).
pub fn faulty_session(registry: &Registry, scenario: &str, seed: u64) -> Session {
    with_faults(registry, Session::new(scenario, seed))
}

/// Like [`faulty_session`], with every parameter drawn from its allowed range (up to a
/// few times its default).
pub fn faulty_session_with_random_params(
    registry: &Registry,
    scenario: &str,
    seed: u64,
) -> Session {
    let spec = registry.scenario(scenario).expect("scenario exists");
    let mut rng = Rng::seeded(seed ^ 0xA5A5_0F0F);
    let mut session = Session::new(scenario, seed);
    for p in spec.params() {
        // Sizes stay within a few times their default, so a sweep stays quick even where
        // a parameter allows huge runs (the benchmarks cover those).
        let top = p.max.min(p.min + 3 * (p.default - p.min) + 10);
        let step = p.step.max(1);
        let value = p.min + rng.below(((top - p.min) / step) as u64 + 1) as i64 * step;
        session = session.with_param(p.name, value);
    }
    with_faults(registry, session)
}

fn with_faults(registry: &Registry, mut session: Session) -> Session {
    let mut calm = registry.start(&session).expect("scenario exists");
    calm.engine_mut().run_to_end(1_000_000);
    // Faults reach a little past the calm run's end, where timeouts and retries live.
    let horizon = calm.engine().horizon().as_micros();
    let length_us = (calm.engine().now().as_micros().max(1_000) * 4).min(horizon);
    let names = calm.engine().names().to_vec();
    session.actions = random_faults(session.seed, &names, length_us);
    session
}

/// When a pattern event (a note) or a message sent whose text contains `text` first
/// happens at or after `from_us` in the explored run: its time in microseconds, its node's
/// name and its text.
pub fn first_event(engine: &dyn Engine, from_us: u64, text: &str) -> Option<(u64, String, String)> {
    (0..engine.trace_len()).find_map(|i| {
        let e = engine.event(i)?;
        let node = e.node?;
        let told = matches!(e.tag, EventTag::Note | EventTag::Send);
        (told && e.time.as_micros() >= from_us && e.label.contains(text)).then(|| {
            (
                e.time.as_micros(),
                engine.names()[node.index()].clone(),
                e.label,
            )
        })
    })
}
