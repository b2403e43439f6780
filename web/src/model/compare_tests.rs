//! Tests of comparing two runs: links with two halves, the shared cursor, the divergence.
use super::*;
use crate::url::{parse_query, query_for};

const A: &str = "v1~balance-host-failure~seed.1";
const B: &str = "v1~balance-host-failure~seed.1~off.health-checks";

fn open(search: &str) -> Playground {
    let mut p = Playground::open(parse_query(search), false);
    p.apply(Command::Fingerprint);
    p
}

#[test]
fn a_compare_link_opens_both_runs_on_one_cursor() {
    let mut p = open(&format!("?s={A}&vs={B}&t=600000"));
    assert!(p.notices().is_empty(), "{:?}", p.notices());
    let b = p.vs().expect("run B is open");
    assert_eq!(b.session().switches_off, ["health-checks"]);
    assert_eq!(p.cursor().time, SimTime(600_000));
    assert_eq!(b.cursor().time, SimTime(600_000));
    assert_eq!(
        b.cursor().steps,
        b.run().engine().steps_until(SimTime(600_000))
    );
    assert_eq!(b.diagram_window(), p.diagram_window());
    for command in [
        Command::StepForward,
        Command::Scrub(SimTime(900_000)),
        Command::Pan(-1),
    ] {
        p.apply(command);
        let b = p.vs().unwrap();
        assert_eq!(b.cursor().time, p.cursor().time);
        assert_eq!(b.diagram_window(), p.diagram_window());
    }
    // The address keeps both halves.
    let again = query_for(p.session(), p.vs().map(Playground::session), None);
    assert_eq!(again, format!("?s={A}&vs={B}"));
    // Run B's views answer B's commands; moving in time from B moves both.
    p.apply(Command::OnB(Box::new(Command::SelectNode(NodeId(3)))));
    assert_eq!(p.vs().unwrap().selected(), Some(NodeId(3)));
    assert_eq!(p.selected(), None);
    p.apply(Command::OnB(Box::new(Command::Scrub(SimTime(100_000)))));
    assert_eq!(p.cursor().time, SimTime(100_000));
    assert_eq!(p.vs().unwrap().cursor().time, SimTime(100_000));
    // Run B's run is not changed from its views.
    let before = p.vs().unwrap().session().clone();
    p.apply(Command::OnB(Box::new(Command::NewSeed)));
    assert_eq!(p.vs().unwrap().session(), &before);
    assert!(p.notices()[0].text.contains("Run B stays as it was opened"));
    p.apply(Command::StopCompare);
    assert!(p.vs().is_none());
    assert_eq!(query_for(p.session(), None, None), format!("?s={A}"));
}

#[test]
fn the_runs_part_where_the_traces_first_differ_and_d_goes_there() {
    let mut p = open(&format!("?s={A}&vs={B}"));
    let d = p
        .divergence()
        .expect("computed")
        .expect("a switch off parts the runs");
    let (a, b) = (p.run().engine(), p.vs().unwrap().run().engine());
    assert!(d.index > 0);
    assert_eq!(a.trace_line(d.index - 1), b.trace_line(d.index - 1));
    assert_ne!(a.trace_line(d.index), b.trace_line(d.index));
    assert!(
        d.sentence.contains(&format!("(event {})", d.index)),
        "{}",
        d.sentence
    );
    let event = a.event(d.index).unwrap();
    p.apply(Command::SeekDivergence);
    assert_eq!(p.cursor().time, event.time);
    assert_eq!(p.cursor().steps, event.step + 1);
    assert_eq!(p.vs().unwrap().cursor().time, event.time);
    // The first difference in outcome, and O goes there.
    let o = p
        .outcome()
        .expect("health checks off change what the clients get");
    assert!(o.time >= event.time, "{}", o.sentence);
    assert!(
        o.sentence.starts_with(&format!("At {}, ", o.time)),
        "{}",
        o.sentence
    );
    p.apply(Command::SeekOutcome);
    assert_eq!(p.cursor().time, o.time);
    assert_eq!(p.vs().unwrap().cursor().time, o.time);
    // At the end, the invariants of the two runs disagree: run B breaks what A keeps.
    p.apply(Command::Scrub(p.end()));
    let (rows_a, rows_b) = (p.properties(), p.vs().unwrap().properties());
    assert_eq!(rows_a.len(), rows_b.len());
    assert!(
        rows_a
            .iter()
            .zip(&rows_b)
            .any(|(a, b)| a.violated.is_none() && b.violated.is_some()),
        "health checks off breaks a guarantee in run B only"
    );
    // The same session twice does not part.
    let same = open(&format!("?s={A}&vs={A}"));
    assert_eq!(same.divergence(), Some(None));
    // Without a run B there is nothing to go to.
    let mut alone = open(&format!("?s={A}"));
    alone.apply(Command::SeekDivergence);
    assert_eq!(alone.cursor(), Cursor::default());
    assert_eq!(alone.divergence(), None);
}

#[test]
fn a_bad_or_mismatched_half_gets_a_clear_banner_and_one_run() {
    for (search, says) in [
        (
            format!("?s={A}&vs=v1~balance-host-failure~seed.x"),
            "`x` is not a number",
        ),
        (format!("?s={A}&vs=garbage"), "version v1"),
        (
            format!("?s={A}&vs=v1~lamport-skew~seed.1"),
            "not of `balance-host-failure`",
        ),
        (
            format!("?s={A}&vs=v1~balance-host-failure~seed.1~off.nope"),
            "nope",
        ),
    ] {
        let p = open(&search);
        assert_eq!(p.session().scenario, "balance-host-failure", "{search}");
        assert!(p.vs().is_none(), "{search}");
        assert_eq!(p.notices().len(), 1, "{search}");
        let notice = &p.notices()[0];
        assert_eq!(notice.tone, Tone::Error);
        assert!(notice.text.contains(says), "{search}: {}", notice.text);
        assert!(
            notice.text.contains("Showing the first run alone"),
            "{}",
            notice.text
        );
    }
    // A bad first half falls back to the default session, alone, with one banner.
    let p = open(&format!("?s=v1~raft~seed.1&vs={B}"));
    assert_eq!(p.session(), &Registry::standard().default_session());
    assert!(p.vs().is_none());
    assert_eq!(p.notices().len(), 1);
}

#[test]
fn compare_with_offers_one_change_at_a_time() {
    let mut p = open(&format!("?s={A}"));
    let options = p.compare_options();
    let labels: Vec<&str> = options.iter().map(|(l, _)| l.as_str()).collect();
    assert!(labels[0].ends_with(" off"), "{labels:?}");
    assert!(labels.iter().any(|l| l.starts_with("seed ")), "{labels:?}");
    for (label, session) in &options {
        assert_eq!(session.scenario, p.session().scenario, "{label}");
        assert_ne!(session, p.session(), "{label}");
        assert!(Registry::standard().start(session).is_ok(), "{label}");
    }
    let (_, b) = options[0].clone();
    p.apply(Command::CompareWith(b.clone()));
    assert_eq!(p.vs().unwrap().session(), &b);
    assert_eq!(difference(p.session(), &b), "health-checks off",);
    // The first run changed keeps run B (same story); another story closes it.
    p.apply(Command::SetSwitch("health-checks".into(), false));
    assert!(p.vs().is_some());
    assert_eq!(p.divergence(), None, "found again after the change");
    p.apply(Command::Fingerprint);
    assert_eq!(p.divergence(), Some(None), "both are now the same session");
    p.apply(Command::OpenScenario("lamport-skew".into()));
    assert!(p.vs().is_none());
}

#[test]
fn compare_with_offers_my_actions_up_to_now_and_each_one_left_out() {
    let acted = format!("{A}~300000.crash.i1~500000.restart.i1~700000.crash.i2");
    let mut p = open(&format!("?s={acted}&t=600000"));
    assert!(p.notices().is_empty(), "{:?}", p.notices());
    let options = p.compare_options();
    let of = |prefix: &str| {
        options
            .iter()
            .filter(|(l, _)| l.starts_with(prefix))
            .cloned()
            .collect::<Vec<_>>()
    };
    // Up to the cursor: the two actions before 600 ms, not the crash at 700 ms.
    let upto = of("my actions only up to");
    assert_eq!(upto.len(), 1, "{options:?}");
    let (label, session) = &upto[0];
    assert_eq!(
        label,
        "my actions only up to 600.000ms (without the 1 after it)"
    );
    assert_eq!(session.actions, p.session().actions[..2]);
    assert_eq!(
        difference(p.session(), session),
        "your actions up to 500.000ms (not the 1 after)"
    );
    // Each action left out in turn, named as the log names it.
    let without = of("without my action at");
    let labels: Vec<&str> = without.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "without my action at 300.000ms: CRASH i1",
            "without my action at 500.000ms: RESTART i1",
            "without my action at 700.000ms: CRASH i2"
        ]
    );
    let (_, middle) = &without[1];
    assert_eq!(middle.actions.len(), 2);
    assert_eq!(middle.actions[0], p.session().actions[0]);
    assert_eq!(middle.actions[1], p.session().actions[2]);
    assert_eq!(
        difference(p.session(), middle),
        "without your action at 500.000ms"
    );
    for (label, session) in upto.iter().chain(&without) {
        assert!(Registry::standard().start(session).is_ok(), "{label}");
    }
    // Opened, run B is that session and the runs part where it changes something.
    p.apply(Command::CompareWith(session.clone()));
    p.apply(Command::Fingerprint);
    let d = p
        .divergence()
        .flatten()
        .expect("without the last crash, they part");
    let at = d.a.as_ref().or(d.b.as_ref()).unwrap().time;
    assert!(at >= SimTime(700_000), "{}", d.sentence);
    // At the end of the run no action comes after the cursor: no "up to now".
    p.apply(Command::StopCompare);
    p.apply(Command::Scrub(p.end()));
    assert!(p
        .compare_options()
        .iter()
        .all(|(l, _)| !l.starts_with("my actions only")));
    // Without actions, neither is offered.
    let plain = open(&format!("?s={A}&t=600000"));
    assert!(plain
        .compare_options()
        .iter()
        .all(|(l, _)| !l.contains("my action")));
}

/// The compare view's benchmark natively (see `compare_bench.rs`); prints `BENCH` lines.
/// `cargo test --release -p playground-web --features bench --lib compare_bench -- --nocapture`
/// (compiled only with the `bench` feature: a benchmark, not a test of the suite).
#[cfg(feature = "bench")]
#[test]
fn compare_bench() {
    let start = std::time::Instant::now();
    let now_ms = move || start.elapsed().as_secs_f64() * 1e3;
    super::compare_bench::compare_bench(&now_ms, &|line| println!("{line}"));
}
