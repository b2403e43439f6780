//! Sidecar, ambassador, adapter, story by story: a job completes only when its managed
//! proxy sidecar stops with it (a plain one keeps it running forever); the same
//! application reads its writes through an ambassador in front of one server, shards or
//! replicas, and not when the ambassador ignores the store's layout; monitoring reads
//! every format through adapters, and not without them; each proxy hop costs latency.

use playground_core::patterns::deploy::sidecar::PATTERN;
use playground_core::sim::action::{Action, TimedAction};
use playground_core::sim::run::Engine;
use playground_core::sim::time::SimTime;
use playground_core::{Registry, Session};
use playground_tests::{guarantee_breaches, metric_between, only_breach, run_to_end};

fn total(engine: &dyn Engine, id: &str) -> i64 {
    metric_between(engine, PATTERN.metrics, id, 0, 1_000)
}

/// Whether the trace has an event on `node`'s lane whose text contains `what`.
fn has(engine: &dyn Engine, node: &str, what: &str) -> bool {
    (0..engine.trace_len()).any(|i| {
        let line = engine.trace_line(i);
        line.split_whitespace().nth(1) == Some(node) && line.contains(what)
    })
}

#[test]
fn a_job_with_a_managed_sidecar_completes_and_with_a_plain_one_never_does() {
    let session = Session::new("sidecar-job", 1);
    assert!(guarantee_breaches(&Registry::standard(), &session).is_empty());
    let run = run_to_end(&session);
    let e = run.engine();
    assert!(has(e, "job", "exited"));
    assert!(has(e, "k1", "stop (SIGTERM)"));
    assert!(has(e, "proxy", "exited"));
    assert!(has(e, "k1", "job complete"));
    for seed in 1..=5 {
        let plain = Session::new("sidecar-job", seed).with_switch_off("managed-sidecar");
        let breach = only_breach(&plain, "job-completes-iff-apps-did");
        assert!(breach.line.contains("job  exited"), "{breach:?}");
        let run = run_to_end(&plain);
        assert!(!has(run.engine(), "k1", "job complete"));
        assert!(!has(run.engine(), "proxy", "exited"));
    }
}

#[test]
fn each_proxy_hop_adds_latency() {
    // The median of the per-bucket medians, in µs.
    let median = |sidecars: i64| {
        let run = run_to_end(&Session::new("sidecar-hop", 1).with_param("sidecars", sidecars));
        let e = run.engine();
        let series = e.series(0, e.horizon());
        let mut p50: Vec<i64> = series
            .points
            .iter()
            .filter(|p| p.count > 0)
            .map(|p| p.p50)
            .collect();
        p50.sort();
        assert_eq!(total(e, "failed"), 0);
        p50[p50.len() / 2]
    };
    let (none, one, two) = (median(0), median(1), median(2));
    // Two passes (request and answer) through each proxy, 0.2–0.9 ms each, plus
    // localhost hops: about 1.3 ms a proxy, 2.6 ms through a mesh's two sidecars.
    assert!((800..2_000).contains(&(one - none)), "{none} → {one}");
    assert!((1_800..3_800).contains(&(two - none)), "{none} → {two}");
}

/// The milliseconds a fact of the hop story starts with ("+2.45 ms for …": 2.45).
fn ms(fact: &str) -> f64 {
    let number = fact.trim_start_matches('+').split(' ').next().unwrap();
    number.parse().unwrap()
}

#[test]
fn the_facts_give_the_p90_with_and_without_the_sidecars_measured_in_the_same_run() {
    let facts = |sidecars: i64| {
        let run = run_to_end(&Session::new("sidecar-hop", 1).with_param("sidecars", sidecars));
        let e = run.engine();
        let snapshot = e.snapshot_at(e.horizon());
        let get = |label: &str| {
            let found = snapshot.facts.iter().find(|(l, _)| l.starts_with(label));
            found.expect("the fact").1.clone()
        };
        let direct = get("p90 latency, c2");
        let added = get("added at p90");
        assert!(direct.contains("answered"), "{direct}");
        (ms(&get("p90 latency, c1")), ms(&direct), added)
    };
    // Through a mesh's two sidecars: four passes, 0.2–0.9 ms each, and the localhost
    // hops: about +2 to +4 ms at p90 (Istio published about +2.65 ms).
    let (via, direct, added) = facts(2);
    assert!(
        (1.8..4.0).contains(&(via - direct)),
        "{via} against {direct}"
    );
    assert!(added.ends_with("for 4 passes through a proxy"), "{added}");
    assert!((ms(&added) - (via - direct)).abs() < 0.01, "{added}");
    let (via, direct, _) = facts(1);
    assert!(
        (0.6..2.2).contains(&(via - direct)),
        "{via} against {direct}"
    );
    // Without a sidecar both call directly: about the same.
    let (via, direct, added) = facts(0);
    assert!((via - direct).abs() < 0.5, "{via} against {direct}");
    assert!(added.ends_with("for 0 passes through a proxy"), "{added}");
}

#[test]
fn the_same_application_reads_its_writes_whatever_the_store() {
    for store in 0..=2 {
        for seed in 1..=3 {
            let session = Session::new("sidecar-ambassador", seed).with_param("store", store);
            assert!(guarantee_breaches(&Registry::standard(), &session).is_empty());
            let run = run_to_end(&session);
            assert_eq!(total(run.engine(), "failed"), 0, "store {store}");
            // Writes reach the right servers: one, each key's shard, all replicas.
            let e = run.engine();
            let used = ["s1", "s2", "s3"]
                .iter()
                .filter(|s| has(e, s, "put ok"))
                .count();
            assert_eq!(used, if store == 0 { 1 } else { 3 }, "store {store}");
        }
    }
}

#[test]
fn an_ambassador_that_ignores_the_stores_layout_breaks_reads() {
    for store in 1..=2 {
        for seed in 1..=5 {
            let session = Session::new("sidecar-ambassador", seed)
                .with_param("store", store)
                .with_switch_off("store-protocol");
            let breach = only_breach(&session, "reads-latest-write");
            assert!(breach.line.contains("app  recv"), "{breach:?}");
        }
    }
    // One server has no layout to ignore.
    let single = Session::new("sidecar-ambassador", 1)
        .with_param("store", 0)
        .with_switch_off("store-protocol");
    assert!(guarantee_breaches(&Registry::standard(), &single).is_empty());
}

#[test]
fn monitoring_reads_every_format_only_through_adapters() {
    let run = run_to_end(&Session::new("sidecar-adapter", 1));
    let e = run.engine();
    assert_eq!(total(e, "failed"), 0);
    // Six rounds of three scrapes in 120 ms.
    assert_eq!(total(e, "read"), 18);
    let without = Session::new("sidecar-adapter", 1).with_switch_off("adapters");
    let breach = only_breach(&without, "metrics-readable");
    assert!(
        breach.detail.contains("app2's metrics as JSON"),
        "{breach:?}"
    );
    let run = run_to_end(&without);
    let e = run.engine();
    assert_eq!((total(e, "read"), total(e, "failed")), (6, 12));
    assert!(has(e, "monitor", "cannot read log lines"));
}

/// Every node and group of the family's stories can be named in a shared link: a crash
/// of each survives encoding and decoding (a name with a dash would not).
#[test]
fn every_node_and_group_of_the_family_can_be_named_in_a_link() {
    let registry = Registry::standard();
    for story in registry.scenarios() {
        if story.pattern().family != "Deployment" {
            continue;
        }
        let run = run_to_end(&Session::new(story.id(), 1));
        let mut session = Session::new(story.id(), 1);
        session.actions = run
            .engine()
            .ref_names()
            .iter()
            .map(|name| TimedAction {
                at: SimTime::from_millis(1),
                action: Action::Crash(name.clone()),
            })
            .collect();
        let decoded = Session::decode(&session.encode());
        assert_eq!(decoded, Ok(session), "{}", story.id());
    }
}
