//! The RDD pattern's node: the driver or an executor.

use super::driver::Driver;
use super::executor::Executor;
use super::msg::{Msg, Note, Timer};
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A node of the job.
#[derive(Clone, Debug)]
pub enum RddNode {
    /// Knows the lineage, hands out tasks.
    Driver(Driver),
    /// Runs tasks, caches partitions.
    Executor(Executor),
}

impl Node for RddNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            RddNode::Driver(d) => d.on_start(ctx),
            RddNode::Executor(e) => e.on_start(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            RddNode::Driver(d) => d.on_message(ctx, from, msg),
            RddNode::Executor(e) => e.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            RddNode::Driver(d) => d.on_timer(ctx, timer),
            RddNode::Executor(e) => e.on_timer(ctx, timer),
        }
    }

    fn on_crash(&mut self) {
        if let RddNode::Executor(e) = self {
            e.on_crash();
        }
    }

    fn view(&self) -> NodeView {
        match self {
            RddNode::Driver(d) => d.view(),
            RddNode::Executor(e) => e.view(),
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Run { job, .. } => job.to_string(),
            Msg::Heartbeat { .. } => "hb".into(),
            Msg::Parsed { q } => format!("parsed {q}"),
            Msg::IterDone { iter, part, .. } => format!("i{iter}/p{part} ✓"),
            Msg::Fetch { q, part } | Msg::Block { q, part, .. } => format!("q{q}→p{part}"),
            Msg::FetchFailed { .. } => "fetch failed".into(),
        }
    }
}
