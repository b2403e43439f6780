//! Seed sweeps: every scenario over many seeds with random faults; every guarantee holds
//! while the mechanism is on, and switching the mechanism off breaks it.

use playground_core::sim::checker::PropertyKind;
use playground_core::{Registry, Session};
use playground_tests::{faulty_session, faulty_session_with_random_params, sweep_seeds};

/// Runs `session` to the end and returns the guarantees it broke, with details.
fn broken_guarantees(registry: &Registry, session: &Session) -> Vec<String> {
    let mut run = registry.start(session).expect("session starts");
    run.engine_mut().run_to_end(2_000_000);
    let engine = run.engine();
    engine
        .properties()
        .iter()
        .zip(engine.violations())
        .filter(|(p, _)| p.kind == PropertyKind::Guarantee)
        .filter_map(|(p, v)| v.map(|v| format!("{}: {} (event {})", p.id, v.detail, v.event)))
        .collect()
}

#[test]
fn every_guarantee_holds_over_random_seeds_and_faults() {
    let registry = Registry::standard();
    let only = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    let seeds: Vec<u64> = match only {
        Some(seed) => vec![seed],
        None => (0..sweep_seeds()).collect(),
    };
    let mut runs_with_faults = 0;
    for scenario in registry.scenarios() {
        for &seed in &seeds {
            // Even seeds keep the defaults; odd seeds draw every parameter from its range.
            let session = if seed % 2 == 0 {
                faulty_session(&registry, scenario.id(), seed)
            } else {
                faulty_session_with_random_params(&registry, scenario.id(), seed)
            };
            runs_with_faults += usize::from(!session.actions.is_empty());
            let broken = broken_guarantees(&registry, &session);
            assert!(
                broken.is_empty(),
                "{} broke {broken:?}\nsession {}\nreproduce with SEED={seed}",
                scenario.id(),
                session.encode()
            );
        }
    }
    assert_eq!(runs_with_faults, seeds.len() * registry.scenarios().len());
}

/// The seed (the page's default) on which the Lamport guarantee breaks once clients stop
/// carrying their clock.
const LAMPORT_SWITCH_SEED: u64 = 1;

#[test]
fn lamport_guarantee_breaks_when_clients_do_not_carry_their_clock() {
    let registry = Registry::standard();
    let on = Session::new("lamport-skew", LAMPORT_SWITCH_SEED);
    assert!(broken_guarantees(&registry, &on).is_empty());
    let off = on.with_switch_off("carry-clock");
    let broken = broken_guarantees(&registry, &off);
    assert!(
        broken.iter().any(|b| b.starts_with("hb-implies-ts")),
        "expected hb-implies-ts to break on seed {LAMPORT_SWITCH_SEED}, got {broken:?}"
    );
}

#[test]
fn lamport_guarantee_breaks_on_most_seeds_without_the_switch() {
    let registry = Registry::standard();
    let broken = (0..50)
        .filter(|&seed| {
            let session = Session::new("lamport-skew", seed)
                .with_param("clients", 3)
                .with_param("servers", 3)
                .with_switch_off("carry-clock");
            !broken_guarantees(&registry, &session).is_empty()
        })
        .count();
    assert!(
        broken >= 10,
        "only {broken} of 50 seeds broke the guarantee"
    );
}

#[test]
fn skewed_wall_clocks_break_the_contrast_check_in_the_default_run() {
    let registry = Registry::standard();
    let mut run = registry.start(&Session::new("lamport-skew", 1)).unwrap();
    run.engine_mut().run_to_end(1_000_000);
    let engine = run.engine();
    let (index, _) = engine
        .properties()
        .iter()
        .enumerate()
        .find(|(_, p)| p.kind == PropertyKind::Contrast)
        .expect("lamport has a contrast property");
    let violation = engine.violations()[index]
        .clone()
        .expect("wall clocks mislead");
    assert!(
        violation.detail.contains("replaying by wall clock"),
        "{}",
        violation.detail
    );
    assert!(engine.trace_line(violation.event).contains("stored"));
}
