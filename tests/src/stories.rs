//! Benchmarks of the registered stories themselves, at their largest parameters: how
//! exploring time and memory grow with a run's length (see `tests/benches/stories.rs`).

use playground_core::sim::run::Run;
use playground_core::sim::time::SimTime;
use playground_core::{Registry, Session};

/// The session of `scenario` with every parameter at its largest allowed value.
pub fn largest_session(registry: &Registry, scenario: &str) -> Session {
    let story = registry.scenario(scenario).expect("a registered story");
    story
        .params()
        .iter()
        .fold(Session::new(scenario, 1), |session, p| {
            session.with_param(p.name, p.max)
        })
}

/// Explores the story's largest run until it has recorded `events` trace events, or
/// nothing is left to happen. The story's own end is moved far out (to a thousand times
/// its length, at least 10,000 s of virtual time), so that a short story can be measured
/// at lengths it never reaches in the page: its nodes go on with whatever they do
/// forever (heartbeats, leases, retries) and stop when they have nothing left to do.
pub fn explore_story(registry: &Registry, scenario: &str, events: usize) -> Run {
    let mut run = registry
        .start(&largest_session(registry, scenario))
        .expect("the largest session of a story is valid");
    let engine = run.engine_mut();
    let far = engine
        .horizon()
        .as_micros()
        .saturating_mul(1_000)
        .max(10_000_000_000);
    engine.extend_horizon(SimTime(far));
    while engine.trace_len() < events && engine.step() {}
    run
}
