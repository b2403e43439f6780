//! Taking a run elsewhere: as JSON (its session, fingerprint, events, violations and
//! metric series; the schema is in README.md, "Exporting a run"), as a log ShiViz reads
//! (a vector clock per event, from the trace's messages), and as a Rust test that replays
//! it natively.
//!
//! The JSON is written by hand: a few fields of plain data do not need serde, whose
//! derives on the core's types would cost the page's bundle far more (see the report in
//! BENCHMARKS.md, "Bundle: comparing and exporting a run").

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::sim::metrics::MetricKind;
use crate::sim::run::{Engine, EventTag};
use crate::Run;

/// The `format` field of every export, which an import checks first.
pub const FORMAT: &str = "distributed-patterns-playground-run";
/// The version of the export's schema.
pub const VERSION: u32 = 1;

/// The run as JSON (schema version [`VERSION`]), with the fingerprint of its explored
/// trace.
pub fn run_json(run: &Run, fingerprint: u64) -> String {
    let engine = run.engine();
    let names = engine.ref_names();
    let mut out = String::with_capacity(engine.trace_len() * 96 + 1024);
    let _ = write!(
        out,
        "{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\"session\":"
    );
    string(&mut out, &run.session().encode());
    out.push_str(",\"story\":");
    string(&mut out, run.scenario().id());
    let _ = write!(out, ",\"fingerprint\":\"{fingerprint:016x}\",\"nodes\":[");
    for (i, name) in engine.names().iter().enumerate() {
        out.push_str(if i == 0 { "" } else { "," });
        string(&mut out, name);
    }
    out.push_str("],\"events\":[");
    let name = |id: Option<crate::sim::node::NodeId>| id.and_then(|n| names.get(n.index()));
    for i in 0..engine.trace_len() {
        let Some(e) = engine.event(i) else { continue };
        out.push_str(if i == 0 { "\n{" } else { ",\n{" });
        let _ = write!(
            out,
            "\"i\":{i},\"step\":{},\"t_us\":{},\"node\":",
            e.step,
            e.time.as_micros()
        );
        optional(&mut out, name(e.node));
        let _ = write!(out, ",\"kind\":\"{}\",\"msg\":", tag_name(e.tag));
        match e.msg {
            Some(m) => {
                let _ = write!(out, "{}", m.0);
            }
            None => out.push_str("null"),
        }
        out.push_str(",\"peer\":");
        optional(&mut out, name(e.peer));
        out.push_str(",\"text\":");
        string(&mut out, &e.label);
        out.push('}');
    }
    out.push_str("],\"violations\":[");
    let violated = engine.properties().iter().zip(engine.violations());
    for (i, (p, v)) in violated.filter_map(|(p, v)| Some((p, v?))).enumerate() {
        out.push_str(if i == 0 { "" } else { "," });
        out.push_str("{\"property\":");
        string(&mut out, p.id);
        let _ = write!(
            out,
            ",\"event\":{},\"t_us\":{},\"detail\":",
            v.event,
            v.time.as_micros()
        );
        string(&mut out, &v.detail);
        out.push('}');
    }
    out.push_str("],\"metrics\":[");
    for (m, spec) in run.scenario().pattern().metrics.iter().enumerate() {
        let series = engine.series(m, engine.now());
        out.push_str(if m == 0 { "{\"id\":" } else { ",{\"id\":" });
        string(&mut out, spec.id);
        out.push_str(",\"label\":");
        string(&mut out, spec.label);
        out.push_str(",\"unit\":");
        string(&mut out, spec.unit);
        let kind = match spec.kind {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Latency => "latency",
        };
        let _ = write!(
            out,
            ",\"kind\":\"{kind}\",\"bucket_us\":{},\"points\":[",
            series.bucket_us
        );
        for (i, p) in series.points.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            let _ = write!(
                out,
                "{sep}[{},{},{},{},{}]",
                p.count, p.sum, p.max, p.p50, p.p99
            );
        }
        out.push_str("]}");
    }
    out.push_str("]}\n");
    out
}

/// The name a JSON export gives an event's kind.
pub fn tag_name(tag: EventTag) -> &'static str {
    match tag {
        EventTag::Start => "start",
        EventTag::Send => "send",
        EventTag::Lost => "lost",
        EventTag::Cut => "cut",
        EventTag::Arrive => "arrive",
        EventTag::Deliver => "deliver",
        EventTag::Dropped => "dropped",
        EventTag::Timer => "timer",
        EventTag::Retired => "retired",
        EventTag::Action => "action",
        EventTag::Note => "note",
    }
}

/// Writes `text` as a JSON string.
fn string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes a JSON string, or `null`.
fn optional(out: &mut String, text: Option<&String>) {
    match text {
        Some(t) => string(out, t),
        None => out.push_str("null"),
    }
}

/// The regular expression ShiViz parses [`shiviz_log`]'s lines with (its first line).
pub const SHIVIZ_REGEX: &str = r"(?<event>.*) (?<host>\S+) (?<clock>\{.*\})$";

/// The run's events as a ShiViz log: the parsing expression on the first line, a blank
/// line, then one line per event on a node, `<event> <host> <vector clock as JSON>`.
///
/// The clocks follow the trace's messages: every event on a node ticks that node's own
/// entry, and a delivery (or an arrival to wait for a worker) first takes, entry by
/// entry, the larger of the receiver's clock and the clock its message was sent with.
/// Network-wide actions (no node) are left out: they happen on no host.
pub fn shiviz_log(engine: &dyn Engine) -> String {
    let names = engine.names();
    let mut clocks: Vec<BTreeMap<usize, u64>> = vec![BTreeMap::new(); names.len()];
    let mut sent: Vec<Option<BTreeMap<usize, u64>>> = Vec::new();
    let mut out = format!("{SHIVIZ_REGEX}\n\n");
    for i in 0..engine.trace_len() {
        let Some(e) = engine.event(i) else { continue };
        let Some(node) = e.node.map(|n| n.index()).filter(|n| *n < names.len()) else {
            continue;
        };
        let msg = e.msg.map(|m| m.0 as usize);
        if let (EventTag::Deliver | EventTag::Arrive, Some(m)) = (e.tag, msg) {
            if let Some(Some(theirs)) = sent.get(m) {
                for (&k, &v) in theirs {
                    let mine = clocks[node].entry(k).or_insert(0);
                    *mine = (*mine).max(v);
                }
            }
        }
        *clocks[node].entry(node).or_insert(0) += 1;
        if let (EventTag::Send | EventTag::Lost | EventTag::Cut, Some(m)) = (e.tag, msg) {
            if sent.len() <= m {
                sent.resize(m + 1, None);
            }
            sent[m] = Some(clocks[node].clone());
        }
        let _ = write!(out, "{} {} {{", e.label.replace('\n', " "), names[node]);
        for (j, (k, v)) in clocks[node].iter().enumerate() {
            let sep = if j == 0 { "" } else { ", " };
            let _ = write!(out, "{sep}\"{}\": {v}", names[*k]);
        }
        out.push_str("}\n");
    }
    out
}

/// A Rust test that replays the run natively: its session, the fingerprint of its
/// explored trace, and which properties break (the rest must hold).
pub fn rust_test(run: &Run, fingerprint: u64) -> String {
    let session = run.session().encode();
    let name: String = run
        .scenario()
        .id()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let engine = run.engine();
    let mut broken = String::new();
    for (p, v) in engine.properties().iter().zip(engine.violations()) {
        if v.is_some() {
            let _ = write!(broken, "\"{}\", ", p.id);
        }
    }
    format!(
        "#[test]\nfn replays_{name}_seed_{}() {{\n    playground_tests::replay::check(\n        \
         \"{session}\",\n        0x{fingerprint:016x},\n        &[{}],\n    );\n}}\n",
        run.session().seed,
        broken.trim_end_matches(", ")
    )
}
