//! Seed sweeps: every scenario over many seeds with random faults; every guarantee holds
//! while the mechanism is on, and switching the mechanism off breaks it.

use playground_core::sim::checker::PropertyKind;
use playground_core::sim::run::{Engine, EventTag};
use playground_core::{Registry, Session};
use playground_tests::{faulty_session, faulty_session_with_random_params, sweep_seeds};

/// Runs `session` to the end and returns the guarantees it broke, with details.
fn broken_guarantees(registry: &Registry, session: &Session) -> Vec<String> {
    let mut run = registry.start(session).expect("session starts");
    run.engine_mut().run_to_end(2_000_000);
    outcome(run.engine()).broken
}

/// What a run shows: the guarantees it broke, and the kinds of action applied to it.
struct Outcome {
    /// Each broken guarantee, with details.
    broken: Vec<String>,
    /// The first word of each action event in the trace (`CRASH`, `LINK`, …).
    actions: Vec<String>,
}

fn outcome(engine: &dyn Engine) -> Outcome {
    let events: Vec<_> = (0..engine.trace_len())
        .map(|i| engine.event(i).unwrap())
        .collect();
    assert!(
        events.windows(2).all(|w| w[0].time <= w[1].time),
        "virtual time went backwards"
    );
    let actions = events
        .iter()
        .filter(|e| e.tag == EventTag::Action)
        .filter_map(|e| e.label.split(' ').next().map(str::to_string))
        .collect();
    let broken = engine
        .properties()
        .iter()
        .zip(engine.violations())
        .filter(|(p, _)| p.kind == PropertyKind::Guarantee)
        .filter_map(|(p, v)| v.map(|v| format!("{}: {} (event {})", p.id, v.detail, v.event)))
        .collect();
    Outcome { broken, actions }
}

#[test]
fn every_guarantee_holds_over_random_seeds_and_faults() {
    let registry = Registry::standard();
    let only = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    let seeds: Vec<u64> = match only {
        Some(seed) => vec![seed],
        None => (0..sweep_seeds()).collect(),
    };
    // What the faults did: the first word of every action event, over the whole sweep.
    let mut applied: Vec<String> = Vec::new();
    for scenario in registry.scenarios() {
        for &seed in &seeds {
            // Even seeds keep the defaults; odd seeds draw every parameter from its range.
            let session = if seed % 2 == 0 {
                faulty_session(&registry, scenario.id(), seed)
            } else {
                faulty_session_with_random_params(&registry, scenario.id(), seed)
            };
            let mut run = registry.start(&session).expect("session starts");
            run.engine_mut().run_to_end(2_000_000);
            let Outcome { broken, actions } = outcome(run.engine());
            assert!(
                broken.is_empty(),
                "{} broke {broken:?}\nsession {}\nreproduce with SEED={seed}",
                scenario.id(),
                session.encode()
            );
            applied.extend(actions);
            applied.sort();
            applied.dedup();
        }
    }
    if only.is_none() {
        assert_eq!(
            applied,
            [
                "CRASH",
                "DELAY",
                "DRIFT",
                "DROP",
                "HEAL",
                "HOLD",
                "LINK",
                "PARTITION",
                "PAUSE",
                "RELEASE",
                "RESTART",
                "RESUME",
                "SKEW"
            ],
            "every kind of fault happened somewhere in the sweep"
        );
    }
}

/// The seed (the page's default) on which the Lamport guarantee breaks once clients stop
/// carrying their clock.
const LAMPORT_SWITCH_SEED: u64 = 1;

#[test]
fn lamport_guarantee_breaks_when_clients_do_not_carry_their_clock() {
    let registry = Registry::standard();
    let on = Session::new("lamport-skew", LAMPORT_SWITCH_SEED);
    assert!(broken_guarantees(&registry, &on).is_empty());
    let off = on.with_switch_off("carry-clock");
    let broken = broken_guarantees(&registry, &off);
    assert!(
        broken.iter().any(|b| b.starts_with("hb-implies-ts")),
        "expected hb-implies-ts to break on seed {LAMPORT_SWITCH_SEED}, got {broken:?}"
    );
}

#[test]
fn lamport_guarantee_breaks_on_most_seeds_without_the_switch() {
    let registry = Registry::standard();
    let broken = (0..50)
        .filter(|&seed| {
            let session = Session::new("lamport-skew", seed)
                .with_param("clients", 3)
                .with_param("servers", 3)
                .with_switch_off("carry-clock");
            !broken_guarantees(&registry, &session).is_empty()
        })
        .count();
    assert!(
        broken >= 10,
        "only {broken} of 50 seeds broke the guarantee"
    );
}

#[test]
fn skewed_wall_clocks_break_the_contrast_check_in_the_default_run() {
    let registry = Registry::standard();
    let mut run = registry.start(&Session::new("lamport-skew", 1)).unwrap();
    run.engine_mut().run_to_end(1_000_000);
    let engine = run.engine();
    let (index, _) = engine
        .properties()
        .iter()
        .enumerate()
        .find(|(_, p)| p.kind == PropertyKind::Contrast)
        .expect("lamport has a contrast property");
    let violation = engine.violations()[index]
        .clone()
        .expect("wall clocks mislead");
    assert!(
        violation.detail.contains("replaying by wall clock"),
        "{}",
        violation.detail
    );
    assert!(engine.trace_line(violation.event).contains("stored"));
}

#[test]
fn generation_pause_breaks_when_followers_do_not_check_the_generation() {
    let registry = Registry::standard();
    let on = Session::new("generation-pause", 1);
    assert!(broken_guarantees(&registry, &on).is_empty());
    let mut run = registry
        .start(&on.with_switch_off("check-generation"))
        .unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let engine = run.engine();
    let violation = engine.violations()[1]
        .clone()
        .expect("no-stale-accept breaks");
    assert_eq!(engine.properties()[1].id, "no-stale-accept");
    assert!(
        violation
            .detail
            .contains("from generation 1 after seeing generation 2"),
        "{}",
        violation.detail
    );
    let line = engine.trace_line(violation.event);
    assert!(
        line.contains("accepts w1."),
        "the old leader's write is accepted: {line}"
    );
}

#[test]
fn generation_scenarios_tell_their_stories() {
    let registry = Registry::standard();
    let text = |id: &str| {
        let mut run = registry.start(&Session::new(id, 1)).unwrap();
        run.engine_mut().run_to_end(2_000_000);
        run.engine().trace_text()
    };
    let pause = text("generation-pause");
    assert!(pause.contains("LEADER of gen 2"));
    let resumed = pause.find("RESUME s1").unwrap();
    assert!(pause[resumed..].contains("s1   steps down: learned gen 2"));
    assert!(pause[resumed..].contains("rejects gen 1 (has seen gen 2)"));
    let crash = text("generation-crash");
    assert!(crash.contains("LEADER of gen 2") && !crash.contains("LEADER of gen 3"));
    let split = text("generation-split-vote");
    assert!(
        split.contains("s2   stands for election in gen 2")
            && split.contains("s3   stands for election in gen 2")
    );
    assert!(!split.contains("LEADER of gen 2") && split.contains("LEADER of gen 3"));
    let partition = text("generation-partition");
    let (during, after) = partition.split_at(partition.find("HEAL").unwrap());
    let cut = during.find("PARTITION").unwrap();
    assert!(
        !during[cut..].contains("acknowledges w1."),
        "the minority leader gets no write acknowledged"
    );
    assert!(during.contains("LEADER of gen 2"));
    assert!(after.contains("s1   steps down: learned gen 2"));
}

#[test]
fn generation_guarantees_break_on_many_faulty_seeds_without_the_switch() {
    let registry = Registry::standard();
    let broken = (0..100)
        .filter(|&seed| {
            let session = faulty_session(&registry, "generation-pause", seed)
                .with_switch_off("check-generation");
            !broken_guarantees(&registry, &session).is_empty()
        })
        .count();
    assert!(broken >= 50, "only {broken} of 100 seeds broke a guarantee");
}

/// The first violation of property `id` in `session`'s run, with its trace line.
fn first_violation(registry: &Registry, session: &Session, id: &str) -> Option<(String, String)> {
    let mut run = registry.start(session).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let engine = run.engine();
    let index = engine
        .properties()
        .iter()
        .position(|p| p.id == id)
        .expect("property exists");
    engine.violations()[index]
        .clone()
        .map(|v| (v.detail, engine.trace_line(v.event)))
}

#[test]
fn hybrid_transactions_get_one_timestamp_only_with_the_final_clock() {
    let registry = Registry::standard();
    let on = Session::new("hybrid-transaction", 1);
    assert!(broken_guarantees(&registry, &on).is_empty());
    let off = on.with_switch_off("final-clock");
    let (detail, line) =
        first_violation(&registry, &off, "one-timestamp-per-transaction").expect("breaks");
    assert!(detail.starts_with("T1 is committed at"), "{detail}");
    assert!(line.contains("committed (T1)"), "{line}");
    assert!(first_violation(&registry, &off, "all-or-none").is_some());
}

#[test]
fn plain_wall_clocks_lose_an_acknowledged_write_and_break_causality() {
    let registry = Registry::standard();
    let on = Session::new("hybrid-lww", 1);
    assert!(broken_guarantees(&registry, &on).is_empty());
    let off = on.clone().with_switch_off("hybrid");
    let (detail, _) =
        first_violation(&registry, &off, "no-lost-update").expect("an update is lost");
    assert!(
        detail.contains("k=2 of T2") && detail.contains("hidden by the earlier k=1 of T1"),
        "{detail}"
    );
    let transaction = Session::new("hybrid-transaction", 1).with_switch_off("hybrid");
    assert!(first_violation(&registry, &transaction, "hb-implies-hlc").is_some());
}

#[test]
fn a_coordinator_crash_leaves_pending_writes_that_reads_never_see() {
    let registry = Registry::standard();
    let session = Session::new("hybrid-coordinator-crash", 1);
    assert!(broken_guarantees(&registry, &session).is_empty());
    let mut run = registry.start(&session).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let steps = run.engine().steps();
    let answer = run.engine().query(steps, "09:00:01").expect("a valid time");
    assert_eq!(answer.len(), 3);
    for (server, text) in &answer {
        assert!(text.contains("waits for pending T2"), "{server}: {text}");
    }
    let before = run.engine().query(steps, "09:00:00.000001").unwrap();
    assert!(before.iter().all(|(_, text)| text.contains("nothing yet")));
}

#[test]
fn reads_as_of_any_time_see_a_transaction_whole_or_not_at_all() {
    let registry = Registry::standard();
    let mut run = registry
        .start(&Session::new("hybrid-transaction", 1))
        .unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let steps = run.engine().steps();
    let mut t = 0i64;
    while t < 200_000 {
        let at = playground_core::patterns::hybrid::Hlc {
            wall: t,
            logical: 0,
        }
        .to_string();
        let answer = run.engine().query(steps, &at).unwrap();
        let t1 = answer.iter().filter(|(_, v)| v.contains("(T1 ")).count();
        assert!(t1 == 0 || t1 == 3, "as of {at}: {answer:?}");
        t += 997;
    }
}

#[test]
fn without_sessions_a_retry_is_applied_twice_and_the_counter_shows_it() {
    let registry = Registry::standard();
    for scenario in [
        "idempotent-lost-response",
        "idempotent-duplicate",
        "idempotent-crash",
    ] {
        let on = Session::new(scenario, 1);
        assert!(broken_guarantees(&registry, &on).is_empty(), "{scenario}");
        let off = on.with_switch_off("keep-sessions");
        let (detail, line) =
            first_violation(&registry, &off, "applied-at-most-once").expect("applied twice");
        assert_eq!(detail, "client 1 r2 was applied 2 times", "{scenario}");
        assert!(
            line.contains("applied r2: counter=3 (client 1)"),
            "{scenario}: {line}"
        );
    }
}

#[test]
fn idempotent_stories_happen_as_told() {
    let registry = Registry::standard();
    let text = |id: &str| {
        let mut run = registry.start(&Session::new(id, 1)).unwrap();
        run.engine_mut().run_to_end(2_000_000);
        run.engine().trace_text()
    };
    let lost = text("idempotent-lost-response");
    assert!(lost.contains("r2: ok counter=2; CUT by partition"));
    assert!(lost.contains("retry r2") && lost.contains("r2 answered from the session (client 1)"));
    let duplicate = text("idempotent-duplicate");
    assert!(duplicate.contains("(duplicate of #4)"));
    assert!(duplicate.contains("r2 answered from the session (client 1)"));
    let crash = text("idempotent-crash");
    let crashed = crash.find("CRASH s1").unwrap();
    assert!(crash[..crashed].contains("applied r2: counter=2 (client 1)"));
    assert!(
        !crash[..crashed].contains("r2: ok counter=2"),
        "no answer went out before the crash"
    );
    assert!(crash[crashed..].contains("r2 answered from the session (client 1)"));
    let expiry = text("idempotent-expiry");
    let expired = expiry.find("session of client 1 expired").unwrap();
    assert!(expiry[expired..].contains("refused r4: session expired (client 1)"));
    assert!(expiry[expired..].contains("registered as client 2"));
    assert!(expiry[expired..].contains("applied r1: counter=4 (client 2)"));
}

#[test]
fn a_lagging_server_adopts_the_higher_hybrid_time_and_its_versions_grow() {
    let registry = Registry::standard();
    let mut run = registry.start(&Session::new("hybrid-lagging", 1)).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let engine = run.engine();
    let steps = engine.steps();
    let s2 = engine.snapshot_after_step(steps).nodes[2].clone();
    let hlc = s2
        .fields
        .iter()
        .find(|(k, _)| *k == "hybrid clock")
        .unwrap()
        .1
        .clone();
    let hlc = playground_core::patterns::hybrid::Hlc::parse(&hlc).unwrap();
    assert!(
        hlc.wall > s2.wall_clock.0,
        "s2's hybrid clock ({hlc}) is ahead of its lagging wall clock ({})",
        s2.wall_clock
    );
    let stamps: Vec<_> = engine
        .trace_text()
        .lines()
        .filter(|l| l.contains(" s2 ") && l.contains("committed ("))
        .map(|l| {
            playground_core::patterns::hybrid::Hlc::parse(l.rsplit(" at ").next().unwrap()).unwrap()
        })
        .collect();
    assert!(
        stamps.len() >= 3 && stamps.windows(2).all(|w| w[0] < w[1]),
        "{stamps:?}"
    );
}

#[test]
fn consistent_core_loses_an_acknowledged_put_only_when_acking_before_a_majority() {
    let registry = Registry::standard();
    let on = Session::new("consistent-leader-crash", 1);
    assert!(broken_guarantees(&registry, &on).is_empty());
    let off = on.with_switch_off("ack-after-majority");
    let (detail, line) = first_violation(&registry, &off, "acked-never-lost").expect("lost");
    assert!(
        detail.starts_with("the put of x acknowledged at #"),
        "{detail}"
    );
    assert!(
        line.contains("applied #") && line.contains("no-op"),
        "{line}"
    );
    assert!(first_violation(&registry, &off, "leader-reads-latest").is_some());
}

#[test]
fn consistent_core_stories_happen_as_told() {
    let registry = Registry::standard();
    let text = |id: &str| {
        let mut run = registry.start(&Session::new(id, 1)).unwrap();
        run.engine_mut().run_to_end(2_000_000);
        run.engine().trace_text()
    };
    let lookup = text("consistent-lookup");
    assert!(lookup.contains("c1   m2 says p1 is owned by d"));
    assert!(lookup.contains("c1   wrote p1=1 on d"));
    assert!(lookup.contains("c1   put x=1 acknowledged"));
    assert!(lookup.contains("c1   x=1 from m3 (may be stale)"));
    let failover = text("consistent-data-failover");
    let crash = failover.find("CRASH d1").unwrap();
    let after = &failover[crash..];
    assert!(
        after.contains("applied #") && after.contains(": expire d1"),
        "d1's lease expires"
    );
    let redirected = after.find("says p1 is owned by d").expect("asked again");
    assert!(
        after[redirected..].contains("c1   wrote p1=2 on d"),
        "the write lands elsewhere"
    );
    let leader = text("consistent-leader-crash");
    assert!(leader.contains("LEADER of term 2") || leader.contains("LEADER of term 3"));
    assert!(
        leader.contains("c1   x=1 from m"),
        "nothing acknowledged was lost"
    );
    let stale = text("consistent-stale-read");
    assert!(stale.contains("c1   x=1 from m3 (may be stale)"));
    assert!(stale.contains("c1   x=2 from m1 (the latest)"));
}
