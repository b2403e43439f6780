//! API gateway, story by story: one entry point routes by path, with the auth check and
//! the rate limit as visible steps (switch either off and its guarantee breaks); one
//! gateway is a single point of failure, replicas behind a balancer keep traffic flowing.

use playground_core::patterns::gateway::PATTERN;
use playground_core::sim::run::Engine;
use playground_core::sim::trace::MsgId;
use playground_core::{Registry, Session};
use playground_tests::{guarantee_breaches, metric_between, run_to_end as run};

/// The pattern's metric `id` between `from_ms` and `to_ms` (see
/// [`playground_tests::metric_between`]).
fn between(engine: &dyn Engine, id: &str, from_ms: u64, to_ms: u64) -> i64 {
    metric_between(engine, PATTERN.metrics, id, from_ms, to_ms)
}

/// A latency's median p50 over the run's buckets (µs).
fn median_p50(engine: &dyn Engine) -> i64 {
    let series = engine.series(0, engine.horizon());
    let mut p50: Vec<i64> = series
        .points
        .iter()
        .map(|p| p.p50)
        .filter(|&v| v > 0)
        .collect();
    p50.sort_unstable();
    p50[p50.len() / 2]
}

fn routing() -> Session {
    Session::new("gateway-routing", 1)
}

/// Every request the gateway sent on to a service instance, as (label, instance): the
/// label is "GET /path cN/rK".
fn work_sent(engine: &dyn Engine) -> Vec<(String, String)> {
    let names = engine.names();
    (0..)
        .map_while(|m| engine.message(MsgId(m)))
        .filter(|m| m.label.starts_with("GET ") && names[m.from.index()] == "gw")
        .map(|m| (m.label, names[m.to.index()].clone()))
        .collect()
}

#[test]
fn the_gateway_routes_each_path_to_its_own_service_in_turn() {
    let run = run(&routing());
    let sent = work_sent(run.engine());
    assert!(sent.len() > 250, "{} routed", sent.len());
    for (label, instance) in &sent {
        assert_eq!(label[5..6], instance[..1], "{label} went to {instance}");
    }
    // Both instances of every service get a share.
    for instance in ["o1", "o2", "u1", "u2", "s1", "s2"] {
        let count = sent.iter().filter(|(_, i)| i == instance).count();
        assert!(
            count * 10 > sent.len(),
            "{instance}: {count} of {}",
            sent.len()
        );
    }
}

#[test]
fn a_request_path_shows_the_auth_check_before_the_service() {
    let run = run(&routing());
    let engine = run.engine();
    let names = engine.names();
    let reply = (0..)
        .map_while(|m| engine.message(MsgId(m)))
        .find(|m| m.label.starts_with("200 ") && names[m.to.index()] == "c1")
        .unwrap();
    let path = engine.path(reply.id).unwrap();
    let hops: Vec<String> = path
        .hops
        .iter()
        .map(|h| format!("{}>{}", names[h.from.index()], names[h.to.index()]))
        .collect();
    assert_eq!(hops.len(), 6, "{hops:?}");
    assert_eq!(hops[..3], ["c1>gw", "gw>auth", "auth>gw"], "{hops:?}");
    assert!(
        hops[3].starts_with("gw>") && hops[4].ends_with(">gw"),
        "{hops:?}"
    );
    assert_eq!(hops[5], "gw>c1");
}

#[test]
fn a_bad_token_is_refused_401_and_without_the_check_reaches_a_service() {
    let on = run(&routing());
    let e = on.engine();
    let refused = between(e, "unauthorized", 0, 1_000);
    // c3 asks for 40 a second, for a second: every one of its requests is refused.
    assert!((25..=55).contains(&refused), "{refused} refused 401");
    let replies_401: Vec<_> = (0..)
        .map_while(|m| e.message(MsgId(m)))
        .filter(|m| m.label.starts_with("401 "))
        .collect();
    assert!(replies_401.iter().all(|m| e.names()[m.to.index()] == "c3"));
    assert!(work_sent(e)
        .iter()
        .all(|(label, _)| !label.contains(" c3/")));
    assert!(guarantee_breaches(&Registry::standard(), &routing()).is_empty());
    let off = routing().with_switch_off("auth");
    let breaches = guarantee_breaches(&Registry::standard(), &off);
    assert_eq!(breaches.len(), 1, "{breaches:?}");
    assert_eq!(breaches[0].property, "authenticated-only");
    assert_eq!(
        breaches[0].detail,
        "o2 handled r1 of c3, whose token is invalid"
    );
    assert!(
        breaches[0].line.contains("o2   recv") && breaches[0].line.contains("c3/r1"),
        "{}",
        breaches[0].line
    );
    assert_eq!(between(run(&off).engine(), "unauthorized", 0, 1_000), 0);
}

#[test]
fn the_auth_check_is_an_extra_hop_on_every_request() {
    let with = median_p50(run(&routing()).engine());
    let without = median_p50(run(&routing().with_switch_off("auth")).engine());
    // Two hops inside the data centre (0.2–0.4 ms each) and the check (0.2 ms mean).
    assert!(
        (600..=1_500).contains(&(with - without)),
        "p50 {with} µs with the check, {without} µs without"
    );
}

#[test]
fn a_greedy_client_is_held_to_its_limit_and_without_it_breaks_the_guarantee() {
    let on = run(&routing());
    let e = on.engine();
    // c4 asks for 400 a second; its burst of 50 lasts about 170 ms, then about 300 of
    // its requests a second are refused.
    assert!(between(e, "limited", 0, 100) == 0);
    let limited = between(e, "limited", 200, 1_000);
    assert!((180..=260).contains(&limited), "{limited} refused 429");
    let c4_through = work_sent(e)
        .iter()
        .filter(|(label, _)| label.contains(" c4/"))
        .count();
    assert!(
        (140..=150).contains(&c4_through),
        "c4 got {c4_through} through"
    );
    let off = routing().with_switch_off("rate-limit");
    let breaches = guarantee_breaches(&Registry::standard(), &off);
    assert_eq!(breaches.len(), 1, "{breaches:?}");
    assert_eq!(breaches[0].property, "rate-limited");
    assert!(
        breaches[0]
            .detail
            .starts_with("151 requests of c4 went on to a service within 1 s"),
        "{}",
        breaches[0].detail
    );
    assert!(
        breaches[0].line.contains("gw   send"),
        "{}",
        breaches[0].line
    );
    assert_eq!(between(run(&off).engine(), "limited", 0, 1_000), 0);
}

fn spof(replicas: i64) -> Session {
    Session::new("gateway-spof", 1).with_param("replicas", replicas)
}

#[test]
fn one_gateway_is_a_single_point_of_failure() {
    let run = run(&spof(1));
    let e = run.engine();
    let before = between(e, "served", 0, 300);
    assert!(before > 200, "{before} served before the crash");
    // gw1 is down from 300 ms to 700 ms: from 400 ms nothing is served, all fails.
    assert_eq!(between(e, "served", 400, 700), 0);
    let failed = between(e, "failed", 300, 800);
    assert!(failed > 280, "{failed} failed");
    // Back after the restart.
    assert!(between(e, "served", 800, 1_000) > 120);
    assert!(guarantee_breaches(&Registry::standard(), &spof(1)).is_empty());
}

#[test]
fn with_three_replicas_the_others_carry_the_traffic() {
    let run = run(&spof(3));
    let e = run.engine();
    let served_outage = between(e, "served", 400, 700);
    let served_before = between(e, "served", 0, 300);
    assert!(
        served_outage * 10 >= served_before * 9,
        "{served_outage} served during the outage, {served_before} before"
    );
    // Only the requests gw1 held or got before the balancer ejected it fail.
    let failed = between(e, "failed", 0, 1_000);
    assert!((1..=30).contains(&failed), "{failed} failed");
    let ejected = (0..e.trace_len())
        .map(|i| e.event(i).unwrap())
        .find(|ev| ev.label.starts_with("ejected gw1"))
        .unwrap();
    let ms = ejected.time.as_micros() / 1_000;
    assert!((300..=400).contains(&ms), "ejected at {ms} ms");
    // gw2 and gw3 take gw1's share.
    let taken = PATTERN
        .metrics
        .iter()
        .position(|m| m.id == "taken")
        .unwrap();
    let heat = e.heat(taken, e.horizon());
    let (gw1, gw2) = (e.names().iter().position(|n| n == "gw1").unwrap(), 1);
    let cells = |row: &[i64], from_ms: u64, to_ms: u64| -> i64 {
        let bucket = heat.bucket_us / 1_000;
        row[(from_ms / bucket) as usize..(to_ms / bucket) as usize]
            .iter()
            .sum()
    };
    assert_eq!(cells(&heat.rows[gw1], 400, 700), 0);
    let share_before = cells(&heat.rows[gw1 + gw2], 0, 300);
    let share_during = cells(&heat.rows[gw1 + gw2], 400, 700);
    assert!(
        share_during * 4 >= share_before * 5,
        "gw2 took {share_before} before, {share_during} during"
    );
}
