//! Tests of the model's charts and request paths, natively.
use super::*;
use crate::url::parse_query;
use playground_core::sim::metrics::{MetricKind, MetricSpec, Point, Series, LOAD};
use playground_core::sim::run::EventTag;

fn open(search: &str) -> Playground {
    Playground::open(parse_query(search), false)
}

/// The first message of the run whose path has at least `hops` messages.
fn message_on_a_path(p: &Playground, hops: usize) -> MsgId {
    let engine = p.run().engine();
    (0..)
        .map(MsgId)
        .take_while(|m| engine.message(*m).is_some())
        .find(|m| engine.path(*m).is_some_and(|path| path.hops.len() >= hops))
        .expect("a request with a path that long")
}

#[test]
fn picking_a_message_shows_its_whole_path_with_hop_and_end_to_end_times() {
    let mut p = open("?s=v1~consistent-lookup~seed.1");
    assert_eq!(p.path(), None);
    let picked = message_on_a_path(&p, 3);
    p.apply(Command::SelectPath(picked));
    let view = p.path().expect("a path is shown");
    let core = p.run().engine().path(picked).unwrap();
    assert_eq!(view.picked, picked);
    assert_eq!(
        view.hops.iter().map(|h| h.msg).collect::<Vec<_>>(),
        core.hops.iter().map(|h| h.msg).collect::<Vec<_>>()
    );
    assert!(view.members.contains(&picked));
    assert_eq!(view.latency_us, core.latency());
    for (hop, core_hop) in view.hops.iter().zip(&core.hops) {
        assert!(view.nodes.contains(&hop.from) && view.nodes.contains(&hop.to));
        assert!(view.links.contains(&(hop.from, hop.to)));
        assert_eq!(
            hop.label,
            p.run().engine().message(hop.msg).unwrap().label,
            "the payload as the log writes it"
        );
        let took = core_hop
            .end
            .map(|(t, _)| t.as_micros() - core_hop.sent_at.as_micros());
        assert_eq!(hop.took_us(), took);
    }
    let last = view.hops.iter().filter_map(|h| h.end).map(|e| e.0).max();
    assert_eq!(
        view.latency_us,
        last.map(|t| t.as_micros() - view.hops[0].sent.as_micros()),
        "end to end: from the root's send to the last delivery"
    );

    // The path stays while the cursor moves, computed once.
    p.apply(Command::Scrub(SimTime::from_millis(5)));
    p.apply(Command::StepForward);
    assert_eq!(p.path(), Some(view.clone()));
    assert_eq!(p.path_memo.computations(), 1);

    p.apply(Command::ClearPath);
    assert_eq!(p.path(), None);
}

#[test]
fn selecting_a_message_in_flight_toggles_its_path_and_a_new_run_forgets_it() {
    let mut p = open("?s=v1~consistent-lookup~seed.1");
    let picked = message_on_a_path(&p, 2);
    p.apply(Command::SelectMessage(picked));
    assert_eq!(p.path().map(|v| v.picked), Some(picked));
    // Picking a node keeps the path on screen.
    p.apply(Command::SelectNode(NodeId(0)));
    assert_eq!(p.path_message(), Some(picked));
    p.apply(Command::SelectMessage(picked));
    p.apply(Command::SelectMessage(picked));
    assert_eq!(p.path(), None, "selecting it again deselects it");
    p.apply(Command::SelectPath(picked));
    p.apply(Command::NewSeed);
    assert_eq!(p.path(), None, "another run has other messages");
}

#[test]
fn the_log_offers_the_path_of_rows_about_a_message() {
    let mut p = open("?s=v1~consistent-lookup~seed.1");
    p.apply(Command::Scrub(SimTime::from_millis(40)));
    let rows = p.log_rows(20, 0);
    let engine = p.run().engine();
    assert!(rows.iter().any(|r| r.msg.is_some()));
    for row in rows {
        let event = engine.event(row.index).unwrap();
        assert_eq!(row.msg, event.msg, "{}", row.text);
    }
}

#[test]
fn arrows_of_a_path_cross_the_window_edges_and_never_repeat() {
    let mut p = open("?s=v1~consistent-lookup~seed.1");
    p.apply(Command::Scrub(SimTime::from_millis(30)));
    let (start, span) = p.diagram_window();
    let events = p.events_between(start, start.plus_micros(span));
    let arrows = p.arrows(&events);
    let ids: BTreeSet<MsgId> = arrows.iter().map(|a| a.msg).collect();
    assert_eq!(ids.len(), arrows.len(), "one arrow per message");
    for e in events.iter().filter(|e| e.tag == EventTag::Deliver) {
        let arrow = arrows.iter().find(|a| Some(a.msg) == e.msg).unwrap();
        assert_eq!(arrow.end, ArrowEnd::Delivered(e.time));
        // No message of this pattern takes time at its node.
        assert_eq!(arrow.arrived, None);
    }
}

const RETRIES: MetricSpec = MetricSpec {
    id: "retries",
    label: "Retries",
    kind: MetricKind::Counter,
    unit: "retries",
    per_node: false,
    help: "",
};

fn point(sum: i64, max: i64, p50: i64, p99: i64) -> Point {
    Point {
        count: 1,
        sum,
        max,
        p50,
        p99,
    }
}

#[test]
fn a_counter_is_charted_per_second_a_latency_in_ms_a_gauge_at_its_highest() {
    // Buckets of 20 ms: a sum of 3 in one is 150 per second.
    let series = Series {
        bucket_us: 20_000,
        points: vec![point(3, 2, 1_500, 9_000), Point::default()],
    };
    let counter = chart_of(&RETRIES, &series, None);
    assert_eq!(counter.unit, "retries/s");
    assert_eq!(counter.lines.len(), 1);
    assert_eq!(counter.lines[0].values, [150.0, 0.0]);
    assert_eq!(counter.heat, None);

    let latency = MetricSpec {
        kind: MetricKind::Latency,
        unit: "µs",
        ..RETRIES
    };
    let chart = chart_of(&latency, &series, None);
    assert_eq!(chart.unit, "ms");
    let names: Vec<&str> = chart.lines.iter().map(|l| l.name).collect();
    assert_eq!(names, ["p50", "p99"]);
    assert_eq!(chart.lines[0].values, [1.5, 0.0]);
    assert_eq!(chart.lines[1].values, [9.0, 0.0]);
    assert_eq!(chart.max(), 9.0);

    let gauge = MetricSpec {
        kind: MetricKind::Gauge,
        unit: "messages",
        ..RETRIES
    };
    let chart = chart_of(&gauge, &series, None);
    assert_eq!(
        (chart.unit.as_str(), chart.lines[0].values[0]),
        ("messages", 2.0)
    );
}

#[test]
fn a_per_node_counter_gets_a_strip_of_rates() {
    let series = Series {
        bucket_us: 10_000,
        points: vec![point(5, 0, 0, 0); 2],
    };
    let heat = playground_core::sim::metrics::Heat {
        bucket_us: 10_000,
        rows: vec![vec![1, 4], vec![4, 0]],
    };
    let chart = chart_of(&LOAD, &series, Some(&heat));
    let strip = chart.heat.expect("a per-node metric has a strip");
    assert_eq!(strip.rows, [[100.0, 400.0], [400.0, 0.0]]);
    assert_eq!(strip.max, 400.0);
    assert_eq!(strip.unit, "messages/s");
}

#[test]
fn charts_are_computed_once_per_run_not_per_cursor() {
    let mut p = open("");
    assert!(
        p.charts().is_empty(),
        "the Lamport clock declares no metrics"
    );
    for ms in [1, 5, 9] {
        p.apply(Command::Scrub(SimTime::from_millis(ms)));
        p.apply(Command::StepForward);
        let _ = p.charts();
    }
    assert_eq!(p.chart_computations(), 1);
    p.apply(Command::Act(Action::Crash("s1".into())));
    let _ = p.charts();
    assert_eq!(p.chart_computations(), 2, "a changed run is charted anew");
}

/// Deliveries of work at each instance per bucket, counted from the trace itself.
fn served_from_the_trace(p: &Playground, bucket_us: u64, buckets: usize) -> Vec<Vec<f64>> {
    let engine = p.run().engine();
    let mut rows = vec![vec![0.0; buckets]; engine.names().len()];
    for i in 0..engine.trace_len() {
        let Some((Some(node), EventTag::Deliver)) = engine.event_class(i) else {
            continue;
        };
        let msg = engine.event_msg(i).unwrap();
        if engine.message(msg).unwrap().label.starts_with("work ") {
            let time = engine.event(i).unwrap().time.as_micros();
            rows[node.index()][(time / bucket_us) as usize] += 1.0;
        }
    }
    rows
}

#[test]
fn the_served_rate_charted_is_the_work_delivered_per_second_in_the_trace() {
    let p = open("?s=v1~balance-slow-instance~seed.1");
    let charts = p.charts();
    let ids: Vec<&str> = charts.iter().map(|c| c.spec.id).collect();
    assert_eq!(ids, ["latency", "failed", "served", "queue"]);
    let served = &charts[2];
    assert_eq!(served.unit, "requests/s");
    let per_second = 1e6 / served.bucket_us as f64;
    let counted = served_from_the_trace(&p, served.bucket_us, served.buckets());
    let heat = served.heat.as_ref().expect("served is per node");
    for (row, want) in heat.rows.iter().zip(&counted) {
        let want: Vec<f64> = want.iter().map(|c| c * per_second).collect();
        assert_eq!(row, &want);
    }
    let total: Vec<f64> = (0..served.buckets())
        .map(|b| counted.iter().map(|r| r[b]).sum::<f64>() * per_second)
        .collect();
    assert_eq!(served.lines[0].values, total);
    assert!(
        total.iter().sum::<f64>() > 100.0 * per_second,
        "hundreds of requests served"
    );
    let latency = &charts[0];
    assert_eq!(latency.unit, "ms");
    assert!(latency.lines[1]
        .values
        .iter()
        .zip(&latency.lines[0].values)
        .all(|(p99, p50)| p99 >= p50));
}

#[test]
fn a_balanced_request_waits_at_its_instance_and_its_arrow_ends_on_arrival() {
    let mut p = open("?s=v1~balance-slow-instance~seed.1");
    let picked = message_on_a_path(&p, 4);
    p.apply(Command::SelectPath(picked));
    let view = p.path().unwrap();
    let work = view
        .hops
        .iter()
        .find(|h| h.label.starts_with("work "))
        .expect("the balancer forwards the request to an instance");
    let arrived = work.arrived.expect("work takes time at the instance");
    let (delivered, true) = work.end.unwrap() else {
        panic!("delivered")
    };
    assert!(
        work.sent < arrived && arrived < delivered,
        "served for a while"
    );
    assert_eq!(
        work.at_node_us(),
        Some(delivered.as_micros() - arrived.as_micros())
    );
    // The diagram around the arrival draws the arrow to it, with the wait after it.
    p.apply(Command::Scrub(arrived));
    let (start, span) = p.diagram_window();
    let events = p.events_between(start, start.plus_micros(span));
    let arrow = p
        .arrows(&events)
        .into_iter()
        .find(|a| a.msg == work.msg)
        .unwrap();
    assert_eq!(arrow.arrived, Some(arrived));
    assert_eq!(arrow.end, ArrowEnd::Delivered(delivered));
    // From a window that starts after the arrival, it is found all the same.
    let later = p.events_between(arrived.plus_micros(1), delivered.plus_micros(1));
    let arrow = p.arrows(&later).into_iter().find(|a| a.msg == work.msg);
    assert_eq!(arrow.and_then(|a| a.arrived), Some(arrived));
}
