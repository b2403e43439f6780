//! The measurements behind `scripts/bench.sh`, shared by the native benchmark and the
//! same benchmark compiled to wasm (each passes its own monotonic clock, in ms).

use playground_core::patterns::workload;
use playground_core::sim::engine::Simulation;
use playground_core::sim::rng::Rng;
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::{Slots, TraceEvent};

/// Nodes in the benchmark workload.
pub const NODES: u32 = 1_000;

/// A workload run explored until it has at least `events` trace events.
pub fn workload_run(events: usize) -> Simulation {
    // About 1.3 million events per virtual second for 1,000 nodes; leave room.
    let seconds = events as u64 / 1_000_000 + 2;
    let mut sim = workload::simulation(NODES, 7, SimTime::from_millis(seconds * 1_000));
    while sim.trace().events.len() < events && sim.step() {}
    sim
}

/// Events per second of exploring the loaded workload (service time, queues, latency
/// measured) to `events` events, with its metrics recorded or not.
pub fn loaded_throughput(events: usize, metrics: bool, now_ms: &dyn Fn() -> f64) -> f64 {
    let seconds = events as u64 / 1_000_000 + 2;
    let horizon = SimTime::from_millis(seconds * 1_000);
    let start = now_ms();
    let mut sim = workload::loaded_simulation(NODES, 7, horizon, metrics);
    while sim.trace().events.len() < events && sim.step() {}
    let seconds = (now_ms() - start) / 1_000.0;
    sim.trace().events.len() as f64 / seconds
}

/// Events per second of exploring a run to `events` events, measured with `now_ms`.
pub fn throughput(events: usize, now_ms: &dyn Fn() -> f64) -> f64 {
    let start = now_ms();
    let sim = workload_run(events);
    let seconds = (now_ms() - start) / 1_000.0;
    sim.trace().events.len() as f64 / seconds
}

/// Milliseconds to rebuild a snapshot at `samples` random steps of `sim`.
pub fn seek_latencies(sim: &Simulation, samples: usize, now_ms: &dyn Fn() -> f64) -> Vec<f64> {
    let steps = sim.frontier().steps() as u64;
    let mut rng = Rng::seeded(11);
    (0..samples)
        .map(|_| {
            let step = rng.below(steps + 1) as usize;
            let start = now_ms();
            let snapshot = sim.snapshot_after_step(step);
            let took = now_ms() - start;
            assert_eq!(snapshot.steps, step);
            took
        })
        .collect()
}

/// Bytes the trace holds per event: the events, the typed log (message records, fired
/// timers, notes), the step index and the message ends, counted by length (`used`) and by
/// allocated capacity (`allocated`).
pub fn trace_bytes_per_event(sim: &Simulation) -> (f64, f64) {
    use std::mem::size_of;
    let t = sim.trace();
    let (log_used, log_allocated) = t.log().bytes();
    let per = |events: usize, log: usize, steps: usize, ends: usize| {
        (events * size_of::<TraceEvent<Slots>>()
            + log
            + steps * size_of::<u32>()
            + ends * size_of::<Option<u32>>()) as f64
            / t.events.len() as f64
    };
    (
        per(t.events.len(), log_used, t.step_ends.len(), t.ends.len()),
        per(
            t.events.capacity(),
            log_allocated,
            t.step_ends.capacity(),
            t.ends.capacity(),
        ),
    )
}

/// The `p`th percentile (0–100) of `values`, by nearest rank.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 95.0), 95.0);
        assert_eq!(percentile(&[3.0], 95.0), 3.0);
    }
}
