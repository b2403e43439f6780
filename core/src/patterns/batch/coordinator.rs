//! The coordinator: hands each batch's tasks to the workers round robin and combines
//! their outputs, by a join (a barrier, then compute) or a reduce (fold as they come).

use super::msg::{Msg, Note, Timer};
use super::node::BatchNode;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// Folding one output into the answer: 1 ms of the coordinator's time.
pub const FOLD_US: u64 = 1_000;
/// A new batch starts this long after the previous one's final result.
pub const GAP_US: u64 = 50_000;
/// Numbers in one task's slice.
const SLICE: u64 = 100;

/// How the coordinator combines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Fold each output as it arrives (reduce), or wait for all of them (join).
    pub reduce: bool,
    /// A reducer remembers which tasks it folded and drops a repeat.
    pub fold_once: bool,
    /// Tasks per batch.
    pub tasks: u32,
    /// The first worker's id; the workers are consecutive.
    pub first_worker: u32,
    /// How many workers.
    pub workers: u32,
    /// Who receives the results.
    pub consumer: NodeId,
}

/// The batch being combined.
#[derive(Clone, Debug)]
struct Open {
    batch: u32,
    /// Per task: its output, once in (a join's slots; a reducer's record of what it
    /// folded, when it keeps one).
    slots: Vec<Option<u64>>,
    /// Outputs folded (a reducer's count, repeats included when it keeps no record).
    folded: u32,
    sum: u64,
}

/// The coordinator.
#[derive(Clone, Debug)]
pub struct Coordinator {
    plan: Plan,
    /// Durable: batch numbers only grow, so outputs of two batches never mix.
    next_batch: u32,
    // Volatile.
    open: Option<Open>,
    done: u32,
    last_final: Option<u64>,
}

impl Coordinator {
    /// A coordinator working to `plan`.
    pub fn new(plan: Plan) -> Coordinator {
        Coordinator {
            plan,
            next_batch: 1,
            open: None,
            done: 0,
            last_final: None,
        }
    }

    /// How long handling `msg` takes: a reducer folds an output for [`FOLD_US`].
    pub(super) fn service(&self, msg: &Msg) -> Option<Delay> {
        (self.plan.reduce && matches!(msg, Msg::Output { .. })).then_some(Delay::Fixed(FOLD_US))
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, BatchNode>) {
        let batch = self.next_batch;
        self.next_batch += 1;
        let tasks = self.plan.tasks;
        for task in 0..tasks {
            let lo = (u64::from(batch - 1) * u64::from(tasks) + u64::from(task)) * SLICE + 1;
            let worker = NodeId(self.plan.first_worker + task % self.plan.workers);
            let hi = lo + SLICE - 1;
            ctx.send(
                worker,
                Msg::Task {
                    batch,
                    task,
                    lo,
                    hi,
                },
            );
        }
        self.open = Some(Open {
            batch,
            slots: vec![None; tasks as usize],
            folded: 0,
            sum: 0,
        });
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, BatchNode>, msg: Msg) {
        let Msg::Output { batch, task, value } = msg else {
            return;
        };
        let plan = self.plan;
        let Some(open) = self.open.as_mut().filter(|o| o.batch == batch) else {
            return;
        };
        let Some(slot) = open.slots.get_mut(task as usize) else {
            return;
        };
        let repeat = slot.is_some();
        *slot = Some(value);
        if !plan.reduce {
            if !repeat && open.slots.iter().all(Option::is_some) {
                ctx.note(Note::Barrier { batch });
                let us = u64::from(plan.tasks) * FOLD_US;
                ctx.set_timer(Timer::Combined { batch }, us, us);
            }
            return;
        }
        if repeat && plan.fold_once {
            ctx.note(Note::Repeat { batch, task });
            return;
        }
        open.folded += 1;
        open.sum += value;
        let (folded, value) = (open.folded, open.sum);
        if folded >= plan.tasks {
            self.publish_final(ctx, batch, value);
        } else {
            ctx.send(
                plan.consumer,
                Msg::Running {
                    batch,
                    folded,
                    value,
                },
            );
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, BatchNode>, timer: Timer) {
        match timer {
            Timer::NextBatch => self.on_start(ctx),
            Timer::Combined { batch } => {
                let Some(open) = self.open.as_ref().filter(|o| o.batch == batch) else {
                    return;
                };
                let value = open.slots.iter().flatten().sum();
                self.publish_final(ctx, batch, value);
            }
        }
    }

    fn publish_final(&mut self, ctx: &mut Ctx<'_, BatchNode>, batch: u32, value: u64) {
        ctx.send(self.plan.consumer, Msg::Final { batch, value });
        self.open = None;
        self.done += 1;
        self.last_final = Some(value);
        ctx.set_timer(Timer::NextBatch, GAP_US, GAP_US);
    }

    pub(super) fn on_crash(&mut self) {
        self.open = None;
    }

    pub(super) fn view(&self) -> NodeView {
        let headline = match &self.open {
            Some(o) => {
                let n = o.slots.iter().flatten().count();
                format!("b{}: {n}/{} in", o.batch, self.plan.tasks)
            }
            None => format!("{} batches done", self.done),
        };
        let mode = if self.plan.reduce { "reduce" } else { "join" };
        let running = self.open.as_ref().filter(|_| self.plan.reduce);
        NodeView {
            role: "coordinator",
            headline,
            fields: vec![
                ("combines by", mode.to_string()),
                ("batches done", self.done.to_string()),
                (
                    "running sum",
                    running.map_or("–".into(), |o| o.sum.to_string()),
                ),
                (
                    "last final result",
                    self.last_final.map_or("–".into(), |v| v.to_string()),
                ),
            ],
        }
    }
}
