//! Tests of the page's model, natively: commands, cursor, notices, costs.
use super::playback::REDUCED_MOTION_STEP_MS;
use super::*;
use crate::url::parse_query;
use playground_core::sim::run::{EventInfo, EventTag};
use playground_core::sim::snapshot::MarkKind;

fn open(search: &str) -> Playground {
    Playground::open(parse_query(search), false)
}

#[test]
fn opens_the_default_scenario_without_a_session() {
    let p = open("");
    assert_eq!(p.session().scenario, "lamport-skew");
    assert!(p.notices().is_empty());
    assert!(p.total_steps() > 10);
    assert_eq!(p.cursor(), Cursor::default());
}

#[test]
fn a_broken_link_of_an_unknown_story_falls_back_to_the_default_with_a_clear_notice() {
    for (search, says) in [
        ("?s=v1~raft~seed.1", "there is no scenario `raft`"),
        ("?s=garbage", "version v1"),
    ] {
        let p = open(search);
        assert_eq!(p.session(), &Registry::standard().default_session());
        let notice = &p.notices()[0];
        assert_eq!(notice.tone, Tone::Error);
        assert!(notice.text.contains(says), "{search}: {}", notice.text);
        assert!(notice.text.contains("Showing the default scenario"));
    }
}

#[test]
fn a_broken_link_of_a_known_story_opens_that_story_repaired_and_says_how() {
    for (search, says, repaired) in [
        (
            "?s=v1~generation-crash~seed.x",
            "`x` is not a number",
            "v1~generation-crash~seed.1",
        ),
        (
            "?s=v1~lamport-skew~seed.5~p.servers.0",
            "the run uses 2",
            "v1~lamport-skew~seed.5~p.servers.2",
        ),
        (
            "?s=v1~hybrid-lagging~seed.2~1000.crash.nobody~2000.crash.s1",
            "no node `nobody`",
            "v1~hybrid-lagging~seed.2~2000.crash.s1",
        ),
    ] {
        let p = open(search);
        assert_eq!(p.session().encode(), repaired, "{search}");
        let notice = &p.notices()[0];
        assert_eq!(notice.tone, Tone::Error);
        assert!(notice.text.contains(says), "{search}: {}", notice.text);
        assert!(notice.text.contains("opens repaired"), "{}", notice.text);
    }
}

#[test]
fn the_fingerprint_comes_after_the_run_and_again_after_each_change() {
    let mut p = open("");
    assert_eq!(p.fingerprint(), None, "opening does not wait for it");
    p.apply(Command::Fingerprint);
    let first = p.fingerprint().expect("computed on request");
    assert_eq!(first, p.run().engine().trace_fingerprint());
    let mut again = open("");
    again.apply(Command::Fingerprint);
    assert_eq!(
        again.fingerprint(),
        Some(first),
        "same link, same fingerprint"
    );
    p.apply(Command::StepForward);
    p.apply(Command::Act(Action::Crash("s1".into())));
    assert_eq!(p.fingerprint(), None, "a changed run is fingerprinted anew");
    p.apply(Command::Fingerprint);
    assert_ne!(p.fingerprint(), Some(first));
}

#[test]
fn stepping_moves_one_step_and_back() {
    let mut p = open("");
    p.apply(Command::StepForward);
    p.apply(Command::StepForward);
    assert_eq!(p.cursor().steps, 2);
    p.apply(Command::StepBack);
    assert_eq!(p.cursor().steps, 1);
    p.apply(Command::StepBack);
    p.apply(Command::StepBack);
    assert_eq!(p.cursor(), Cursor::default());
}

#[test]
fn scrubbing_shows_every_step_up_to_the_instant() {
    let mut p = open("");
    p.apply(Command::Scrub(SimTime::from_millis(10)));
    let c = p.cursor();
    assert_eq!(c.time, SimTime::from_millis(10));
    assert!(c.steps > 0 && c.steps < p.total_steps());
    p.apply(Command::Scrub(SimTime::from_millis(1_000_000)));
    assert_eq!(p.cursor().time, p.end(), "clamped to the end");
    assert_eq!(p.cursor().steps, p.total_steps());
}

#[test]
fn playing_advances_by_speed_and_stops_at_the_end() {
    let mut p = open("");
    p.apply(Command::TogglePlay);
    p.apply(Command::Tick(100.0));
    let expected = (p.one_x_us_per_s() as f64 / 10.0).round() as u64;
    assert_eq!(
        p.cursor().time,
        SimTime(expected),
        "1x plays a run in about 30 s"
    );
    assert!(p.one_x_us_per_s() >= 1_000);
    p.apply(Command::SetSpeed(SPEEDS.len() - 1));
    for _ in 0..2_000 {
        p.apply(Command::Tick(50.0));
    }
    assert!(!p.playing());
    assert_eq!(p.cursor().time, p.end());
}

#[test]
fn reduced_motion_plays_step_by_step() {
    let mut p = Playground::open(parse_query(""), true);
    p.apply(Command::TogglePlay);
    for _ in 0..10 {
        p.apply(Command::Tick(150.0)); // 1.5 s in all
    }
    assert_eq!(
        p.cursor().steps,
        (1_500.0 / REDUCED_MOTION_STEP_MS) as usize
    );
}

#[test]
fn acting_in_the_past_discards_the_future_and_says_so() {
    let mut p = open("");
    p.apply(Command::Scrub(SimTime::from_millis(8)));
    p.apply(Command::Act(Action::Crash("s1".into())));
    let notice = p.notices().last().expect("a notice");
    assert_eq!(notice.tone, Tone::Info);
    assert!(notice.text.contains("discarded"), "{}", notice.text);
    assert_eq!(p.session().actions.len(), 1);
    let snapshot = p.snapshot();
    assert_eq!(snapshot.nodes[2].status.word(), "crashed");
    // The link replays the same run.
    let replay = open(&crate::url::query_for(p.session(), None, None));
    assert_eq!(
        replay.run().engine().trace_text(),
        p.run().engine().trace_text()
    );
}

#[test]
fn partitioning_a_group_cuts_it_from_the_rest() {
    let mut p = open("");
    p.apply(Command::Scrub(SimTime::from_millis(5)));
    p.apply(Command::ToggleGroup(NodeId(0)));
    p.apply(Command::ToggleGroup(NodeId(2)));
    p.apply(Command::PartitionGroup { one_way: true });
    let cuts = p.snapshot().cut_links;
    assert!(cuts.contains(&(NodeId(0), NodeId(1))) && cuts.contains(&(NodeId(2), NodeId(3))));
    assert!(!cuts.contains(&(NodeId(1), NodeId(0))), "one way only");
    assert!(p.group().is_empty());
    p.apply(Command::Act(Action::Heal));
    assert!(p.snapshot().cut_links.is_empty());
}

#[test]
fn turning_the_mechanism_off_breaks_the_guarantee_at_a_named_event() {
    let mut p = open("");
    assert!(p.properties()[0].breaks_later.is_none());
    p.apply(Command::SetSwitch("carry-clock".into(), false));
    assert_eq!(p.session().switches_off, vec!["carry-clock".to_string()]);
    let v = p.properties()[0]
        .breaks_later
        .clone()
        .expect("the guarantee breaks");
    p.apply(Command::JumpToEvent(v.event));
    assert!(
        p.properties()[0].violated.is_some(),
        "broken once the cursor is there"
    );
    assert!(
        replay_marks(&p).contains(&MarkKind::Breaks),
        "the replay table marks it"
    );
    p.apply(Command::StepBack);
    assert!(!replay_marks(&p).contains(&MarkKind::Breaks), "not before");
}

/// The kinds of mark in the replay table at the cursor.
fn replay_marks(p: &Playground) -> Vec<MarkKind> {
    let tables = p.snapshot().tables;
    let replay = tables
        .iter()
        .find(|t| t.title == "Replay order")
        .expect("a replay table");
    replay
        .rows
        .iter()
        .flat_map(|r| r.marks.iter().map(|m| m.kind))
        .collect()
}

#[test]
fn the_replay_table_marks_where_the_lagging_wall_clock_goes_wrong() {
    let mut p = open("");
    assert_eq!(p.snapshot().tables.len(), 2, "stores and replay order");
    p.apply(Command::Scrub(p.end()));
    let marks = replay_marks(&p);
    assert!(!marks.contains(&MarkKind::Breaks), "the guarantee holds");
    assert!(marks.contains(&MarkKind::Contrast), "the 40 ms lag shows");
    let stores = &p.snapshot().tables[0];
    let names: Vec<&str> = stores.rows.iter().map(|r| r.cells[0].as_str()).collect();
    assert_eq!(names, ["s1", "s2"]);
    // Without the lag the wall clocks agree with happened-before.
    p.apply(Command::SetParam("lag-ms".into(), 0));
    p.apply(Command::Scrub(p.end()));
    assert!(!replay_marks(&p).contains(&MarkKind::Contrast));
}

#[test]
fn links_and_message_faults_become_recorded_actions() {
    let mut p = open("");
    p.apply(Command::SetLinks {
        latency_ms: 30,
        loss_percent: 20,
    });
    p.apply(Command::Scrub(SimTime::from_millis(6)));
    let msg = p
        .snapshot()
        .in_flight
        .first()
        .expect("a message in flight")
        .id;
    p.apply(Command::Act(Action::Drop(msg)));
    let text = p.run().engine().trace_text();
    assert!(text.contains("LINK all links: latency 1.000ms..30.000ms, loss 20/100"));
    assert!(text.contains("dropped by user"));
    assert_eq!(p.session().actions.len(), 2);
}

#[test]
fn a_new_seed_keeps_the_scenario_and_changes_the_run() {
    let mut p = open("");
    let before = p.run().engine().trace_text();
    p.apply(Command::NewSeed);
    assert_ne!(p.session().seed, 1);
    assert_eq!(p.session().scenario, "lamport-skew");
    assert_ne!(p.run().engine().trace_text(), before);
}

#[test]
fn the_log_filters_by_node_and_kind_and_marks_the_cursor() {
    let mut p = open("");
    p.apply(Command::Scrub(SimTime::from_millis(20)));
    let rows = p.log_rows(1_000, 0);
    assert!(rows.last().unwrap().current);
    p.apply(Command::FilterNode(Some(NodeId(2))));
    p.apply(Command::FilterKind(EventTag::Send, false));
    let rows = p.log_rows(1_000, 1_000);
    assert!(rows
        .iter()
        .all(|r| r.text.contains(" s1 ") && !r.text.contains(" send ")));
    assert!(rows.iter().any(|r| r.future) && rows.iter().any(|r| !r.future));
}

#[test]
fn the_filtered_log_shows_what_filtering_every_formatted_event_would() {
    let mut p = open("");
    p.apply(Command::Scrub(SimTime::from_millis(12)));
    p.apply(Command::FilterKind(EventTag::Note, false));
    p.apply(Command::FilterNode(Some(NodeId(2))));
    let rows = p.log_rows(3, 2);
    // The slow way: every event formatted, then filtered.
    let engine = p.run().engine();
    let shown = p.snapshot_events();
    let kept: Vec<EventInfo> = (0..engine.trace_len())
        .filter_map(|i| engine.event(i))
        .filter(|e| e.node == Some(NodeId(2)) && e.tag != EventTag::Note)
        .collect();
    let past = kept.iter().filter(|e| e.index < shown).count();
    assert!(
        past > 3 && kept.len() > past + 2,
        "the window cuts on both sides"
    );
    let expected: Vec<LogRow> = kept[past - 3..past + 2]
        .iter()
        .map(|e| LogRow {
            index: e.index,
            text: e.text.clone(),
            msg: e.msg,
            future: e.index >= shown,
            current: e.index + 1 == shown,
        })
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn the_query_answer_is_computed_once_per_cursor_and_run() {
    let mut p = open("?s=v1~hybrid-transaction~seed.1");
    p.apply(Command::Scrub(SimTime::from_millis(60)));
    assert_eq!(p.query_answer(), None, "nothing asked yet");
    p.apply(Command::Query("09:00:00.040000+0".into()));
    let first = p.query_answer().expect("asked").expect("an answer");
    for _ in 0..5 {
        assert_eq!(p.query_answer(), Some(Ok(first.clone())));
    }
    assert_eq!(p.answer.computations(), 1, "renders reuse the answer");
    // Another cursor, another answer; coming back computes again (one entry only).
    p.apply(Command::Scrub(SimTime::from_millis(1)));
    let early = p.query_answer().expect("asked").expect("an answer");
    assert_ne!(early, first, "nothing was stored at 1 ms");
    assert_eq!(p.answer.computations(), 2);
    p.apply(Command::Scrub(SimTime::from_millis(60)));
    assert_eq!(p.query_answer(), Some(Ok(first.clone())));
    assert_eq!(p.answer.computations(), 3);
    // Acting changes the run: the same cursor is asked again.
    p.apply(Command::Act(Action::Crash("s1".into())));
    let _ = p.query_answer();
    assert_eq!(
        p.answer.computations(),
        4,
        "a new run is not served the old answer"
    );
    // Another question at the same cursor is computed too.
    p.apply(Command::Query("09:00:00.001000+0".into()));
    let _ = p.query_answer();
    assert_eq!(p.answer.computations(), 5);
}

#[test]
fn arrows_connect_sends_and_deliveries() {
    let p = open("");
    let events = p.events_between(SimTime::ZERO, p.end().plus_micros(1));
    let arrows = p.arrows(&events);
    let sends = events.iter().filter(|e| e.tag == EventTag::Send).count();
    assert_eq!(arrows.len(), sends, "one arrow per message");
    assert!(arrows
        .iter()
        .all(|a| matches!(a.end, ArrowEnd::Delivered(t) if t >= a.sent)));
}

#[test]
fn a_dropped_message_ends_where_it_was_dropped() {
    let mut p = open("");
    p.apply(Command::Scrub(SimTime::from_millis(6)));
    let msg = p.snapshot().in_flight[0].id;
    p.apply(Command::Act(Action::Drop(msg)));
    let events = p.events_between(SimTime::ZERO, p.end().plus_micros(1));
    let arrow = p
        .arrows(&events)
        .into_iter()
        .find(|a| a.label.starts_with(&format!("{msg} ")))
        .expect("the dropped message has an arrow");
    assert_eq!(arrow.end, ArrowEnd::Dropped(SimTime::from_millis(6)));
}

#[test]
fn acting_on_a_message_no_longer_in_flight_does_nothing_and_says_so() {
    let mut p = open("");
    p.apply(Command::Scrub(SimTime::from_millis(6)));
    let msg = p.snapshot().in_flight[0].id;
    p.apply(Command::Scrub(SimTime::from_millis(40)));
    p.apply(Command::Act(Action::Drop(msg)));
    assert!(p.session().actions.is_empty());
    assert!(p
        .notices()
        .last()
        .unwrap()
        .text
        .contains("no longer in flight"));
}

#[test]
fn panning_moves_the_window_until_the_cursor_moves() {
    let mut p = open("?s=v1~generation-pause~seed.1");
    let (start, span) = p.diagram_window();
    p.apply(Command::Pan(1));
    assert_eq!(p.diagram_window(), (start.plus_micros(span / 2), span));
    p.apply(Command::StepForward);
    assert_eq!(p.diagram_window().0, start, "following the cursor again");
}

#[test]
fn zooming_out_at_the_limit_shows_one_notice_however_often_it_is_pressed() {
    let mut p = open("?s=v1~balance-scale-out~seed.1");
    for _ in 0..12 {
        p.apply(Command::Zoom(-1));
    }
    let limits = p
        .notices()
        .iter()
        .filter(|n| n.text.contains("at most"))
        .count();
    assert_eq!(limits, 1, "{:?}", p.notices());
}

#[test]
fn a_shared_link_opens_at_its_instant_and_a_bad_time_opens_at_the_start_with_a_notice() {
    let p = open("?s=v1~lamport-skew~seed.1&t=20000");
    assert_eq!(p.cursor().time, SimTime(20_000));
    assert!(p.cursor().steps > 0 && p.notices().is_empty());
    // `t=0` is the start, where a link without `t` opens (before the nodes start).
    let at_zero = open("?s=v1~lamport-skew~seed.1&t=0");
    assert_eq!(at_zero.cursor(), Cursor::default());
    assert_eq!(at_zero.cursor(), open("?s=v1~lamport-skew~seed.1").cursor());
    let past_the_end = open("?s=v1~lamport-skew~seed.1&t=18446744073709551615");
    assert_eq!(past_the_end.cursor().time, past_the_end.end());
    for bad in ["-9223372036854775808", "soon"] {
        let p = open(&format!("?s=v1~lamport-skew~seed.1&t={bad}"));
        assert_eq!(p.cursor(), Cursor::default());
        assert!(p.notices()[0].text.contains(bad), "{:?}", p.notices());
    }
    let broken = open("?s=v1~raft~seed.1&t=20000");
    assert_eq!(
        broken.cursor(),
        Cursor::default(),
        "the time went with its session"
    );
}

#[test]
fn a_story_chosen_from_the_catalog_starts_where_its_link_starts() {
    let mut p = open("?s=v1~lamport-skew~seed.1&t=20000");
    p.apply(Command::OpenScenario("generation-crash".into()));
    let linked = open("?s=v1~generation-crash~seed.1");
    assert_eq!(p.cursor(), linked.cursor());
    assert_eq!(p.cursor(), Cursor::default());
}

/// Every story drawn at full size on the desktop stage says its nodes' headlines whole
/// (they are written to fit a full-size box), at every fortieth of its run.
#[test]
fn headlines_of_full_size_stages_fit_their_boxes() {
    use crate::layout::{Scale, STAGE_WIDTH};
    let room = Scale::Full.headline_chars();
    let mut full = 0;
    for story in playground_core::Registry::standard().scenarios() {
        let mut p = open(&format!("?s=v1~{}~seed.1", story.id()));
        if p.stage_layout(STAGE_WIDTH).scale != Scale::Full {
            continue;
        }
        full += 1;
        p.apply(Command::Scrub(SimTime(u64::MAX)));
        let engine = p.run().engine();
        let end = engine.horizon().as_micros();
        for i in 0..=40 {
            for node in engine.snapshot_at(SimTime(end * i / 40)).nodes {
                assert!(
                    node.headline.chars().count() <= room,
                    "{} {}: {:?} is longer than {room}",
                    story.id(),
                    node.name,
                    node.headline
                );
            }
        }
    }
    assert!(full >= 20, "only {full} stories at full size");
}
