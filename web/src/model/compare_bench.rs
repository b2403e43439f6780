//! The compare view's benchmark, natively (`compare_tests.rs`) and in wasm
//! (`web/tests/bench.rs`): opening a compare link of two runs of about 100,000 events
//! each, next to opening one of them alone; both runs' fingerprints (with the chunk
//! fingerprints); the first divergence read line by line from the start (as before the
//! chunks) and from the first chunk that differs; the first difference in outcome; and
//! seeking the shared cursor (both runs' snapshots). See BENCHMARKS.md, "Comparing two
//! runs". Compiled only with the `bench` feature.

use playground_core::compare::{
    equal_prefix, first_divergence, first_divergence_from, first_outcome,
};
use playground_core::sim::node::NodeId;
use playground_core::sim::time::SimTime;

use super::compare::CHUNK;
use super::{Command, Playground};
use crate::url::parse_query;

/// The run compared: the Lamport story at about 100,000 events.
const A: &str = "v1~lamport-skew~seed.1~p.clients.6~p.servers.6~p.writes.2400";

/// Seeks the shared cursor to 200 pseudo-random instants of `p` and returns the median
/// and p95 time (ms) of a seek with every run's snapshot.
fn seek_times(p: &mut Playground, now_ms: &dyn Fn() -> f64) -> (f64, f64) {
    let end = p.end().as_micros().max(1);
    let mut seeks = Vec::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..200 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let started = now_ms();
        p.apply(Command::Scrub(SimTime(x % end)));
        let shown = p.snapshot().nodes.len() + p.vs().map_or(0, |b| b.snapshot().nodes.len());
        seeks.push(now_ms() - started);
        assert!(shown > 0);
    }
    seeks.sort_by(f64::total_cmp);
    (seeks[100], seeks[190])
}

/// Runs the benchmark, timing with `now_ms` and writing one `BENCH` line per view to `log`.
pub fn compare_bench(now_ms: &dyn Fn() -> f64, log: &dyn Fn(String)) {
    let open = |search: &str| {
        let started = now_ms();
        let p = Playground::open(parse_query(search), false);
        (p, now_ms() - started)
    };
    let (mut alone, opened) = open(&format!("?s={A}"));
    let started = now_ms();
    alone.apply(Command::Fingerprint);
    let fingerprint = now_ms() - started;
    let (median, p95) = seek_times(&mut alone, now_ms);
    log(format!(
        "BENCH one-run-open-ms {opened:.0} ({} events), fingerprint {fingerprint:.0} ms, \
         seek median {median:.2} ms p95 {p95:.2} ms",
        alone.run().engine().trace_len()
    ));
    // Two changes "compare with…" offers (they part early), and a crash at 90 % of the
    // run (they part late: without the chunks, nearly every line of both is compared).
    let late = format!("{A}~{}.crash.s1", alone.end().as_micros() * 9 / 10);
    let mut changes: Vec<(String, String)> = alone
        .compare_options()
        .into_iter()
        .take(2)
        .map(|(label, b)| (label, b.encode()))
        .collect();
    changes.push(("s1 crashes at 90 %".to_string(), late));
    for (label, b) in changes {
        let (mut p, opened) = open(&format!("?s={A}&vs={b}"));
        let (a, b) = (p.run().engine(), p.vs().unwrap().run().engine());
        let started = now_ms();
        let (_, prints_a) = a.trace_fingerprints(CHUNK);
        let (_, prints_b) = b.trace_fingerprints(CHUNK);
        let prints = now_ms() - started;
        let started = now_ms();
        let scanned = first_divergence(a, b);
        let scan = now_ms() - started;
        let started = now_ms();
        let start = equal_prefix(CHUNK, &prints_a, &prints_b);
        let d = first_divergence_from(a, b, start);
        let chunked = now_ms() - started;
        assert_eq!(d, scanned, "the chunks find the same divergence");
        let index = d.as_ref().map_or(0, |d| d.index);
        let started = now_ms();
        let clients = p.clients();
        let name = |n: NodeId| a.names()[n.index()].clone();
        let _ = first_outcome(a, b, index, &clients, &name);
        let outcome_ms = now_ms() - started;
        let events = (a.trace_len(), b.trace_len());
        let started = now_ms();
        p.apply(Command::Fingerprint);
        let command = now_ms() - started;
        let (median, p95) = seek_times(&mut p, now_ms);
        log(format!(
            "BENCH compare-open-ms {opened:.0} ({label}: {} + {} events), both fingerprints \
             with chunks {prints:.0} ms, divergence (event {index}) scanned {scan:.1} ms, \
             from chunk {start} {chunked:.1} ms, outcome {outcome_ms:.1} ms, \
             Command::Fingerprint {command:.0} ms, seek both median {median:.2} ms p95 \
             {p95:.2} ms",
            events.0, events.1
        ));
    }
}
