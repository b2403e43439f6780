//! The story benchmark: every registered story at its largest parameters, explored to
//! 10^5 and 10^6 events (or to its end), each in a process of its own so that its peak
//! memory is its own. Prints one `BENCH` line per story and length:
//! `BENCH story <id> <events> <ms> <events/s> <bytes/event> <checkpoints> <seek p95 ms>
//! <fingerprint ms> <fingerprint>`,
//! where bytes per event is the process's peak resident memory, less what it held before
//! exploring, divided by the events, and the seek is a snapshot (with the pattern's facts
//! and every node's view) at 100 random steps of the explored run.
//!
//! Run by `scripts/bench.sh`, or alone: `cargo bench -p playground-tests --bench stories`.
//! `BENCH_STORIES=lamport-skew,hybrid-lww` limits it to some stories, `BENCH_EVENTS`
//! (comma-separated) sets the lengths.

use std::process::Command;
use std::time::Instant;

use playground_core::sim::rng::Rng;
use playground_core::Registry;
use playground_tests::bench::percentile;
use playground_tests::stories::explore_story;

fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0)
}

/// One measurement, in this process: explore `id` to `events` and print the figures.
fn measure(id: &str, events: usize) {
    let registry = Registry::standard();
    let before = peak_kb();
    let start = Instant::now();
    let run = explore_story(&registry, id, events);
    let ms = start.elapsed().as_secs_f64() * 1_000.0;
    let recorded = run.engine().trace_len();
    let grown = peak_kb().saturating_sub(before) as f64 * 1024.0;
    let engine = run.engine();
    let start = Instant::now();
    let fingerprint = engine.trace_fingerprint();
    let fingerprint_ms = start.elapsed().as_secs_f64() * 1_000.0;
    let steps = engine.steps() as u64;
    let mut rng = Rng::seeded(11);
    let seeks: Vec<f64> = (0..100)
        .map(|_| {
            let step = rng.below(steps + 1) as usize;
            let start = Instant::now();
            let snapshot = engine.snapshot_after_step(step);
            assert_eq!(snapshot.steps, step);
            start.elapsed().as_secs_f64() * 1_000.0
        })
        .collect();
    println!(
        "BENCH story {id} {recorded} {ms:.1} {:.0} {:.1} {} {:.3} {fingerprint_ms:.1} {fingerprint:016x}",
        recorded as f64 / (ms / 1_000.0),
        grown / recorded.max(1) as f64,
        engine.checkpoints(),
        percentile(&seeks, 95.0),
    );
}

fn main() {
    if let (Ok(id), Ok(events)) = (
        std::env::var("BENCH_STORY"),
        std::env::var("BENCH_STORY_EVENTS"),
    ) {
        measure(&id, events.parse().expect("BENCH_STORY_EVENTS is a number"));
        return;
    }
    let lengths: Vec<usize> = std::env::var("BENCH_EVENTS")
        .unwrap_or_else(|_| "100000,1000000".into())
        .split(',')
        .map(|n| n.trim().parse().expect("BENCH_EVENTS lists numbers"))
        .collect();
    let only = std::env::var("BENCH_STORIES").ok();
    let me = std::env::current_exe().expect("the benchmark's own path");
    for story in Registry::standard().scenarios() {
        let id = story.id();
        if only
            .as_ref()
            .is_some_and(|o| !o.split(',').any(|s| s == id))
        {
            continue;
        }
        for &events in &lengths {
            // Three runs, each in a fresh process; the one with the median time is printed.
            let mut runs: Vec<(f64, String)> = (0..3)
                .map(|_| {
                    let out = Command::new(&me)
                        .env("BENCH_STORY", id)
                        .env("BENCH_STORY_EVENTS", events.to_string())
                        .output()
                        .expect("the benchmark runs itself for one story");
                    let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
                    let ms = line
                        .split_whitespace()
                        .nth(4)
                        .and_then(|ms| ms.parse().ok())
                        .unwrap_or(f64::NAN);
                    (ms, line)
                })
                .collect();
            runs.sort_by(|a, b| a.0.total_cmp(&b.0));
            println!("{}", runs[1].1);
        }
    }
}
