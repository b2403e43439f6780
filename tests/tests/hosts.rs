//! Hosts, VMs, containers: the same application deployed three ways starts in 20, 50
//! or 145 ms; a noisy neighbour slows its co-tenants as processes and not as containers
//! or VMs, unless their CPU limits are off; a host failure takes its tenants whichever way
//! they run.

use playground_core::patterns::deploy::hosts::PATTERN;
use playground_core::sim::run::Engine;
use playground_core::Registry;
use playground_core::Session;
use playground_tests::{guarantee_breaches, metric_between, only_breach, run_to_end};

fn metric(engine: &dyn Engine, id: &str, from_ms: u64, to_ms: u64) -> i64 {
    metric_between(engine, PATTERN.metrics, id, from_ms, to_ms)
}

/// The first instant a tenant had started (its note), in ms.
fn first_start_ms(engine: &dyn Engine) -> u64 {
    let started = (0..engine.trace_len())
        .map(|i| engine.event(i).unwrap())
        .find(|e| e.label.starts_with("started"))
        .expect("a tenant starts");
    started.time.as_micros() / 1_000
}

#[test]
fn processes_start_first_then_containers_then_vms() {
    let starts: Vec<u64> = (0..=2)
        .map(|way| {
            let run = run_to_end(&Session::new("hosts-three-ways", 1).with_param("way", way));
            let e = run.engine();
            // Until then, every request fails; afterwards none does until the host dies.
            let start = first_start_ms(e);
            assert!(metric(e, "failed", 0, start) > 0);
            assert_eq!(metric(e, "failed", start + 5, 450), 0, "way {way}");
            start
        })
        .collect();
    assert_eq!(starts, [20, 50, 145]);
}

#[test]
fn a_noisy_neighbour_slows_processes_and_not_containers_or_vms() {
    let p99 = |way: i64| {
        let run = run_to_end(&Session::new("hosts-three-ways", 1).with_param("way", way));
        let e = run.engine();
        let before = metric(e, "latency", 150, 200);
        let during = metric(e, "latency", 200, 350);
        let violated = e.violations()[0].is_some();
        (before, during, violated)
    };
    let (before, during, violated) = p99(0);
    assert!(during > 3 * before, "processes: p99 {before} → {during} µs");
    assert!(violated);
    for way in [1, 2] {
        let (before, during, violated) = p99(way);
        assert!(
            during < before * 3 / 2,
            "way {way}: p99 {before} → {during} µs"
        );
        assert!(!violated, "way {way}");
    }
}

#[test]
fn a_host_failure_takes_its_tenants_whichever_way_they_run() {
    for way in 0..=2 {
        let run = run_to_end(&Session::new("hosts-three-ways", 1).with_param("way", way));
        let e = run.engine();
        // h2's three copies take three fifths of the requests; those time out after 100 ms.
        let failed = metric(e, "failed", 500, 600);
        assert!(failed >= 15, "way {way}: {failed}");
        let snapshot = e.snapshot_at(e.horizon());
        let down = snapshot
            .nodes
            .iter()
            .filter(|n| n.status.word() == "crashed")
            .count();
        assert_eq!(down, 4, "way {way}: os2, t4, t5, t6");
    }
}

#[test]
fn without_cpu_limits_containers_and_vms_slow_down_like_processes_and_break_isolation() {
    for way in [1, 2] {
        let session = Session::new("hosts-three-ways", 1).with_param("way", way);
        assert!(guarantee_breaches(&Registry::standard(), &session).is_empty());
        let off = session.with_switch_off("cpu-limits");
        let breach = only_breach(&off, "isolated-from-neighbours");
        // After the batch job starts its threads at 200 ms, before it stops at 350 ms
        // (plus the answer's 50 ms).
        let at = breach.ms() as u64;
        assert!(
            (250..=420).contains(&at),
            "way {way}: at {at} ms: {breach:?}"
        );
        let run = run_to_end(&off);
        let e = run.engine();
        let (before, during) = (
            metric(e, "latency", 150, 200),
            metric(e, "latency", 200, 350),
        );
        assert!(during > 3 * before, "way {way}: p99 {before} → {during} µs");
    }
    // As processes the guarantee promises nothing: only the contrast breaks.
    let processes = Session::new("hosts-three-ways", 1).with_param("way", 0);
    assert!(guarantee_breaches(&Registry::standard(), &processes).is_empty());
}
