//! Seed sweeps: every scenario over many seeds with random faults; every guarantee holds
//! while the mechanism is on, and switching the mechanism off breaks it.

use playground_core::sim::action::{Action, TimedAction};
use playground_core::sim::checker::PropertyKind;
use playground_core::sim::run::{Engine, EventTag};
use playground_core::sim::time::SimTime;
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

/// How many events a default sweep seed's run may take: a story whose calm run is longer
/// than this is swept over proportionally fewer seeds (at least 25).
const SWEEP_EVENTS_PER_SEED: usize = 3_500;

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
        // A story with a long run gets fewer seeds, so each costs about the same.
        let calm_events = {
            let mut calm = registry.start(&Session::new(scenario.id(), 0)).unwrap();
            calm.engine_mut().run_to_end(2_000_000);
            calm.engine().trace_len().max(1)
        };
        let share = (seeds.len() * SWEEP_EVENTS_PER_SEED / calm_events)
            .max(25)
            .min(seeds.len());
        for &seed in &seeds[..share] {
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
                "DO",
                "DRIFT",
                "DROP",
                "HEAL",
                "HOLD",
                "JOIN",
                "LINK",
                "PARTITION",
                "PAUSE",
                "RELEASE",
                "RESTART",
                "RESUME",
                "RETIRE",
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

/// For every idempotent story and every switch it offers: the consequence property that
/// breaks at seed 1 with the switch off, its detail, and the trace line that broke it.
const IDEMPOTENT_SWITCH_HARM: &[(&str, &str, &str, &str)] = &[
    (
        "idempotent-lost-response",
        "keep-sessions",
        "c1's op 2 was applied 2 times (as client 1 r2, then client 1 r2)",
        "applied r2: counter=3 (client 1)",
    ),
    (
        "idempotent-duplicate",
        "keep-sessions",
        "c1's op 2 was applied 2 times (as client 1 r2, then client 1 r2)",
        "applied r2: counter=3 (client 1)",
    ),
    (
        "idempotent-crash",
        "keep-sessions",
        "c1's op 2 was applied 2 times (as client 1 r2, then client 1 r2)",
        "applied r2: counter=3 (client 1)",
    ),
    (
        "idempotent-expiry",
        "keep-sessions",
        "c1's op 3 was applied 2 times (as client 1 r3, then client 1 r3)",
        "applied r3: counter=4 (client 1)",
    ),
    (
        "idempotent-expiry",
        "report-unknown-outcome",
        "c1's op 3 was applied 2 times (as client 1 r3, then client 2 r1)",
        "applied r1: counter=4 (client 2)",
    ),
];

#[test]
fn every_idempotent_switch_a_story_offers_breaks_a_consequence_at_seed_1() {
    let registry = Registry::standard();
    let stories: Vec<_> = registry
        .scenarios()
        .iter()
        .filter(|s| s.pattern().id == "idempotent")
        .collect();
    assert_eq!(stories.len(), 4);
    for story in stories {
        let offered: Vec<&str> = story.offered_switches().iter().map(|s| s.name).collect();
        let pinned: Vec<&str> = IDEMPOTENT_SWITCH_HARM
            .iter()
            .filter(|(id, ..)| *id == story.id())
            .map(|(_, switch, ..)| *switch)
            .collect();
        assert_eq!(offered, pinned, "{}", story.id());
        let on = Session::new(story.id(), 1);
        assert!(
            broken_guarantees(&registry, &on).is_empty(),
            "{}",
            story.id()
        );
    }
    for (story, switch, detail, line) in IDEMPOTENT_SWITCH_HARM {
        let off = Session::new(story, 1).with_switch_off(switch);
        let (got, at) = first_violation(&registry, &off, "applied-at-most-once")
            .unwrap_or_else(|| panic!("{story} without {switch} applies nothing twice"));
        assert_eq!(&got, detail, "{story} without {switch}");
        assert!(at.contains(line), "{story} without {switch}: {at}");
        let (_, counted_at) =
            first_violation(&registry, &off, "counter-counts-each-operation-once")
                .expect("the counter counts it twice");
        assert_eq!(counted_at, at, "{story} without {switch}");
    }
}

#[test]
fn without_sessions_answers_disagree_and_an_answered_operation_is_applied_twice() {
    let registry = Registry::standard();
    let lost = Session::new("idempotent-lost-response", 1).with_switch_off("keep-sessions");
    let (detail, line) = first_violation(&registry, &lost, "retry-same-response").unwrap();
    assert_eq!(
        detail,
        "c1's op 2 was first answered “ok counter=2”, now “ok counter=3”"
    );
    assert!(
        line.contains("send #") && line.contains("r2: ok counter=3"),
        "{line}"
    );
    let duplicate = Session::new("idempotent-duplicate", 1).with_switch_off("keep-sessions");
    let (detail, line) =
        first_violation(&registry, &duplicate, "answered-means-applied-once").unwrap();
    assert_eq!(
        detail,
        "c1's op 2 reached its client as applied, but was applied 2 times"
    );
    assert!(
        line.contains("c1   recv #") && line.contains("r2: ok counter="),
        "{line}"
    );
}

#[test]
fn an_expired_session_costs_certainty_and_nothing_is_applied_twice() {
    let registry = Registry::standard();
    let mut run = registry
        .start(&Session::new("idempotent-expiry", 1))
        .unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let engine = run.engine();
    let text = engine.trace_text();
    let (before, after) = text.split_at(text.find("session of client 1 expired").unwrap());
    assert!(before.contains("applied r3: counter=3 (client 1)"));
    assert!(before.contains("r3: ok counter=3; CUT by partition"));
    let refused = after
        .find("refused r3: session expired (client 1)")
        .unwrap();
    let unknown = after.find("c1   op 3: outcome unknown").unwrap();
    assert!(refused < unknown);
    assert!(
        !after[refused..].contains("(op 3;"),
        "op 3 is not resent after the refusal"
    );
    // The second expiry refuses op 4's first attempt: nothing was applied, but to c1 it
    // looks the same, and it reports op 4 unknown too, without resending it.
    let op4 = after
        .find("refused r1: session expired (client 2)")
        .unwrap();
    assert!(after[op4..].contains("c1   op 4: outcome unknown"));
    let sends_of_op4 = after
        .lines()
        .filter(|l| l.contains("c1   send") && l.contains("(op 4;"))
        .count();
    assert_eq!(sends_of_op4, 1, "op 4 is sent once");
    let facts = engine.snapshot_after_step(engine.steps()).facts;
    let fact = |label: &str| facts.iter().find(|(l, _)| *l == label).unwrap().1.clone();
    assert_eq!(
        fact("Outcome unknown to the client"),
        "c1's op 3 (applied 1×), c1's op 4 (applied 0×)"
    );
    assert_eq!(fact("Applied more than once"), "none");
    assert_eq!(fact("Counter"), "3");
}

#[test]
fn the_expiry_story_happens_for_every_allowed_time_to_live() {
    let registry = Registry::standard();
    for ttl in [50, 100, 160] {
        for clients in [1, 3] {
            let session = Session::new("idempotent-expiry", 1)
                .with_param("ttl-ms", ttl)
                .with_param("clients", clients);
            let mut run = registry.start(&session).unwrap();
            run.engine_mut().run_to_end(2_000_000);
            let engine = run.engine();
            let facts = engine.snapshot_after_step(engine.steps()).facts;
            let unknown = &facts
                .iter()
                .find(|(l, _)| *l == "Outcome unknown to the client")
                .unwrap()
                .1;
            for client in (1..=clients).map(|i| format!("c{i}")) {
                assert!(
                    unknown.contains(&format!("{client}'s op 3 (applied 1×)"))
                        && unknown.contains(&format!("{client}'s op 4 (applied 0×)")),
                    "ttl {ttl} ms, {clients} clients: {unknown}"
                );
            }
        }
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
}

/// c1 crashes after its first request was applied and before the answer arrives.
fn crashed_client(session: Session) -> Session {
    let at = |ms, action| TimedAction {
        at: SimTime::from_millis(ms),
        action,
    };
    Session {
        actions: vec![
            at(14, Action::Crash("c1".to_string())),
            at(18, Action::Restart("c1".to_string())),
        ],
        ..session
    }
}

#[test]
fn a_client_crash_reports_unknown_unless_the_client_resends_blindly() {
    let registry = Registry::standard();
    let honest = crashed_client(Session::new("idempotent-expiry", 1));
    assert!(broken_guarantees(&registry, &honest).is_empty());
    let mut run = registry.start(&honest).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let text = run.engine().trace_text();
    let restart = text.find("RESTART c1").unwrap();
    assert!(text[..restart].contains("applied r1: counter=1 (client 1)"));
    assert!(text[restart..].contains("c1   op 1: outcome unknown"));
    let blind = honest.with_switch_off("report-unknown-outcome");
    let (detail, line) = first_violation(&registry, &blind, "applied-at-most-once").unwrap();
    assert_eq!(
        detail,
        "c1's op 1 was applied 2 times (as client 1 r1, then client 2 r1)"
    );
    assert!(line.contains("applied r1: counter=2 (client 2)"), "{line}");
}

/// The client ids named in a detail such as "… (as client 1 r3, then client 2 r1)".
fn client_ids(detail: &str) -> Vec<&str> {
    detail
        .split("client ")
        .skip(1)
        .filter_map(|rest| rest.split(' ').next())
        .collect()
}

#[test]
fn a_sweep_with_allowed_settings_finds_blind_resends_applied_twice() {
    // Random parameters (a time-to-live down to 50 ms, near the 60 ms retry interval)
    // and random faults (client crashes among them): without the honest client, runs
    // apply an operation twice under two client ids. With it, the sweep above finds none.
    let registry = Registry::standard();
    let under_new_id = (0..100)
        .filter(|&seed| {
            let session = faulty_session_with_random_params(&registry, "idempotent-expiry", seed)
                .with_switch_off("report-unknown-outcome");
            first_violation(&registry, &session, "applied-at-most-once").is_some_and(
                |(detail, _)| {
                    let ids = client_ids(&detail);
                    ids.windows(2).any(|w| w[0] != w[1])
                },
            )
        })
        .count();
    assert!(
        under_new_id >= 40,
        "only {under_new_id} of 100 runs applied an operation twice under two client ids"
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
