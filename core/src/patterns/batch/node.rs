//! The coordinated batch's nodes: the coordinator, a worker, or the consumer of results.

use super::coordinator::Coordinator;
use super::msg::{Msg, Note, Timer};
use crate::patterns::slowable::SlowableWork;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A task's work at normal speed: 4–6 ms.
pub const TASK_WORK: Delay = Delay::Uniform(4_000, 6_000);

/// A node of the batch.
#[derive(Clone, Debug)]
pub enum BatchNode {
    /// Hands out tasks and combines their outputs.
    Coordinator(Coordinator),
    /// Computes tasks one at a time, answering `coordinator`.
    Worker {
        /// Where outputs go.
        coordinator: NodeId,
        /// Its speed and what it served.
        work: SlowableWork,
    },
    /// Receives the results.
    Consumer {
        /// The latest result.
        latest: Option<Msg>,
    },
}

impl BatchNode {
    /// A worker answering `coordinator`, `slow` times slower than normal.
    pub fn worker(coordinator: NodeId, slow: i64) -> BatchNode {
        let mut work = SlowableWork::new(TASK_WORK);
        work.command("slow", slow);
        BatchNode::Worker { coordinator, work }
    }
}

/// A task's output: the sum of the squares of `lo..=hi`.
pub fn task_output(lo: u64, hi: u64) -> u64 {
    (lo..=hi).map(|k| k * k).sum()
}

impl Node for BatchNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let BatchNode::Coordinator(c) = self {
            c.on_start(ctx);
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, _from: NodeId, msg: Msg) {
        match (self, msg) {
            (BatchNode::Coordinator(c), msg) => c.on_message(ctx, msg),
            (
                BatchNode::Worker { coordinator, work },
                Msg::Task {
                    batch,
                    task,
                    lo,
                    hi,
                },
            ) => {
                work.count_served();
                let value = task_output(lo, hi);
                ctx.send(*coordinator, Msg::Output { batch, task, value });
            }
            (BatchNode::Consumer { latest }, msg) => *latest = Some(msg),
            (BatchNode::Worker { .. }, _) => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        if let BatchNode::Coordinator(c) = self {
            c.on_timer(ctx, timer);
        }
    }

    fn on_crash(&mut self) {
        match self {
            BatchNode::Coordinator(c) => c.on_crash(),
            BatchNode::Consumer { latest } => *latest = None,
            BatchNode::Worker { .. } => {}
        }
    }

    fn view(&self) -> NodeView {
        match self {
            BatchNode::Coordinator(c) => c.view(),
            BatchNode::Worker { work, .. } => NodeView {
                role: "worker",
                headline: work.headline(),
                fields: work.fields("tasks done"),
            },
            BatchNode::Consumer { latest } => NodeView {
                role: "consumer",
                headline: match latest {
                    Some(Msg::Running { batch, folded, .. }) => format!("b{batch}: {folded} tasks"),
                    Some(Msg::Final { batch, .. }) => format!("b{batch}: final"),
                    _ => "no result yet".into(),
                },
                fields: latest
                    .iter()
                    .map(|msg| ("latest result", msg.to_string()))
                    .collect(),
            },
        }
    }

    fn service(&self, msg: &Msg) -> Option<Delay> {
        match self {
            BatchNode::Coordinator(c) => c.service(msg),
            BatchNode::Worker { work, .. } => Some(work.delay()),
            BatchNode::Consumer { .. } => None,
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<'_, Self>, verb: &str, arg: i64) {
        if let BatchNode::Worker { work, .. } = self {
            if let Some(factor) = work.command(verb, arg) {
                ctx.note(Note::Slowed { factor });
            }
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Task { batch, task, .. } | Msg::Output { batch, task, .. } => {
                format!("b{batch}.{task}")
            }
            Msg::Running { batch, folded, .. } => format!("b{batch} {folded}✓"),
            Msg::Final { batch, .. } => format!("b{batch} final"),
        }
    }
}
