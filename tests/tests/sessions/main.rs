//! Sessions: drawn from the real catalog (scenario ids, parameters, switches, node names
//! and every kind of action, with absurd numbers too), a session is started exactly when
//! it is valid; a valid one round-trips through its URL text byte for byte and replays to
//! the same trace; an invalid one is refused with the error that names its problem.

mod draw;
mod oracle;

use playground_core::salvage::salvage;
use playground_core::sim::action::{Action, TimedAction};
use playground_core::sim::network::LinkConfig;
use playground_core::sim::rng::Ratio;
use playground_core::sim::scenario::Config;
use playground_core::sim::session::SessionError;
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;
use playground_core::sim::validate::namespace;
use playground_core::{Registry, Session};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as RunnerConfig, RngAlgorithm, TestRng, TestRunner};

use draw::{action, drawn_nodes, number, session};
use oracle::{action_problems, documented_range, problem_of, problems, Problem};

/// Steps explored per run: enough to pass the drawn actions' effects into the trace.
const STEPS: usize = 3_000;

/// The trace of `session`'s first `steps` steps.
fn trace(session: &Session, steps: usize) -> String {
    let mut run = Registry::standard().start(session).expect("session starts");
    run.engine_mut().run_to_end(steps);
    run.engine().trace_text()
}

/// `start` agrees with the oracle: a valid session starts, round-trips through its text
/// byte for byte and replays to the same trace; an invalid one is refused with an error
/// naming one of its problems (quoting the documented range, if it is a number's).
fn check_start(session: &Session) -> Result<(), TestCaseError> {
    let expected = problems(session);
    match Registry::standard().start(session) {
        Ok(mut run) => {
            prop_assert_eq!(&expected, &Vec::new(), "started although invalid");
            let text = session.encode();
            let decoded = Session::decode(&text).expect("a valid session's text decodes");
            prop_assert_eq!(decoded.encode(), text);
            run.engine_mut().run_to_end(STEPS);
            prop_assert_eq!(run.engine().trace_text(), trace(&decoded, STEPS));
        }
        Err(error) => {
            let problem = problem_of(&error);
            prop_assert!(
                problem.as_ref().is_some_and(|p| expected.contains(p)),
                "refused with `{error}`, but its problems are {expected:?}"
            );
            if let SessionError::ActionOutOfRange { what, allowed, .. } = &error {
                let documented = documented_range(what);
                prop_assert!(allowed.starts_with(documented), "{error}");
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn real_sessions_start_exactly_when_valid(s in session()) {
        check_start(&s)?;
    }

    #[test]
    fn every_session_round_trips_through_its_text(s in session()) {
        let text = s.encode();
        prop_assert!(text.chars().all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c)));
        prop_assert_eq!(Session::decode(&text), Ok(s));
    }

    #[test]
    fn acting_live_is_accepted_exactly_when_valid_and_replays(
        (s, extra) in session().prop_flat_map(|s| {
            let scenario = Registry::standard().scenario(&s.scenario).expect("real");
            let config = Config::defaults(scenario, 1);
            let horizon = scenario.horizon(&config).as_micros();
            let nodes = drawn_nodes(scenario, &config);
            let time = number(0..=horizon, Just(u64::MAX)).prop_map(SimTime);
            (Just(s), (time, action(nodes, horizon)))
        })
    ) {
        let Ok(mut run) = Registry::standard().start(&s) else {
            return Ok(());
        };
        let (at, action) = extra;
        let timed = TimedAction { at, action: action.clone() };
        let horizon = run.engine().horizon().as_micros();
        let expected = action_problems(&timed, horizon, run.engine().names());
        match run.act(at, action) {
            Ok(()) => {
                prop_assert_eq!(&expected, &Vec::new(), "accepted although invalid");
                run.engine_mut().run_to_end(STEPS);
                let steps = run.engine().steps();
                prop_assert_eq!(run.engine().trace_text(), trace(run.session(), steps));
            }
            Err(error) => prop_assert!(
                problem_of(&error).is_some_and(|p| expected.contains(&p)),
                "refused with `{error}`, but its problems are {expected:?}"
            ),
        }
    }

    #[test]
    fn decoded_text_reencodes_to_what_decodes_the_same(text in "[a-z0-9.~-]{0,120}") {
        // Any text: decoding never panics, and whatever decodes re-encodes faithfully.
        let text = format!("v1~lamport-skew~seed.1~{text}");
        if let Ok(session) = Session::decode(&text) {
            prop_assert_eq!(Session::decode(&session.encode()), Ok(session));
        }
    }

    #[test]
    fn corrupted_real_sessions_start_exactly_when_valid(
        s in session(),
        cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = s.encode().into_bytes();
        for (at, byte) in cuts {
            let i = at.index(bytes.len());
            bytes[i] = b"~.-019ax"[usize::from(byte) % 8];
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(decoded) = Session::decode(&text) {
            check_start(&decoded)?;
        }
        check_salvage(&text)?;
    }

    #[test]
    fn drawn_sessions_are_repaired_to_ones_that_start(s in session()) {
        check_salvage(&s.encode())?;
    }
}

/// A link's text is repaired exactly when it is broken and its story exists: the repair
/// starts, says what it changed, and keeps the story.
fn check_salvage(text: &str) -> Result<(), TestCaseError> {
    let registry = Registry::standard();
    let starts = Session::decode(text).is_ok_and(|s| registry.start(&s).is_ok());
    match salvage(&registry, text) {
        Some(fixed) => {
            prop_assert!(!starts, "a session that starts was repaired: {text}");
            prop_assert!(
                registry.start(&fixed.session).is_ok(),
                "repair of {text} does not start"
            );
            prop_assert!(!fixed.changes.is_empty(), "repair of {text} says nothing");
            let story = text.trim().split('~').nth(1);
            prop_assert_eq!(
                story,
                Some(fixed.session.scenario.as_str()),
                "the story changed"
            );
        }
        None => prop_assert!(
            starts
                || !text.trim().starts_with("v1~")
                || text
                    .trim()
                    .split('~')
                    .nth(1)
                    .is_none_or(|id| registry.scenario(id).is_none()),
            "{text} was not repaired although its story exists"
        ),
    }
    Ok(())
}

/// The generator reaches validation and the engine: over fifteen draws per scenario, every
/// scenario gives sessions that start, and every kind of problem is drawn.
#[test]
fn drawn_sessions_reach_the_engine_and_every_kind_of_problem() {
    let mut runner = TestRunner::new_with_rng(
        RunnerConfig::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let registry = Registry::standard();
    let mut started = vec![0; registry.scenarios().len()];
    let mut kinds: Vec<String> = Vec::new();
    let strategy = session();
    // About fifteen draws per scenario, so that each gets a valid one as the catalog grows.
    for _ in 0..registry.scenarios().len() * 15 {
        let s = strategy.new_tree(&mut runner).expect("draws").current();
        let found = problems(&s);
        if found.is_empty() {
            let index = registry
                .scenarios()
                .iter()
                .position(|sc| sc.id() == s.scenario)
                .expect("a real scenario");
            started[index] += 1;
        }
        for p in found {
            let kind = match p {
                Problem::UnknownNode(_) => "UnknownNode".to_string(),
                other => format!("{other:?}"),
            };
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
    }
    assert!(
        started.iter().all(|&n| n > 0),
        "valid draws per scenario: {started:?}"
    );
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "AfterEnd",
            "OutOfOrder",
            "OutOfRange(\"clock drift\")",
            "OutOfRange(\"clock step\")",
            "OutOfRange(\"link latency\")",
            "OutOfRange(\"loss or duplication ratio\")",
            "OutOfRange(\"message delay\")",
            "OutOfRange(\"partition\")",
            "ParamOutOfRange",
            "UnknownNode",
            "UnknownParam",
            "UnknownSwitch",
        ]
    );
}

/// Regression: this address overflowed in `ppm.abs()` (a panic in debug builds, an
/// absurd drift accepted in release builds).
#[test]
fn the_most_negative_drift_is_refused_with_the_allowed_range() {
    let address = "?s=v1~lamport-skew~seed.1~0.drift.s1.-9223372036854775808";
    let session = Session::decode(address.strip_prefix("?s=").unwrap()).expect("it decodes");
    let error = Registry::standard().start(&session).err().expect("refused");
    assert_eq!(
        error.to_string(),
        "the clock drift -9223372036854775808 ppm is out of range; allowed: -100000 to 100000 ppm"
    );
}

#[test]
fn out_of_range_parameters_name_the_allowed_range() {
    let registry = Registry::standard();
    for value in [0, 1_000_000_000, i64::MIN] {
        let session = Session::new("lamport-skew", 1).with_param("servers", value);
        let err = registry.start(&session).err().expect("rejected");
        assert_eq!(
            err.to_string(),
            format!("parameter `servers` must be between 2 and 6, but it is {value}")
        );
    }
}

#[test]
fn unknown_names_are_refused_with_what_exists() {
    let registry = Registry::standard();
    let err = |s: Session| registry.start(&s).err().expect("rejected");
    assert!(matches!(
        err(Session::new("raft", 1)),
        SessionError::UnknownScenario { known, .. } if known.contains("lamport-skew")
    ));
    assert!(err(Session::new("lamport-skew", 1).with_param("nodes", 3))
        .to_string()
        .contains("no parameter `nodes`; it has: clients, servers"));
    assert!(
        err(Session::new("lamport-skew", 1).with_switch_off("magic"))
            .to_string()
            .contains("it offers: carry-clock")
    );
    let unknown_node =
        Session::new("lamport-skew", 1).with_action(SimTime(5), Action::Crash("s9".into()));
    assert_eq!(
        err(unknown_node).to_string(),
        "there is no node `s9` in this scenario; nodes are: c1, c2, s1, s2"
    );
    let too_late = Session::new("lamport-skew", 1).with_action(SimTime(u64::MAX), Action::Heal);
    assert!(err(too_late).to_string().contains("after the run ends"));
    let unordered = Session::new("lamport-skew", 1)
        .with_action(SimTime(9), Action::Heal)
        .with_action(SimTime(5), Action::Heal);
    assert_eq!(
        err(unordered).to_string(),
        "actions must be in time order, but an action at 0.005ms follows one at 0.009ms"
    );
}

/// Every node and group a scenario has, at its defaults and at each parameter's bounds, can
/// be named in a session's text (an action on it survives a shared link).
#[test]
fn every_node_and_group_name_can_be_written_in_a_session() {
    for &scenario in Registry::standard().scenarios() {
        let mut configs = vec![Config::defaults(scenario, 1)];
        for spec in scenario.params() {
            for value in [spec.min, spec.max] {
                let mut config = Config::defaults(scenario, 1);
                config.set_param(spec.name, value);
                configs.push(config);
            }
        }
        for config in &configs {
            let (names, _) = namespace(scenario, config);
            for name in names {
                let session = Session::new(scenario.id(), 1)
                    .with_action(SimTime::from_millis(1), Action::Crash(name.clone()));
                let decoded = Session::decode(&session.encode());
                assert_eq!(
                    decoded.as_ref(),
                    Ok(&session),
                    "{}: the name `{name}` does not survive a session link",
                    scenario.id()
                );
            }
        }
    }
}

#[test]
fn the_default_session_starts_and_runs_to_its_end() {
    let registry = Registry::standard();
    let session = registry.default_session();
    let mut run = registry.start(&session).unwrap();
    run.engine_mut().run_to_end(100_000);
    assert!(run.engine().is_finished());
    assert_eq!(run.session(), &session);
}

#[test]
fn out_of_range_action_numbers_name_the_allowed_range() {
    let registry = Registry::standard();
    let refused = |action: Action<String>| {
        let session = Session::new("lamport-skew", 1).with_action(SimTime(5), action);
        registry.start(&session).err().expect("refused").to_string()
    };
    let drift = refused(Action::SetDrift {
        node: "s1".into(),
        ppm: 5_000_000,
    });
    assert_eq!(
        drift,
        "the clock drift 5000000 ppm is out of range; allowed: -100000 to 100000 ppm"
    );
    let link = |loss: Ratio, min: u64, max: u64| Action::SetLink {
        link: None,
        cfg: LinkConfig {
            loss,
            latency_min_us: min,
            latency_max_us: max,
            ..LinkConfig::default()
        },
    };
    assert!(refused(link(Ratio::new(1, 0), 1_000, 5_000)).contains("loss or duplication ratio"));
    assert!(refused(link(Ratio::new(3, 2), 1_000, 5_000)).contains("n at most d"));
    assert!(refused(link(Ratio::NEVER, 0, u64::MAX)).contains("allowed: 0 to 10000000 µs"));
    assert!(refused(link(Ratio::NEVER, 5_000, 1_000)).contains("no longer than the longest"));
    assert!(refused(Action::Delay {
        msg: MsgId(1),
        by_us: u64::MAX
    })
    .contains("message delay"));
    assert_eq!(
        refused(Action::SkewClock {
            node: "s1".into(),
            delta_us: i64::MIN
        }),
        "the clock step -9223372036854775808 µs is out of range; \
         allowed: -3600000000 to 3600000000 µs"
    );
}

#[test]
fn acting_is_refused_once_the_session_holds_too_many_actions() {
    let registry = Registry::standard();
    let mut run = registry.start(&Session::new("lamport-skew", 1)).unwrap();
    let mut refused = None;
    for i in 0..2_000 {
        if let Err(e) = run.act(SimTime(i), Action::Heal) {
            refused = Some((i, e));
            break;
        }
    }
    let (at, error) = refused.expect("a limit is reached");
    assert_eq!(at, 1_000, "the 1001st action is refused");
    assert_eq!(error, SessionError::TooManyActions { max: 1_000 });
    let text = run.session().encode();
    assert_eq!(
        Session::decode(&text).as_ref(),
        Ok(run.session()),
        "the link still opens"
    );
}
