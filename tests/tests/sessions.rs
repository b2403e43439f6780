//! Sessions: the URL text round-trips, bad input gives clear errors and never panics.

use playground_core::sim::action::{Action, TimedAction};
use playground_core::sim::network::LinkConfig;
use playground_core::sim::rng::Ratio;
use playground_core::sim::session::SessionError;
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;
use playground_core::{Registry, Session};
use proptest::prelude::*;

fn node() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,5}"
}

fn action() -> impl Strategy<Value = Action<String>> {
    let group = || prop::collection::vec(node(), 1..4);
    prop_oneof![
        node().prop_map(Action::Crash),
        node().prop_map(Action::Restart),
        node().prop_map(Action::Pause),
        node().prop_map(Action::Resume),
        (group(), group(), any::<bool>())
            .prop_map(|(from, to, one_way)| { Action::Partition { from, to, one_way } }),
        Just(Action::Heal),
        any::<u32>().prop_map(|m| Action::Drop(MsgId(m))),
        any::<u32>().prop_map(|m| Action::Hold(MsgId(m))),
        any::<u32>().prop_map(|m| Action::Release(MsgId(m))),
        (any::<u32>(), any::<u64>()).prop_map(|(m, by_us)| Action::Delay {
            msg: MsgId(m),
            by_us
        }),
        (node(), any::<i64>()).prop_map(|(node, delta_us)| Action::SkewClock { node, delta_us }),
        (node(), any::<i64>()).prop_map(|(node, ppm)| Action::SetDrift { node, ppm }),
        (
            prop::option::of((node(), node())),
            0u64..1_000_000,
            0u64..1_000_000,
            any::<[u32; 4]>()
        )
            .prop_map(|(link, a, b, r)| Action::SetLink {
                link,
                cfg: LinkConfig {
                    latency_min_us: a.min(b),
                    latency_max_us: a.max(b),
                    loss: Ratio::new(r[0], r[1]),
                    duplication: Ratio::new(r[2], r[3]),
                },
            }),
    ]
}

fn session() -> impl Strategy<Value = Session> {
    (
        "[a-z][a-z0-9-]{0,20}",
        any::<u64>(),
        prop::collection::btree_map("[a-z][a-z0-9-]{0,8}", any::<i64>(), 0..4),
        prop::collection::btree_set("[a-z][a-z0-9-]{0,8}", 0..3),
        prop::collection::vec((any::<u64>(), action()), 0..12),
    )
        .prop_map(|(scenario, seed, params, off, actions)| {
            let mut actions: Vec<TimedAction> = actions
                .into_iter()
                .map(|(at, action)| TimedAction {
                    at: SimTime(at),
                    action,
                })
                .collect();
            actions.sort_by_key(|a| a.at);
            Session {
                scenario,
                seed,
                params: params.into_iter().collect(),
                switches_off: off.into_iter().collect(),
                actions,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn encode_then_decode_gives_the_same_session(s in session()) {
        let text = s.encode();
        prop_assert!(text.chars().all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c)));
        prop_assert_eq!(Session::decode(&text), Ok(s));
    }

    #[test]
    fn arbitrary_text_never_panics_the_decoder(text in ".{0,300}") {
        if let Err(e) = Session::decode(&text) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn corrupted_sessions_give_errors_or_sessions_never_panics(
        s in session(),
        cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let mut bytes = s.encode().into_bytes();
        for (at, byte) in cuts {
            let i = at.index(bytes.len());
            match byte % 3 {
                0 => bytes[i] = b"~.-0a9Z_"[usize::from(byte) % 8],
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, byte % 128),
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(decoded) = Session::decode(&text) {
            // Whatever decodes must also start or be refused cleanly.
            let _ = Registry::standard().start(&decoded).map(|mut run| run.trace_hash(5_000));
        }
    }
}

#[test]
fn out_of_range_parameters_name_the_allowed_range() {
    let registry = Registry::standard();
    for value in [0, 1_000_000_000] {
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
}

#[test]
fn the_default_session_starts() {
    let registry = Registry::standard();
    let mut run = registry.start(&registry.default_session()).unwrap();
    assert!(run.trace_hash(100_000) != 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn corrupted_real_sessions_start_cleanly_or_are_refused(
        seed in 0u64..1_000,
        cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let registry = Registry::standard();
        let mut bytes = playground_tests::faulty_session(&registry, "lamport-skew", seed)
            .encode()
            .into_bytes();
        for (at, byte) in cuts {
            let i = at.index(bytes.len());
            bytes[i] = b"~.-019ax"[usize::from(byte) % 8];
        }
        let text = String::from_utf8_lossy(&bytes);
        match Session::decode(&text) {
            Ok(decoded) => match registry.start(&decoded) {
                Ok(mut run) => { run.trace_hash(100_000); }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            },
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
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
    let link = |loss: Ratio, max: u64| Action::SetLink {
        link: None,
        cfg: LinkConfig {
            loss,
            latency_max_us: max,
            ..LinkConfig::default()
        },
    };
    assert!(refused(link(Ratio::new(1, 0), 5_000)).contains("loss or duplication ratio"));
    assert!(refused(link(Ratio::new(3, 2), 5_000)).contains("n at most d"));
    assert!(refused(link(Ratio::NEVER, u64::MAX)).contains("allowed: 0 to 10000000 µs"));
    assert!(refused(Action::Delay {
        msg: MsgId(1),
        by_us: u64::MAX
    })
    .contains("message delay"));
    assert!(refused(Action::SkewClock {
        node: "s1".into(),
        delta_us: i64::MIN
    })
    .contains("clock step"));
}

#[test]
fn acting_is_refused_once_the_link_would_be_too_long() {
    let registry = Registry::standard();
    let mut run = registry.start(&Session::new("lamport-skew", 1)).unwrap();
    let mut refused = None;
    for i in 0..2_000 {
        if let Err(e) = run.act(SimTime(i), Action::Heal) {
            refused = Some(e);
            break;
        }
    }
    let error = refused.expect("a limit is reached");
    assert!(
        error.to_string().contains("more than 1000 actions"),
        "{error}"
    );
    let text = run.session().encode();
    assert_eq!(
        Session::decode(&text).as_ref(),
        Ok(run.session()),
        "the link still opens"
    );
}
