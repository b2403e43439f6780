//! The foundation for traffic through a topology, end to end through real stories:
//! request paths, group faults, membership, pattern actions and their URL round trip,
//! service time and queues, and metrics against a naive recount from the trace.

use playground_core::sim::action::Action;
use playground_core::sim::node::NodeStatus;
use playground_core::sim::run::{Engine, EventTag};
use playground_core::sim::session::SessionError;
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;
use playground_core::{Registry, Session};

fn explored(session: &Session) -> playground_core::sim::run::Run {
    let mut run = Registry::standard().start(session).expect("session starts");
    run.engine_mut().run_to_end(2_000_000);
    run
}

/// Every event's (time, lane name, text without time and lane).
fn events(engine: &dyn Engine) -> Vec<(SimTime, String, EventTag, String)> {
    (0..engine.trace_len())
        .filter_map(|i| engine.event(i))
        .map(|e| {
            let lane = e
                .node
                .map_or("*".to_string(), |n| engine.names()[n.index()].clone());
            (e.time, lane, e.tag, e.label)
        })
        .collect()
}

/// The number right after `marker` in `text`.
fn number_after(text: &str, marker: &str) -> u64 {
    let rest = &text[text.find(marker).expect("marker") + marker.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().expect("a number")
}

fn metric(id: &str, run: &playground_core::sim::run::Run) -> usize {
    let specs = run.scenario().pattern().metrics;
    specs
        .iter()
        .position(|m| m.id == id)
        .expect("metric exists")
}

#[test]
fn served_and_latency_series_equal_a_naive_recount_from_the_trace() {
    let run = explored(&Session::new("balance-slow-instance", 1).with_param("policy", 0));
    let engine = run.engine();
    let bucket = engine.metric_bucket();
    let until = engine.now();
    let served = engine.series(metric("served", &run), until);
    let latency = engine.series(metric("latency", &run), until);
    let buckets = served.points.len();
    let mut naive_served = vec![0i64; buckets];
    let mut latencies: Vec<Vec<i64>> = vec![Vec::new(); buckets];
    // A request's send time, by (client, request number), from the clients' send events.
    let mut sent = std::collections::BTreeMap::new();
    let mut gave_up = std::collections::BTreeSet::new();
    for (time, lane, tag, label) in events(engine) {
        let b = (time.as_micros() / bucket) as usize;
        if tag == EventTag::Deliver && lane.starts_with('i') && label.contains(" work ") {
            naive_served[b] += 1;
        }
        if tag == EventTag::Send && lane.starts_with('c') && label.contains(" request r") {
            let id = number_after(&label, "request r");
            sent.insert((lane.clone(), id), time);
        }
        if tag == EventTag::Note && label.contains("gave up on r") {
            gave_up.insert((lane.clone(), number_after(&label, "gave up on r")));
        }
        if tag == EventTag::Deliver && lane.starts_with('c') && label.contains(" response r") {
            let id = number_after(&label, "response r");
            if gave_up.contains(&(lane.clone(), id)) {
                continue; // answered after the client gave up: a failure, not a latency
            }
            let start = sent[&(lane.clone(), id)];
            latencies[b].push((time.as_micros() - start.as_micros()) as i64);
        }
    }
    let got_served: Vec<i64> = served.points.iter().map(|p| p.sum).collect();
    assert_eq!(got_served, naive_served);
    assert!(
        naive_served.iter().sum::<i64>() > 500,
        "the run served requests"
    );
    for (point, mut values) in latency.points.iter().zip(latencies) {
        values.sort_unstable();
        let rank = |pct: usize| values[(values.len() * pct).div_ceil(100).max(1) - 1];
        assert_eq!(point.count, values.len() as u64);
        if !values.is_empty() {
            assert_eq!((point.p50, point.p99), (rank(50), rank(99)));
        }
    }
}

#[test]
fn round_robin_lets_the_slow_instance_queue_grow_and_two_choices_does_not() {
    let queue_at_end = |policy: i64| {
        let run = explored(&Session::new("balance-slow-instance", 1).with_param("policy", policy));
        let engine = run.engine();
        let series = engine.series(metric("queue", &run), engine.now());
        let last = series.points.len() - 1;
        (
            series.points[last - 1].max,
            engine.snapshot_at(engine.now()).nodes[3].queued,
        )
    };
    let (round_robin, i1_queued) = queue_at_end(0);
    let (two_choices, _) = queue_at_end(3);
    assert!(round_robin >= 20, "round robin: {round_robin}");
    assert!(i1_queued >= 20, "the longest queue is i1's: {i1_queued}");
    assert!(two_choices <= 8, "two choices: {two_choices}");
}

#[test]
fn a_request_path_runs_client_balancer_instance_and_back() {
    let run = explored(&Session::new("balance-slow-instance", 1));
    let engine = run.engine();
    let names = engine.names();
    let work = (0..engine.trace_len() as u32)
        .map(MsgId)
        .find(|&m| {
            engine
                .message(m)
                .is_some_and(|m| m.label.starts_with("work"))
        })
        .unwrap();
    let path = engine.path(work).unwrap();
    let route: Vec<String> = path
        .hops
        .iter()
        .map(|h| format!("{}>{}", names[h.from.index()], names[h.to.index()]))
        .collect();
    assert_eq!(route.len(), 4, "{route:?}");
    assert!(
        route[0].starts_with('c') && route[0].ends_with(">b1"),
        "{route:?}"
    );
    assert!(route[1].starts_with("b1>i"), "{route:?}");
    assert_eq!(route[3], format!("b1>{}", &route[0][..2]));
    let end = path.end().unwrap();
    assert_eq!(
        path.latency(),
        Some(end.as_micros() - path.start().as_micros())
    );
    assert_eq!(engine.parent(path.hops[1].msg), Some(path.hops[0].msg));
}

#[test]
fn a_forwarded_consistent_core_request_shows_its_path_to_the_data_node() {
    let mut reaches_data_node = Vec::new();
    for story in [
        "consistent-lookup",
        "consistent-data-failover",
        "consistent-stale-read",
    ] {
        reaches_data_node.extend(forwarded_paths(story));
    }
    // In the lookup story, a client that does not know p2's owner asks m3, a follower;
    // m3 forwards the lookup to the leader m1, which answers the client; the client
    // writes to the owner from the answer's handler: one path.
    let expected = ["c1 → m3", "m3 → m1", "m1 → c1", "c1 → d", "→ c1"];
    let whole = reaches_data_node.iter().find(|hops| {
        let mut rest = hops.as_slice();
        expected.iter().all(|want| {
            let found = rest.iter().position(|h| h.contains(want));
            found.inspect(|&i| rest = &rest[i + 1..]).is_some()
        })
    });
    assert!(
        whole.is_some(),
        "client → follower → leader → client → data node: {reaches_data_node:?}"
    );
}

/// Checks every forwarded request's path in `story`; returns the hops (`from → to`) of
/// those that go on to a data node.
fn forwarded_paths(story: &str) -> Vec<Vec<String>> {
    let run = explored(&Session::new(story, 1));
    let engine = run.engine();
    let names = engine.names();
    let forwarded: Vec<_> = (0..engine.trace_len() as u32)
        .map(MsgId)
        .filter_map(|m| engine.message(m))
        .filter(|m| m.label.starts_with("forward"))
        .collect();
    let mut reaches_data_node = Vec::new();
    for message in &forwarded {
        let path = engine.path(message.id).unwrap();
        let hops: Vec<(String, String)> = path
            .hops
            .iter()
            .map(|h| (names[h.from.index()].clone(), names[h.to.index()].clone()))
            .collect();
        // The client asked a follower, which forwarded it to the leader.
        assert!(
            hops[0].0.starts_with('c') && hops[0].1.starts_with('m'),
            "{hops:?}"
        );
        let forward = path.hops.iter().position(|h| h.msg == message.id).unwrap();
        assert_eq!(
            engine.parent(message.id),
            Some(path.hops[0].msg),
            "{hops:?}"
        );
        assert_eq!(hops[forward].0, hops[0].1, "{hops:?}");
        if hops.iter().any(|(_, to)| to.starts_with('d')) {
            reaches_data_node.push(hops.iter().map(|(a, b)| format!("{a} → {b}")).collect());
        }
    }
    reaches_data_node
}

#[test]
fn a_host_crash_takes_its_instances_and_health_checks_eject_them() {
    let run = explored(&Session::new("balance-host-failure", 1));
    let engine = run.engine();
    let topology = engine.topology();
    let h2 = topology
        .groups()
        .iter()
        .position(|g| g.name == "h2")
        .unwrap();
    let members = topology.members(h2, engine.names().len());
    assert_eq!(members.len(), 5);
    let after = engine.snapshot_at(SimTime::from_millis(600));
    for node in &after.nodes {
        let in_h2 = members.contains(&node.id);
        assert_eq!(node.status == NodeStatus::Crashed, in_h2, "{}", node.name);
    }
    let text = engine.trace_text();
    assert!(
        text.contains("500.000ms *    CRASH h2"),
        "the group fault is one event"
    );
    let ejected = text.lines().filter(|l| l.contains("ejected i")).count();
    assert_eq!(ejected, 5, "each dead instance is ejected once");
    assert!(
        engine.violations()[0].is_none(),
        "no request went to a long-dead instance"
    );
}

#[test]
fn without_health_checks_requests_go_to_dead_instances_past_the_bound() {
    let session = Session::new("balance-host-failure", 1).with_switch_off("health-checks");
    let run = explored(&session);
    let engine = run.engine();
    let breach = engine.violations()[0]
        .clone()
        .expect("dead-skipped-in-time breaks");
    let line = engine.trace_line(breach.event);
    assert!(
        line.contains("b1   send") && line.contains("work"),
        "{line}"
    );
    assert!(
        breach.time > SimTime::from_millis(700),
        "past the 204 ms bound: {line}"
    );
}

#[test]
fn instances_that_start_absent_join_get_traffic_and_the_queues_drain() {
    let run = explored(&Session::new("balance-scale-out", 1));
    let engine = run.engine();
    let before = engine.snapshot_at(SimTime::from_millis(600));
    let spares: Vec<_> = before
        .nodes
        .iter()
        .filter(|n| n.status == NodeStatus::Absent)
        .collect();
    assert_eq!(spares.len(), 8);
    let text = engine.trace_text();
    let first_work_to_i9 = text.lines().find(|l| l.contains("to i9 work")).unwrap();
    assert!(
        first_work_to_i9.trim_start().starts_with("7"),
        "{first_work_to_i9}"
    );
    let queue = engine.series(metric("queue", &run), engine.now());
    // The gauge's sum is every instance's queue added up: the backlog.
    let backlog = |ms: u64| queue.points[(ms * 1_000 / queue.bucket_us) as usize].sum;
    let peak_before_join = (600..700).step_by(20).map(backlog).max().unwrap();
    let late = (1_300..1_500).step_by(20).map(backlog).max().unwrap();
    assert!(
        peak_before_join > 50,
        "a backlog builds up: {peak_before_join}"
    );
    assert!(
        late * 5 < peak_before_join,
        "it drains: {late} vs {peak_before_join}"
    );
}

#[test]
fn a_pattern_action_and_membership_changes_land_in_the_url_and_replay() {
    let registry = Registry::standard();
    let mut run = registry
        .start(&Session::new("balance-slow-instance", 3))
        .unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let slow = Action::Command {
        node: "i2".into(),
        verb: "slow".into(),
        arg: 20,
    };
    run.act(SimTime::from_millis(100), slow).unwrap();
    run.act(SimTime::from_millis(200), Action::Retire("i3".into()))
        .unwrap();
    run.act(SimTime::from_millis(300), Action::Join("i3".into()))
        .unwrap();
    run.act(SimTime::from_millis(400), Action::Pause("h1".into()))
        .unwrap();
    let text = run.session().encode();
    for token in [
        "100000.do.i2.slow.20",
        "200000.retire.i3",
        "300000.join.i3",
        "400000.pause.h1",
    ] {
        assert!(text.contains(token), "{token} in {text}");
    }
    let live = run.trace_hash(2_000_000);
    let mut replay = registry.start(&Session::decode(&text).unwrap()).unwrap();
    assert_eq!(replay.trace_hash(2_000_000), live);
    let lines = replay.engine().trace_text();
    assert!(lines.contains("DO i2 slow 20") && lines.contains("service time now ×20"));
    assert!(lines.contains("i3   retired") && lines.contains("PAUSE h1"));
}

#[test]
fn bad_pattern_actions_are_refused_with_what_is_allowed() {
    let registry = Registry::standard();
    let mut run = registry
        .start(&Session::new("balance-slow-instance", 1))
        .unwrap();
    let at = SimTime::from_millis(10);
    let mut act = |node: &str, verb: &str, arg: i64| {
        let action = Action::Command {
            node: node.into(),
            verb: verb.into(),
            arg,
        };
        run.act(at, action).unwrap_err()
    };
    assert!(matches!(
        act("i1", "explode", 1),
        SessionError::UnknownVerb { .. }
    ));
    let big = act("i1", "slow", i64::MAX).to_string();
    assert!(big.contains("between 1 and 50"), "{big}");
    let role = act("c1", "slow", 2).to_string();
    assert!(role.contains("instance"), "{role}");
    let group = act("h1", "slow", 2).to_string();
    assert!(group.contains("group"), "{group}");
    let unknown = Session::decode("v1~balance-slow-instance~seed.1~5.crash.h99").unwrap();
    assert!(matches!(
        registry.start(&unknown).err(),
        Some(SessionError::UnknownNode { .. })
    ));
}

#[test]
fn idempotent_retries_and_answers_from_the_session_are_charted_from_the_trace() {
    let run = explored(&Session::new("idempotent-lost-response", 1));
    let engine = run.engine();
    let count = |id: &str| -> i64 {
        let m = metric(id, &run);
        engine
            .series(m, engine.now())
            .points
            .iter()
            .map(|p| p.sum)
            .sum()
    };
    let text = engine.trace_text();
    let retries = text.lines().filter(|l| l.contains(" retry r")).count();
    assert!(retries > 0, "{text}");
    assert_eq!(count("retries") as usize, retries);
    let from_session = text
        .lines()
        .filter(|l| l.contains("from the session"))
        .count();
    assert_eq!(count("answered-from-session") as usize, from_session);
    assert!(from_session > 0);
    assert_eq!(count("applied-again"), 0);
    let off = Session::new("idempotent-lost-response", 1).with_switch_off("keep-sessions");
    let run = explored(&off);
    let applied_again: i64 = run
        .engine()
        .series(2, run.engine().now())
        .points
        .iter()
        .map(|p| p.sum)
        .sum();
    assert!(
        applied_again > 0,
        "without sessions an operation is applied again"
    );
}

/// A snapshot shows each node's pending timers as the trace has them: right before a
/// timer fires, its node's timers include it, due then; every pending timer was set at or
/// before the instant and fires after it; a crashed node has none (it lost them).
#[test]
fn snapshots_show_pending_timers_as_the_trace_fires_them() {
    let run = explored(&Session::new("generation-crash", 1));
    let engine = run.engine();
    let mut fired = 0;
    for index in 0..engine.trace_len() {
        let Some(event) = engine.event(index).filter(|e| e.tag == EventTag::Timer) else {
            continue;
        };
        let before = engine.snapshot_after_step(event.step.saturating_sub(1));
        let node = &before.nodes[event.node.expect("a timer has a lane").index()];
        assert!(
            node.timers
                .iter()
                .any(|t| t.due_at == event.time && event.label.contains(&t.label)),
            "{} before `{}` at {}: {:?}",
            node.name,
            event.label,
            event.time,
            node.timers
        );
        fired += 1;
    }
    assert!(fired > 10, "the story runs on timers");
    for step in (0..engine.steps()).step_by(5) {
        let snap = engine.snapshot_after_step(step);
        for node in &snap.nodes {
            if node.status == NodeStatus::Crashed {
                assert!(node.timers.is_empty(), "{} lost its timers", node.name);
            }
            for timer in &node.timers {
                assert!(timer.set_at <= snap.time && snap.time <= timer.due_at);
            }
        }
    }
}

/// Captions that tell of something the run does when its random draws say wait for it:
/// over seeds, each is not shown a microsecond before its event and is shown from it; with
/// the mechanism switched off (where a story offers that) it is never shown.
#[test]
fn captions_wait_for_the_events_they_tell_of() {
    // Story, its switch whose mechanism brings the event about, what the event's text
    // contains (a note, or a message sent) and what its caption says.
    let cases = [
        (
            "balance-gray-failure",
            Some("outlier-detection"),
            "ejected i3 for",
            "b1 has had 5 errors in a row from i3",
        ),
        (
            "broker-poison",
            Some("dead-letter"),
            "dead-letter m",
            "broker has delivered the poison message",
        ),
        (
            "mapreduce-straggler",
            Some("backup-tasks"),
            "backup copy of map",
            "no map task left to hand out",
        ),
        ("hybrid-transaction", None, "T1 commit", "commits with"),
        ("scatter-hedged", None, "hedged q", "asks the other replica"),
        (
            "idempotent-lost-response",
            None,
            "retry r",
            "c1 heard nothing and retries",
        ),
        (
            "idempotent-crash",
            None,
            "retry r",
            "c1 heard nothing and retries",
        ),
    ];
    for (story, switch, on, says) in cases {
        for seed in 1..=5 {
            let run = playground_tests::run_to_end(&Session::new(story, seed));
            let caption = |us: u64| run.caption_at(SimTime(us)).map(|c| c.text);
            let (at, _, _) = playground_tests::first_event(run.engine(), 0, on)
                .unwrap_or_else(|| panic!("{story} seed {seed}: no event {on:?}"));
            let before = caption(at - 1).unwrap_or_default();
            assert!(
                !before.contains(says),
                "{story} seed {seed} before {at}: {before}"
            );
            let from = caption(at).unwrap_or_default();
            assert!(from.contains(says), "{story} seed {seed} at {at}: {from}");
        }
        if let Some(switch) = switch {
            let session = Session::new(story, 1).with_switch_off(switch);
            let run = playground_tests::run_to_end(&session);
            let shown = run.captions_until(run.engine().horizon());
            assert!(
                shown.iter().all(|c| !c.text.contains(says)),
                "{story} with {switch} off"
            );
        }
    }
}
