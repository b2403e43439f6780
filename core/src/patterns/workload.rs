//! A synthetic workload for benchmarks, not a pattern of the catalog.
//!
//! `nodes` nodes each wake every 10 ms (with jitter), send a heartbeat to two peers chosen
//! from the run's RNG, and a client request to a third; every message is answered: about
//! 13 trace events per node per 10 ms. A run of 1,000 nodes produces about 1.3 million
//! events per second of virtual time, so ten million events take under eight seconds.
//!
//! The *loaded* variant ([`loaded_simulation`]) is the foundation's benchmark: the same
//! open-loop traffic, but a request takes service time at its server (one worker, a
//! queue) and every answer's latency is measured; with metrics on, the run also records
//! each node's load and queue depth (the engine's built-in metrics).

use std::fmt;

use crate::sim::checker::{Breach, Checker, Property, World};
use crate::sim::engine::{Setup, Simulation};
use crate::sim::load::Delay;
use crate::sim::metrics::{MetricSpec, LOAD, QUEUE};
use crate::sim::network::LinkConfig;
use crate::sim::node::{Ctx, Node, NodeId, NodeView, Stamp};
use crate::sim::time::SimTime;
use crate::sim::trace::{MessageRecord, TraceEvent};

/// Messages of the workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A heartbeat.
    Ping(u32),
    /// A heartbeat's answer.
    Pong(u32),
    /// A client request.
    Request(u32),
    /// Its answer.
    Reply(u32),
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Ping(n) => write!(f, "ping {n}"),
            Msg::Pong(n) => write!(f, "pong {n}"),
            Msg::Request(n) => write!(f, "request {n}"),
            Msg::Reply(n) => write!(f, "reply {n}"),
        }
    }
}

/// The workload's one timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tick;

impl fmt::Display for Tick {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tick")
    }
}

/// The workload has no pattern-level events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoNote {}

impl fmt::Display for NoNote {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

/// A workload node.
#[derive(Clone, Debug)]
pub struct WorkloadNode {
    nodes: u32,
    round: u32,
    answered: u32,
    /// Whether requests take service time and answers are measured.
    loaded: bool,
    /// Requests waiting for their answer, with when they were sent.
    waiting: Vec<(u32, Stamp)>,
}

/// The loaded workload's metrics: answer latency, then the engine's built-ins.
pub const METRICS: &[MetricSpec] = &[
    MetricSpec::latency("From a request's send to its answer."),
    LOAD,
    QUEUE,
];

impl Node for WorkloadNode {
    type Msg = Msg;
    type Timer = Tick;
    type Note = NoNote;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        ctx.set_timer(Tick, 1_000, 10_000);
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Ping(n) => ctx.send(from, Msg::Pong(n)),
            Msg::Request(n) => ctx.send(from, Msg::Reply(n)),
            Msg::Pong(_) => self.answered += 1,
            Msg::Reply(n) => {
                self.answered += 1;
                if let Some(i) = self.waiting.iter().position(|w| w.0 == n) {
                    let (_, sent) = self.waiting.swap_remove(i);
                    ctx.measure_since(0, sent);
                }
            }
        }
    }

    fn service(&self, msg: &Msg) -> Option<Delay> {
        (self.loaded && matches!(msg, Msg::Request(_))).then_some(Delay::Exponential(300))
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _timer: Tick) {
        self.round += 1;
        for _ in 0..2 {
            let peer = NodeId(ctx.random_below(u64::from(self.nodes)) as u32);
            ctx.send(peer, Msg::Ping(self.round));
        }
        let server = NodeId(ctx.random_below(u64::from(self.nodes)) as u32);
        ctx.send(server, Msg::Request(self.round));
        if self.loaded {
            // An answer that never comes is forgotten after a few rounds.
            self.waiting.retain(|w| w.0 + 4 > self.round);
            self.waiting.push((self.round, ctx.stamp()));
        }
        ctx.set_timer(Tick, 9_000, 11_000);
    }

    fn on_crash(&mut self) {}

    fn view(&self) -> NodeView {
        NodeView {
            role: "node",
            headline: format!("round {}", self.round),
            fields: vec![("answers", self.answered.to_string())],
        }
    }
}

/// The workload checks nothing: benchmarks measure the engine.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoChecker;

impl Checker<WorkloadNode> for NoChecker {
    fn properties(&self) -> &'static [Property] {
        &[]
    }

    fn observe(&mut self, _: usize, _: &TraceEvent<WorkloadNode>, _: Option<&MessageRecord<Msg>>) {}

    fn check(&mut self, _: &[WorkloadNode], _: &World<'_>, _: &mut Vec<Breach>) {}
}

/// A workload run of `nodes` nodes that ends at `horizon`.
pub fn simulation(nodes: u32, seed: u64, horizon: SimTime) -> Simulation {
    build(nodes, seed, horizon, false, &[])
}

/// The loaded workload (service time, queues, latency measured), recording its metrics
/// when `metrics` is true and discarding them otherwise.
pub fn loaded_simulation(nodes: u32, seed: u64, horizon: SimTime, metrics: bool) -> Simulation {
    build(
        nodes,
        seed,
        horizon,
        true,
        if metrics { METRICS } else { &[] },
    )
}

fn build(
    nodes: u32,
    seed: u64,
    horizon: SimTime,
    loaded: bool,
    metrics: &'static [MetricSpec],
) -> Simulation {
    let node = WorkloadNode {
        nodes,
        round: 0,
        answered: 0,
        loaded,
        waiting: Vec::new(),
    };
    Simulation::new(Setup {
        topology: Default::default(),
        metrics,
        names: (0..nodes).map(|i| format!("n{i}")).collect(),
        nodes: vec![node; nodes as usize],
        clocks: Vec::new(),
        link: LinkConfig::default(),
        horizon,
        seed,
        checker: NoChecker,
        script: Vec::new(),
        user_actions: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workload_is_busy_and_deterministic() {
        let run = |seed| {
            let mut sim = simulation(50, seed, SimTime::from_millis(100));
            sim.run_to_end(usize::MAX);
            sim.trace().events.len()
        };
        let events = run(1);
        // About 13 events per node per 10 ms: 50 nodes, 100 ms.
        assert!((5_000..8_000).contains(&events), "{events} events");
        assert_eq!(events, run(1));
        let mut loaded = loaded_simulation(50, 1, SimTime::from_millis(100), true);
        loaded.run_to_end(usize::MAX);
        let text = loaded.trace().text(loaded.ref_names());
        assert!(text.contains("; served now") && text.contains("waiting"));
        assert!(
            loaded.metrics().samples(0).len() > 300,
            "latencies measured"
        );
        assert!(
            loaded.metrics().samples(2).iter().any(|s| s.value > 0),
            "queues"
        );
    }
}
