//! Load balancing, story by story: stale load information herds the balancers; outlier
//! detection ejects an instance that fails its requests but passes its health checks.

use playground_core::sim::run::EventTag;
use playground_core::sim::time::SimTime;
use playground_core::{Registry, Session};
use playground_tests::{metric_between, only_breach};

/// The longest queue at any instance, per 100 ms, and which instance had it.
fn longest_queues(policy: i64) -> Vec<(i64, usize)> {
    let session = Session::new("balance-stale-load", 1).with_param("policy", policy);
    let mut run = Registry::standard().start(&session).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let engine = run.engine();
    let queue = run
        .scenario()
        .pattern()
        .metrics
        .iter()
        .position(|m| m.id == "queue")
        .unwrap();
    let heat = engine.heat(queue, SimTime::from_millis(1_500));
    let per_window = (100_000 / heat.bucket_us) as usize;
    (0..heat.rows[0].len() / per_window)
        .map(|w| {
            let cells = w * per_window..(w + 1) * per_window;
            heat.rows
                .iter()
                .enumerate()
                .map(|(node, row)| (row[cells.clone()].iter().copied().max().unwrap_or(0), node))
                .max()
                .unwrap()
        })
        .collect()
}

#[test]
fn least_reported_load_herds_and_two_random_choices_do_not() {
    let herd = longest_queues(4);
    let robust = longest_queues(3);
    let worst = |q: &[(i64, usize)]| q.iter().map(|w| w.0).max().unwrap();
    assert!(
        worst(&herd) >= 3 * worst(&robust).max(1),
        "{herd:?} vs {robust:?}"
    );
    // The hot spot moves: the longest queue is at different instances over the run.
    let mut hot: Vec<usize> = herd.iter().filter(|w| w.0 >= 10).map(|w| w.1).collect();
    hot.sort_unstable();
    hot.dedup();
    assert!(hot.len() >= 3, "the herd moves between instances: {herd:?}");
}

/// The balancer's notes (ms, label) in a run of the gray-failure story.
fn gray(session: &Session) -> (Vec<(u64, String)>, i64, i64) {
    let run = playground_tests::run_to_end(session);
    let e = run.engine();
    let notes = (0..e.trace_len())
        .map(|i| e.event(i).unwrap())
        .filter(|ev| ev.tag == EventTag::Note && e.names()[ev.node.unwrap().index()] == "b1")
        .map(|ev| (ev.time.as_micros() / 1_000, ev.label))
        .collect();
    let metrics = run.scenario().pattern().metrics;
    let failed = metric_between(e, metrics, "failed", 300, 2_000);
    let requests = (0..e.trace_len())
        .filter(|&i| e.trace_line(i).contains("recv") && e.trace_line(i).contains("request r"))
        .count() as i64;
    (notes, failed, requests)
}

#[test]
fn outlier_detection_ejects_an_instance_that_fails_requests_but_passes_health_checks() {
    let on = Session::new("balance-gray-failure", 1);
    let (notes, failed, _) = gray(&on);
    let ejections: Vec<&(u64, String)> = notes
        .iter()
        .filter(|n| n.1.starts_with("ejected i3 for"))
        .collect();
    // 300, 600, 900 ms, i3 back in between.
    assert!(ejections.len() >= 3, "{notes:?}");
    for (k, (_, label)) in ejections.iter().take(3).enumerate() {
        assert_eq!(label, &format!("ejected i3 for {} ms", 300 * (k + 1)));
    }
    assert!(
        notes.iter().any(|n| n.1 == "admitted i3" && n.0 > 300),
        "{notes:?}"
    );
    // Health checks never ejected it.
    assert!(!notes.iter().any(|n| n.1.contains("health checks missed")));
    assert!(playground_tests::guarantee_breaches(&Registry::standard(), &on).is_empty());

    // Without it, i3 fails its share to the end: the guarantee breaks, and under two
    // random choices (failing at once, it never has requests in hand) more than a tenth
    // of the requests fail; with it, a few per ejection.
    let off = on.clone().with_switch_off("outlier-detection");
    let breach = only_breach(&off, "no-routing-to-outlier");
    assert!(breach.detail.contains("to i3"), "{breach:?}");
    let (_, failed_off, requests) = gray(&off);
    assert!(
        failed_off * 10 > requests * 17 / 20,
        "{failed_off} of {requests}"
    );
    assert!(
        failed * 4 < failed_off,
        "{failed} with, {failed_off} without"
    );
}

#[test]
fn the_balancer_says_on_the_stage_when_it_has_ejected_an_instance() {
    let on = Session::new("balance-gray-failure", 1);
    let (notes, _, _) = gray(&on);
    let first = notes
        .iter()
        .find(|n| n.1.starts_with("ejected i3"))
        .expect("an ejection")
        .0;
    let run = playground_tests::run_to_end(&on);
    let headline = |ms: u64| {
        let snap = run.engine().snapshot_at(SimTime::from_millis(ms));
        let b1 = snap.nodes.iter().find(|n| n.name == "b1").expect("b1");
        b1.headline.clone()
    };
    assert!(
        !headline(first - 1).contains("ejected"),
        "{}",
        headline(first - 1)
    );
    assert!(
        headline(first + 1) == "1 ejected",
        "{}",
        headline(first + 1)
    );
    // Without outlier detection nothing is ejected, whatever the seed, and the
    // guarantee breaks in every run.
    for seed in 1..=6 {
        let off = Session::new("balance-gray-failure", seed).with_switch_off("outlier-detection");
        let breach = only_breach(&off, "no-routing-to-outlier");
        assert!(breach.detail.contains("to i3"), "seed {seed}: {breach:?}");
        let run = playground_tests::run_to_end(&off);
        let end = run.engine().snapshot_at(run.engine().horizon());
        assert!(
            end.nodes.iter().all(|n| !n.headline.contains("ejected")),
            "seed {seed}"
        );
    }
}

/// A failing or slowed instance says so in its trouble field (the stage marks it at every
/// size), from the action that makes it so and only then; healthy ones say nothing.
#[test]
fn a_failing_or_slowed_node_is_in_trouble_and_only_then() {
    let troubled = |story: &str, ms: u64| {
        let run = playground_tests::run_to_end(&Session::new(story, 1));
        let snap = run.engine().snapshot_at(SimTime::from_millis(ms));
        snap.nodes
            .iter()
            .filter_map(|n| n.trouble().map(|t| format!("{}: {t}", n.name)))
            .collect::<Vec<_>>()
    };
    // i3 fails every request from 300 ms; i1 is slowed at 300 ms; w2 from the start.
    assert!(troubled("balance-gray-failure", 299).is_empty());
    assert_eq!(
        troubled("balance-gray-failure", 301),
        ["i3: fails every request (500)"]
    );
    assert!(troubled("balance-slow-instance", 299).is_empty());
    assert_eq!(troubled("balance-slow-instance", 301), ["i1: 10× slower"]);
    assert_eq!(troubled("mapreduce-straggler", 10), ["w2: 10× slower"]);
}
