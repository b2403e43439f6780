//! Map/Reduce, story by story: a straggler holds the job back unless the master starts
//! backup copies; a worker that dies after the map phase takes its finished map outputs
//! with it, they run again, and the output is still the input's exact word counts.

use playground_core::patterns::mapreduce::PATTERN;
use playground_core::sim::action::Action;
use playground_core::sim::node::NodeId;
use playground_core::sim::run::{Engine, EventTag, Run};
use playground_core::{Registry, Session};
use playground_tests::{dropping_first, guarantee_breaches, metric_between, only_breach};

fn run(session: &Session) -> Run {
    let mut run = Registry::standard().start(session).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    assert!(run.engine().is_finished());
    run
}

fn total(engine: &dyn Engine, id: &str) -> i64 {
    metric_between(engine, PATTERN.metrics, id, 0, 1_000)
}

/// When the job was done (ms), and the labels of the master's notes.
fn job(engine: &dyn Engine) -> (Option<u64>, Vec<String>) {
    let notes: Vec<(u64, String)> = (0..engine.trace_len())
        .map(|i| engine.event(i).unwrap())
        .filter(|e| e.node == Some(NodeId(0)) && e.tag == EventTag::Note)
        .map(|e| (e.time.as_micros() / 1_000, e.label))
        .collect();
    let done = notes.iter().find(|n| n.1 == "job done").map(|n| n.0);
    (done, notes.into_iter().map(|n| n.1).collect())
}

fn straggler() -> Session {
    Session::new("mapreduce-straggler", 1)
}

#[test]
fn backup_copies_keep_a_straggler_from_setting_the_job_time() {
    let with = run(&straggler());
    let without = run(&straggler().with_switch_off("backup-tasks"));
    let steady = run(&straggler().with_param("slowdown", 1));
    let (done_with, notes) = job(with.engine());
    let (done_without, _) = job(without.engine());
    let (done_steady, _) = job(steady.engine());
    let (with_ms, without_ms, steady_ms) = (
        done_with.unwrap(),
        done_without.unwrap(),
        done_steady.unwrap(),
    );
    // Without backups the job waits for w2's slow tasks; with them it ends within half
    // again the time of a job with no straggler at all.
    assert!(
        without_ms > 3 * with_ms,
        "{with_ms} ms with, {without_ms} ms without"
    );
    assert!(
        2 * with_ms < 3 * steady_ms,
        "{with_ms} ms, {steady_ms} ms without a straggler"
    );
    assert!(
        notes.iter().any(|n| n.starts_with("backup copy of map")),
        "{notes:?}"
    );
    // The price: a few backup copies, counted from the trace.
    let (started, backups) = (
        total(with.engine(), "started"),
        total(with.engine(), "backups"),
    );
    assert!(
        (1..=started / 2).contains(&backups),
        "{backups} of {started}"
    );
    assert_eq!(total(without.engine(), "backups"), 0);
    // Every reduce output is committed once, and holds the input's counts.
    assert_eq!(total(with.engine(), "committed"), 3);
    assert!(guarantee_breaches(&Registry::standard(), &straggler()).is_empty());
}

#[test]
fn without_backups_workers_sit_idle_at_a_named_event() {
    let breach = only_breach(
        &straggler().with_switch_off("backup-tasks"),
        "no-idle-worker",
    );
    assert!(breach.detail.contains("free slot while map"), "{breach:?}");
    assert!(breach.line.contains("m    recv"), "{breach:?}");
}

#[test]
fn committing_every_copy_commits_a_partition_twice() {
    let off = straggler().with_switch_off("commit-once");
    let breach = only_breach(&off, "commit-once");
    assert!(breach.line.contains("committed reduce"), "{breach:?}");
    let run = run(&off);
    assert!(total(run.engine(), "committed") > 3);
}

#[test]
fn a_dead_workers_finished_map_outputs_run_again_and_the_output_stays_exact() {
    let session = Session::new("mapreduce-worker-dies", 1);
    let dies = run(&session);
    let calm = run(&straggler().with_param("slowdown", 1));
    let (done, notes) = job(dies.engine());
    let failed = notes.iter().find(|n| n.starts_with("w3 failed")).unwrap();
    assert!(!failed.contains("(0 map outputs lost)"), "{failed}");
    assert!(done.is_some(), "{notes:?}");
    // Re-running the lost maps costs task copies and shuffled counts a calm run does not.
    assert!(total(dies.engine(), "started") > total(calm.engine(), "started"));
    assert_eq!(total(dies.engine(), "committed"), 3);
    assert!(guarantee_breaches(&Registry::standard(), &session).is_empty());
}

#[test]
fn a_crashed_worker_stops_counting_as_busy() {
    let run = run(&Session::new("mapreduce-worker-dies", 1));
    let e = run.engine();
    let busy = PATTERN.metrics.iter().position(|m| m.id == "busy").unwrap();
    let heat = e.heat(busy, e.horizon());
    let w3 = &heat.rows[3];
    let crash = (70_000 / heat.bucket_us) as usize;
    assert!(
        w3[..crash].iter().any(|&b| b > 0),
        "w3 worked before: {w3:?}"
    );
    // From the bucket after its crash on, it runs nothing: its gauge fell to zero.
    assert!(w3[crash + 1..].iter().all(|&b| b == 0), "{w3:?}");
}

fn mid_map() -> Session {
    Session::new("mapreduce-dies-mid-map", 1)
}

/// The labels of the trace events on `node`'s lane up to `until_ms`.
fn labels(engine: &dyn Engine, node: u32, until_ms: u64) -> Vec<String> {
    (0..engine.trace_len())
        .map(|i| engine.event(i).unwrap())
        .filter(|e| e.node == Some(NodeId(node)) && e.time.as_micros() <= until_ms * 1_000)
        .map(|e| e.label)
        .collect()
}

#[test]
fn a_worker_dying_mid_map_loses_a_finished_and_a_running_map_and_both_run_again() {
    let dies = run(&mid_map());
    let e = dies.engine();
    // At its crash (40 ms) w3 had reported a map done and was running another.
    let w3 = labels(e, 3, 40);
    let done = w3.iter().filter(|l| l.contains("done (copy")).count();
    let assigned = w3.iter().filter(|l| l.contains("from m do map")).count();
    assert!(done >= 1 && assigned > done, "w3 before its crash: {w3:?}");
    let (finished, notes) = job(e);
    let failed = notes.iter().find(|n| n.starts_with("w3 failed")).unwrap();
    assert!(!failed.contains("(0 map outputs lost)"), "{failed}");
    assert!(finished.is_some(), "{notes:?}");
    // Both of w3's maps (finished and running) were handed out again after its crash (the
    // running one may go first as a backup copy, before the master marks w3 failed).
    let w3_maps: Vec<String> = w3
        .iter()
        .filter_map(|l| l.split("from m do ").nth(1))
        .map(|t| t.split(" (copy").next().unwrap().to_string())
        .collect();
    let again: Vec<String> = (0..e.trace_len())
        .map(|i| e.event(i).unwrap())
        .filter(|ev| ev.node == Some(NodeId(0)) && ev.time.as_micros() > 40_000)
        .map(|ev| ev.label)
        .filter(|l| l.contains("do map") && !l.contains("to w3 "))
        .collect();
    for map in &w3_maps {
        assert!(
            again.iter().any(|l| l.contains(&format!("do {map} (copy"))),
            "{map} not run again: {again:?}"
        );
    }
    assert_eq!(total(e, "committed"), 3);
    assert!(guarantee_breaches(&Registry::standard(), &mid_map()).is_empty());
}

#[test]
fn a_crash_at_any_chosen_time_leaves_the_output_exact_and_committed_once() {
    for story in ["mapreduce-dies-mid-map", "mapreduce-worker-dies"] {
        for crash in [0, 15, 40, 55, 70, 90, 120] {
            let session = Session::new(story, 3).with_param("crash", crash);
            let breaches = guarantee_breaches(&Registry::standard(), &session);
            assert!(breaches.is_empty(), "{}: {breaches:?}", session.encode());
            let run = run(&session);
            assert!(job(run.engine()).0.is_some(), "{}", session.encode());
            assert_eq!(total(run.engine(), "committed"), 3);
        }
    }
}

#[test]
fn without_rerunning_lost_map_outputs_the_job_never_ends() {
    for story in [mid_map(), Session::new("mapreduce-worker-dies", 1)] {
        let off = story.with_switch_off("rerun-lost-maps");
        // The master counts the lost output as done: nobody runs the map again (the
        // new property), though a worker sits free for it (the scheduler's).
        let breaches = guarantee_breaches(&Registry::standard(), &off);
        let ids: Vec<&str> = breaches.iter().map(|b| b.property).collect();
        assert_eq!(
            ids,
            ["no-idle-worker", "started-tasks-finish"],
            "{breaches:?}"
        );
        let breach = &breaches[1];
        assert!(breach.detail.contains("w3 died"), "{breach:?}");
        assert!(breach.detail.starts_with("map "), "{breach:?}");
        let run = run(&off);
        let (done, notes) = job(run.engine());
        assert_eq!(done, None, "{notes:?}");
        assert!(total(run.engine(), "committed") < 3);
    }
}

#[test]
fn a_lost_assignment_or_report_is_noticed_from_heartbeats_and_the_job_still_ends_exact() {
    for prefix in ["do map", "map 0 done", "do reduce", "reduce 1 done"] {
        // Without backup copies, which would also rescue a lost task near a phase's end.
        let session = dropping_first(straggler().with_switch_off("backup-tasks"), prefix);
        let lossy = run(&session);
        let (done, notes) = job(lossy.engine());
        assert!(
            done.is_some(),
            "dropping `{prefix}…`: the job never ends: {notes:?}"
        );
        assert!(
            notes.iter().any(|n| n.contains("not in its heartbeat")),
            "dropping `{prefix}…`: {notes:?}"
        );
        // Without backups a worker sits idle while the straggler runs (the story's
        // contrast); what was lost must cost neither the output nor a second commit.
        let breaches = guarantee_breaches(&Registry::standard(), &session);
        assert!(
            breaches.iter().all(|b| b.property == "no-idle-worker"),
            "dropping `{prefix}…`: {breaches:?}"
        );
    }
}

#[test]
fn a_master_back_from_an_outage_does_not_take_its_own_silence_for_dead_workers() {
    use playground_core::sim::time::SimTime;
    // The master is down from 20 ms for much longer than a worker's failure timeout,
    // back at several phases of the workers' heartbeats; every worker stays up.
    for back_us in [81_000, 83_500, 86_000, 88_500] {
        let session = Session::new("mapreduce-straggler", 1)
            .with_action(SimTime::from_millis(20), Action::Crash("m".into()))
            .with_action(SimTime(back_us), Action::Restart("m".into()));
        let restarted = run(&session);
        let (finished, notes) = job(restarted.engine());
        let failed: Vec<&String> = notes.iter().filter(|n| n.contains(" failed")).collect();
        assert!(failed.is_empty(), "back at {back_us} µs: {failed:?}");
        assert!(finished.is_some_and(|ms| ms > 80), "{notes:?}");
        assert!(guarantee_breaches(&Registry::standard(), &session).is_empty());
    }
}

#[test]
fn stepping_the_master_s_wall_clock_neither_fails_its_workers_nor_hides_a_death() {
    use playground_core::sim::time::SimTime;
    // Failure detection measures silence on the master's monotonic clock: a step of its
    // wall clock, a second forward, is not silence...
    let step = |delta_us| Action::SkewClock {
        node: "m".into(),
        delta_us,
    };
    let forward = Session::new("mapreduce-straggler", 1)
        .with_action(SimTime::from_millis(17), step(1_000_000));
    let (finished, notes) = job(run(&forward).engine());
    let failed: Vec<&String> = notes.iter().filter(|n| n.contains(" failed")).collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert!(finished.is_some(), "{notes:?}");
    // ...and a second back does not hide a worker's death for a second.
    let back = Session::new("mapreduce-straggler", 1)
        .with_action(SimTime::from_millis(17), step(-1_000_000))
        .with_action(SimTime::from_millis(30), Action::Crash("w3".into()));
    let run = run(&back);
    let e = run.engine();
    let noticed = (0..e.trace_len())
        .map(|i| e.event(i).unwrap())
        .find(|ev| ev.tag == EventTag::Note && ev.label.starts_with("w3 failed"))
        .map(|ev| ev.time.as_micros() / 1_000);
    assert!(noticed.is_some_and(|ms| ms < 30 + 60), "{noticed:?}");
}
