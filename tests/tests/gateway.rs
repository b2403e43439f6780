//! API gateway, story by story.

use playground_core::patterns::gateway::PATTERN;
use playground_core::sim::metrics::MetricKind;
use playground_core::sim::run::{Engine, Run};
use playground_core::{Registry, Session};
use playground_tests::guarantee_breaches;

/// A story's run to its end.
fn run(session: &Session) -> Run {
    let mut run = Registry::standard().start(session).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    assert!(run.engine().is_finished());
    run
}

/// Between `from_ms` and `to_ms`: a counter's total, a latency's highest p99 (µs), or
/// with `p50` its highest p50.
fn between(engine: &dyn Engine, id: &str, from_ms: u64, to_ms: u64) -> i64 {
    let metric = PATTERN.metrics.iter().position(|m| m.id == id).unwrap();
    let series = engine.series(metric, engine.horizon());
    let points = series.points.iter().enumerate().filter(|(i, _)| {
        let start = *i as u64 * series.bucket_us;
        start >= from_ms * 1_000 && start < to_ms * 1_000
    });
    let points = points.map(|(_, p)| p);
    match PATTERN.metrics[metric].kind {
        MetricKind::Counter => points.map(|p| p.sum).sum(),
        MetricKind::Gauge => points.map(|p| p.max).max().unwrap_or(0),
        MetricKind::Latency => points.map(|p| p.p99).max().unwrap_or(0),
    }
}

#[test]
fn explore() {
    for s in [
        Session::new("gateway-routing", 1),
        Session::new("gateway-routing", 1).with_switch_off("auth"),
        Session::new("gateway-routing", 1).with_switch_off("rate-limit"),
        Session::new("gateway-spof", 1),
        Session::new("gateway-spof", 1).with_param("replicas", 3),
    ] {
        let r = run(&s);
        let e = r.engine();
        eprintln!("{} events {}", s.encode(), e.trace_len());
        for id in ["served", "unauthorized", "limited", "failed", "latency"] {
            let v: Vec<i64> = (0..10)
                .map(|k| between(e, id, k * 100, k * 100 + 100))
                .collect();
            eprintln!("  {id}: {v:?}");
        }
        eprintln!("  {:?}", guarantee_breaches(&Registry::standard(), &s));
    }
}

#[test]
fn sweep_tmp() {
    let registry = Registry::standard();
    for id in ["gateway-routing", "gateway-spof"] {
        for seed in 0..40 {
            let session = if seed % 2 == 0 {
                playground_tests::faulty_session(&registry, id, seed)
            } else {
                playground_tests::faulty_session_with_random_params(&registry, id, seed)
            };
            let b = guarantee_breaches(&registry, &session);
            assert!(b.is_empty(), "{} {b:?}", session.encode());
        }
    }
}
