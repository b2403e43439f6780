//! Golden traces: every registered scenario's default run, compared line for line with
//! `tests/golden/<id>.txt`, and no golden file without a scenario.
//!
//! After an intended change of behaviour, regenerate with `UPDATE_EXPECT=1 cargo test`
//! and review the diff of `tests/golden/`.

use std::path::{Path, PathBuf};

use playground_core::sim::trace::fingerprint;
use playground_core::{Registry, Session};

/// The golden file of the faulty sessions' fingerprints, which has its own test.
const SESSION_HASHES: &str = "session-hashes.txt";

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden")
}

fn trace_of(scenario: &str) -> String {
    let registry = Registry::standard();
    let mut run = registry
        .start(&Session::new(scenario, 1))
        .expect("scenario starts");
    run.engine_mut().run_to_end(1_000_000);
    assert!(
        run.engine().is_finished(),
        "{scenario} ends before its horizon"
    );
    run.engine().trace_text()
}

/// Compares `actual` with the golden file at `path` (rewriting it under
/// `UPDATE_EXPECT=1`) and names the first line that differs. A full text diff of two
/// traces of tens of thousands of lines takes longer than the whole suite, so a changed
/// trace would stall the suite instead of failing it.
fn assert_golden(path: &Path, actual: &str) {
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return;
    }
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).expect("the golden file is writable");
        return;
    }
    let (line, want, got) = expected
        .lines()
        .map(Some)
        .chain(std::iter::repeat(None))
        .zip(actual.lines().map(Some).chain(std::iter::repeat(None)))
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| (i + 1, a.unwrap_or("(end)"), b.unwrap_or("(end)")))
        .unwrap_or((0, "(a trailing newline)", ""));
    panic!(
        "{} differs from line {line}:\n  golden: {want}\n  now:    {got}\n\
         after an intended change, rerun with UPDATE_EXPECT=1 and review `git diff`",
        path.display()
    );
}

#[test]
fn every_scenario_runs_as_its_golden_trace() {
    for scenario in Registry::standard().scenarios() {
        let path = golden_dir().join(format!("{}.txt", scenario.id()));
        assert_golden(&path, &trace_of(scenario.id()));
    }
}

#[test]
fn every_golden_file_belongs_to_a_scenario() {
    let registry = Registry::standard();
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(golden_dir()).expect("tests/golden is readable") {
        let name = entry.expect("a directory entry").file_name();
        let name = name.to_string_lossy();
        let scenario = name
            .strip_suffix(".txt")
            .and_then(|id| registry.scenario(id));
        if name != SESSION_HASHES && scenario.is_none() {
            orphans.push(name.into_owned());
        }
    }
    assert_eq!(
        orphans,
        Vec::<String>::new(),
        "golden files with no scenario: delete them"
    );
}

/// Fingerprints of faulty sessions; the wasm test in `web/tests/determinism.rs` replays the
/// same sessions in headless Chrome and must get the same fingerprints.
#[test]
fn session_hashes() {
    let registry = Registry::standard();
    let mut table = String::new();
    for scenario in registry.scenarios() {
        for seed in 1..=3 {
            let session = playground_tests::faulty_session(&registry, scenario.id(), seed);
            let mut run = registry.start(&session).expect("session starts");
            let hash = run.trace_hash(1_000_000);
            table.push_str(&format!("{} {hash:016x}\n", session.encode()));
        }
    }
    assert_golden(&golden_dir().join(SESSION_HASHES), &table);
}

/// The fingerprint streamed from the trace equals the fingerprint of its whole text.
#[test]
fn streamed_fingerprints_equal_the_fingerprint_of_the_text() {
    let registry = Registry::standard();
    let mut distinct = Vec::new();
    for scenario in registry.scenarios() {
        let session = playground_tests::faulty_session(&registry, scenario.id(), 2);
        let mut run = registry.start(&session).expect("session starts");
        let streamed = run.trace_hash(1_000_000);
        let text = run.engine().trace_text();
        assert_eq!(streamed, fingerprint(&text), "{}", scenario.id());
        distinct.push(streamed);
    }
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        registry.scenarios().len(),
        "different runs get different fingerprints"
    );
}
