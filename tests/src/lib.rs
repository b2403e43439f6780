//! Helpers shared by the cross-crate tests in `tests/tests/`.

use playground_core::sim::action::{Action, TimedAction};
use playground_core::sim::network::LinkConfig;
use playground_core::sim::rng::{Ratio, Rng};
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;
use playground_core::{Registry, Session};

/// How many seeds a sweep covers; `SWEEP_SEEDS` overrides it.
pub fn sweep_seeds() -> u64 {
    std::env::var("SWEEP_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500)
}

/// Random faults for a run over `nodes`, drawn from `seed`: crashes and restarts, pauses
/// and resumes, partitions and heals, lossy and duplicating links, clock steps and drift,
/// dropped and delayed messages, all within the first `window_us` microseconds.
pub fn random_faults(seed: u64, nodes: &[String], window_us: u64) -> Vec<TimedAction> {
    let mut rng = Rng::seeded(seed ^ 0x5EED_FA17);
    let count = rng.in_range(0, 10);
    let pick = |rng: &mut Rng| nodes[rng.below(nodes.len() as u64) as usize].clone();
    let mut actions: Vec<TimedAction> = (0..count)
        .map(|_| {
            let at = SimTime(rng.below(window_us));
            let action = match rng.below(12) {
                0 | 1 => Action::Crash(pick(&mut rng)),
                2 | 3 => Action::Restart(pick(&mut rng)),
                4 => Action::Pause(pick(&mut rng)),
                5 => Action::Resume(pick(&mut rng)),
                6 => {
                    let split = rng.in_range(1, nodes.len() as u64 - 1) as usize;
                    Action::Partition {
                        from: nodes[..split].to_vec(),
                        to: nodes[split..].to_vec(),
                        one_way: rng.chance(Ratio::new(1, 2)),
                    }
                }
                7 => Action::Heal,
                8 => Action::SetLink {
                    link: None,
                    cfg: LinkConfig {
                        loss: Ratio::new(rng.below(4) as u32, 10),
                        duplication: Ratio::new(rng.below(4) as u32, 10),
                        ..LinkConfig::default()
                    },
                },
                9 => Action::SkewClock {
                    node: pick(&mut rng),
                    delta_us: rng.in_range(0, 100_000) as i64 - 50_000,
                },
                10 => Action::Drop(MsgId(rng.below(30) as u32)),
                _ => Action::Delay {
                    msg: MsgId(rng.below(30) as u32),
                    by_us: rng.below(40_000),
                },
            };
            TimedAction { at, action }
        })
        .collect();
    actions.sort_by_key(|a| a.at);
    actions
}

/// A session of `scenario` with `seed` and random faults drawn from the same seed.
pub fn faulty_session(registry: &Registry, scenario: &str, seed: u64) -> Session {
    let mut session = Session::new(scenario, seed);
    let (spec, config) = registry.config(&session).expect("scenario exists");
    let names: Vec<String> = spec.nodes(&config).into_iter().map(|n| n.name).collect();
    session.actions = random_faults(seed, &names, 60_000);
    session
}
