//! Point to point against hub and spoke, with the same five systems: directly, the fifth
//! needs a link to each of the four others (n(n − 1)/2 = 10 links) and s1's new format
//! changes an adapter at every system that reads it; through a hub, five links and one
//! adapter changed, at the hub.

use playground_core::patterns::hub::PATTERN;
use playground_core::sim::run::{Engine, Run};
use playground_core::Session;
use playground_tests::{metric_between, run_to_end};

fn metric(engine: &dyn Engine, id: &str, from_ms: u64, to_ms: u64) -> i64 {
    metric_between(engine, PATTERN.metrics, id, from_ms, to_ms)
}

fn fact(run: &Run, label: &str) -> String {
    let e = run.engine();
    let facts = e.snapshot_at(e.horizon()).facts;
    facts.into_iter().find(|(l, _)| *l == label).unwrap().1
}

#[test]
fn point_to_point_needs_n_n_minus_1_over_2_links_and_a_change_at_every_reader() {
    for systems in [4, 5, 8] {
        let session = Session::new("hub-point-to-point", 1).with_param("systems", systems);
        let run = run_to_end(&session);
        let e = run.engine();
        let (before, n) = (systems - 1, systems);
        assert_eq!(
            metric(e, "links", 0, 390),
            before * (before - 1) / 2,
            "{systems}"
        );
        assert_eq!(fact(&run, "links in use"), (n * (n - 1) / 2).to_string());
        assert_eq!(
            fact(&run, "adapters (who reads whose format)"),
            (n * (n - 1)).to_string()
        );
        // Every other system that s1 sends to in the half second left changes its
        // adapter for its new format (at 40 messages a second, most of them).
        let changes = metric(e, "changes", 900, 1_400);
        assert!(
            (n / 2..n).contains(&changes),
            "{systems}: {changes} changes"
        );
        assert!(
            e.violations().iter().all(Option::is_some),
            "both contrasts break"
        );
    }
}

#[test]
fn through_a_hub_n_links_and_one_adapter_changed() {
    for systems in [4, 5, 8] {
        let session = Session::new("hub-and-spoke", 1).with_param("systems", systems);
        let run = run_to_end(&session);
        let e = run.engine();
        assert_eq!(metric(e, "links", 0, 390), systems - 1);
        assert_eq!(fact(&run, "links in use"), systems.to_string());
        // The hub reads every system's format; every system reads the canonical model.
        assert_eq!(
            fact(&run, "adapters (who reads whose format)"),
            (2 * systems).to_string()
        );
        assert_eq!(metric(e, "changes", 900, 1_400), 1);
        assert!(
            e.violations().iter().all(Option::is_none),
            "both contrasts hold"
        );
    }
}
