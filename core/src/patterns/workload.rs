//! A synthetic workload for benchmarks, not a pattern of the catalog.
//!
//! `nodes` nodes each wake every 10 ms (with jitter), send a heartbeat to two peers chosen
//! from the run's RNG, and a client request to a third; every message is answered: about
//! 13 trace events per node per 10 ms. A run of 1,000 nodes produces about 1.3 million
//! events per second of virtual time, so ten million events take under eight seconds.

use std::fmt;

use crate::sim::checker::{Breach, Checker, Property, World};
use crate::sim::engine::{Setup, Simulation};
use crate::sim::network::LinkConfig;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};
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
#[derive(Clone, Copy, Debug)]
pub struct WorkloadNode {
    nodes: u32,
    round: u32,
    answered: u32,
}

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
            Msg::Pong(_) | Msg::Reply(_) => self.answered += 1,
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _timer: Tick) {
        self.round += 1;
        for _ in 0..2 {
            let peer = NodeId(ctx.random_below(u64::from(self.nodes)) as u32);
            ctx.send(peer, Msg::Ping(self.round));
        }
        let server = NodeId(ctx.random_below(u64::from(self.nodes)) as u32);
        ctx.send(server, Msg::Request(self.round));
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
pub fn simulation(nodes: u32, seed: u64, horizon: SimTime) -> Simulation<WorkloadNode, NoChecker> {
    let node = WorkloadNode {
        nodes,
        round: 0,
        answered: 0,
    };
    Simulation::new(Setup {
        topology: Default::default(),
        metrics: &[],
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
    }
}
