//! Sharding, story by story.

use playground_core::patterns::sharding::PATTERN;
use playground_core::sim::run::{Engine, Run};
use playground_core::{Registry, Session};
use playground_tests::{guarantee_breaches, metric_between, run_to_end};

fn total(engine: &dyn Engine, id: &str) -> i64 {
    metric_between(engine, PATTERN.metrics, id, 0, 10_000)
}

fn facts(run: &Run) -> Vec<(&'static str, String)> {
    let e = run.engine();
    e.snapshot_at(e.horizon()).facts
}

#[test]
fn explore() {
    for id in [
        "sharding-functions",
        "sharding-hot-range",
        "sharding-hot-key",
        "sharding-monotonic",
        "sharding-reshard",
    ] {
        let s = Session::new(id, 1);
        let run = run_to_end(&s);
        let e = run.engine();
        println!(
            "{id}: events {} dropped {} failed {} served {}",
            e.trace_len(),
            total(e, "dropped"),
            total(e, "failed"),
            total(e, "served")
        );
        println!("  {:?}", facts(&run));
        let snap = e.snapshot_at(e.horizon());
        for t in &snap.tables {
            for r in &t.rows {
                println!("  {:?}", r.cells);
            }
        }
        for (p, v) in e.properties().iter().zip(e.violations()) {
            if let Some(v) = v {
                println!(
                    "  BREACH {}: {} at {}",
                    p.id,
                    v.detail,
                    e.trace_line(v.event)
                );
            }
        }
    }
    for sw in ["catch-up", "write-fence", "redirect"] {
        let b = guarantee_breaches(
            &Registry::standard(),
            &Session::new("sharding-reshard", 1).with_switch_off(sw),
        );
        println!("{sw} off: {b:?}");
    }
    for scheme in 1..=5 {
        let run = run_to_end(&Session::new("sharding-functions", 1).with_param("scheme", scheme));
        println!("scheme {scheme}: {:?}", facts(&run));
    }
}
