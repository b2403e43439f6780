//! The master: hands out map tasks, then reduce tasks, to idle workers; notices silent
//! workers and runs their tasks again (their finished map outputs too, which were on
//! their disks); starts backup copies near the end of a phase; commits each reduce
//! output once.

use std::rc::Rc;

use super::msg::{Counts, Msg, Note, Task, Timer};
use super::node::MapReduceNode;
use super::{DEAD_US, ROUND_US, UNREPORTED_US};
use crate::sim::node::{Ctx, NodeId, NodeView};

/// How the master runs the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Workers are nodes `1..=workers`.
    pub workers: u32,
    /// Map tasks.
    pub maps: u32,
    /// Reduce tasks (and partitions).
    pub parts: u32,
    /// Whether it starts backup copies of the tasks still running near a phase's end.
    pub backups: bool,
    /// Whether a reduce output is committed only once (the atomic rename), later copies
    /// discarded.
    pub commit_once: bool,
    /// Whether a failed worker's finished map tasks run again (their output was on its
    /// disk) while a reduce still needs them.
    pub rerun_lost: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Idle,
    Running,
    Done { worker: NodeId },
}

#[derive(Clone, Debug)]
struct TaskState {
    status: Status,
    /// The copies running now: on which worker, which copy, since when (wall µs).
    copies: Vec<(NodeId, u32, i64)>,
    next_copy: u32,
}

/// A worker as the master sees it. A worker has a slot for a map task and one for a
/// reduce task, so a reducer waiting for map outputs never keeps a map task from running.
#[derive(Clone, Debug)]
struct WorkerState {
    alive: bool,
    heard_at: i64,
    /// The copy it runs in each slot: map, then reduce.
    slots: [Option<(Task, u32)>; 2],
}

fn slot(task: Task) -> usize {
    match task {
        Task::Map(_) => 0,
        Task::Reduce(_) => 1,
    }
}

/// The master. Its state is durable: it survives a crash (the paper's master writes
/// checkpoints).
#[derive(Clone, Debug)]
pub struct Master {
    plan: Plan,
    maps: Vec<TaskState>,
    reduces: Vec<TaskState>,
    workers: Vec<WorkerState>,
    committed: Vec<bool>,
    done: bool,
}

impl Master {
    /// A master running `plan`.
    pub fn new(plan: Plan) -> Master {
        let task = TaskState {
            status: Status::Idle,
            copies: Vec::new(),
            next_copy: 1,
        };
        let worker = WorkerState {
            alive: false,
            heard_at: 0,
            slots: [None; 2],
        };
        Master {
            plan,
            maps: vec![task.clone(); plan.maps as usize],
            reduces: vec![task; plan.parts as usize],
            workers: vec![worker; plan.workers as usize],
            committed: vec![false; plan.parts as usize],
            done: false,
        }
    }

    fn worker(&mut self, id: NodeId) -> Option<&mut WorkerState> {
        self.workers.get_mut((id.0 as usize).wrapping_sub(1))
    }

    fn task(&mut self, task: Task) -> Option<&mut TaskState> {
        match task {
            Task::Map(n) => self.maps.get_mut(n as usize),
            Task::Reduce(n) => self.reduces.get_mut(n as usize),
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, MapReduceNode>) {
        // After a restart, the silence was the master's own: every worker it thought
        // alive gets a full failure timeout from now to be heard again.
        let now = ctx.monotonic().0;
        for w in &mut self.workers {
            w.heard_at = now;
        }
        ctx.set_timer(Timer::Round, ROUND_US, ROUND_US);
        // After a restart, hand out at once what its workers can run.
        self.assign(ctx);
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, MapReduceNode>, timer: Timer) {
        if timer != Timer::Round {
            return;
        }
        let now = ctx.monotonic().0;
        for i in 0..self.workers.len() {
            let w = &self.workers[i];
            if w.alive && now - w.heard_at > DEAD_US as i64 {
                let id = NodeId(i as u32 + 1);
                let lost_maps = self.forget(id);
                ctx.note(Note::Failed {
                    worker: id,
                    lost_maps,
                });
            }
        }
        self.assign(ctx);
        if !self.done {
            ctx.set_timer(Timer::Round, ROUND_US, ROUND_US);
        }
    }

    /// Takes `worker`'s tasks back: the copies it was running, and the map outputs on
    /// its disk while a reduce still needs them. Returns how many map outputs were lost.
    fn forget(&mut self, worker: NodeId) -> u32 {
        if let Some(w) = self.worker(worker) {
            w.alive = false;
            w.slots = [None; 2];
        }
        let reducing = !self.committed.iter().all(|&c| c);
        let mut lost = 0;
        for (i, t) in self
            .maps
            .iter_mut()
            .chain(self.reduces.iter_mut())
            .enumerate()
        {
            t.copies.retain(|c| c.0 != worker);
            let is_map = i < self.plan.maps as usize;
            match t.status {
                Status::Running if t.copies.is_empty() => t.status = Status::Idle,
                Status::Done { worker: w }
                    if is_map && w == worker && reducing && self.plan.rerun_lost =>
                {
                    t.status = Status::Idle;
                    lost += 1;
                }
                _ => {}
            }
        }
        lost
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, MapReduceNode>, from: NodeId, msg: Msg) {
        let now = ctx.monotonic().0;
        match msg {
            Msg::Heartbeat { fresh, running } => {
                if fresh {
                    // A worker that (re)started holds no task and no map output.
                    self.forget(from);
                }
                if let Some(w) = self.worker(from) {
                    w.alive = true;
                    w.heard_at = now;
                }
                self.take_back_unreported(ctx, from, running);
            }
            Msg::MapDone { map, copy } => {
                // Only a copy the master still counts as running can finish the task: one
                // from a worker it marked failed is stale.
                let running = self.maps.get(map as usize).is_some_and(|t| {
                    t.status == Status::Running
                        && t.copies.iter().any(|c| c.0 == from && c.1 == copy)
                });
                self.finished(from, Task::Map(map), copy);
                if running {
                    self.maps[map as usize].status = Status::Done { worker: from };
                } else {
                    ctx.note(Note::Discarded {
                        task: Task::Map(map),
                        copy,
                    });
                }
            }
            Msg::ReduceDone { part, copy, counts } => {
                self.finished(from, Task::Reduce(part), copy);
                self.commit(ctx, part, copy, counts);
            }
            Msg::WhereIs { map } => {
                if let Some(Status::Done { worker }) = self.maps.get(map as usize).map(|t| t.status)
                {
                    ctx.send(from, Msg::Located { map, worker });
                }
            }
            _ => {}
        }
        self.assign(ctx);
    }

    /// Stops counting on each copy handed to `worker` more than [`UNREPORTED_US`] ago that
    /// its heartbeat does not report (its assignment, or the report of its end, was
    /// lost): the slot is free again and, with no other copy running, the task waits to
    /// run again. A younger copy may simply not have arrived before the heartbeat left.
    fn take_back_unreported(
        &mut self,
        ctx: &mut Ctx<'_, MapReduceNode>,
        worker: NodeId,
        running: [Option<(Task, u32)>; 2],
    ) {
        let now = ctx.monotonic().0;
        let Some(slots) = self.worker(worker).map(|w| w.slots) else {
            return;
        };
        for (held, reported) in slots.into_iter().zip(running) {
            let Some((task, copy)) = held.filter(|&h| Some(h) != reported) else {
                continue;
            };
            let Some(t) = self.task(task) else {
                continue;
            };
            let since = t.copies.iter().find(|c| c.0 == worker && c.1 == copy);
            if since.is_none_or(|c| now - c.2 <= UNREPORTED_US as i64) {
                continue;
            }
            self.finished(worker, task, copy);
            if let Some(t) = self.task(task) {
                if t.status == Status::Running && t.copies.is_empty() {
                    t.status = Status::Idle;
                }
            }
            ctx.note(Note::Unreported { worker, task, copy });
        }
    }

    /// `worker` finished copy `copy` of `task`: it is idle again, and that copy no
    /// longer runs.
    fn finished(&mut self, worker: NodeId, task: Task, copy: u32) {
        if let Some(w) = self.worker(worker) {
            let running = &mut w.slots[slot(task)];
            if *running == Some((task, copy)) {
                *running = None;
            }
        }
        if let Some(t) = self.task(task) {
            t.copies.retain(|c| c.1 != copy);
        }
    }

    fn commit(&mut self, ctx: &mut Ctx<'_, MapReduceNode>, part: u32, copy: u32, counts: Counts) {
        let Some(committed) = self.committed.get(part as usize).copied() else {
            return;
        };
        if committed && self.plan.commit_once {
            let task = Task::Reduce(part);
            ctx.note(Note::Discarded { task, copy });
            return;
        }
        self.committed[part as usize] = true;
        self.reduces[part as usize].status = Status::Done { worker: ctx.me() };
        ctx.note(Note::Committed { part, counts });
        if !self.done && self.committed.iter().all(|&c| c) {
            self.done = true;
            ctx.note(Note::JobDone);
        }
    }

    /// Hands a task to every free slot of a live worker that can have one.
    fn assign(&mut self, ctx: &mut Ctx<'_, MapReduceNode>) {
        let now = ctx.monotonic().0;
        for i in 0..self.workers.len() {
            for kind in [Task::Map(0), Task::Reduce(0)] {
                let w = &self.workers[i];
                if !w.alive || w.slots[slot(kind)].is_some() || self.done {
                    continue;
                }
                let worker = NodeId(i as u32 + 1);
                let Some(task) = self.next_task(kind, worker) else {
                    continue;
                };
                let sources = Rc::new(
                    self.maps
                        .iter()
                        .map(|t| match t.status {
                            Status::Done { worker } => worker,
                            _ => NodeId(0),
                        })
                        .collect(),
                );
                let Some(t) = self.task(task) else {
                    continue;
                };
                let backup = !t.copies.is_empty();
                let copy = t.next_copy;
                t.next_copy += 1;
                t.copies.push((worker, copy, now));
                t.status = Status::Running;
                self.workers[i].slots[slot(task)] = Some((task, copy));
                if backup {
                    ctx.note(Note::Backup { task });
                }
                ctx.send(
                    worker,
                    Msg::Assign {
                        task,
                        copy,
                        sources,
                    },
                );
            }
        }
    }

    /// The task of `kind` (map or reduce) `worker` should run next: an idle one (a reduce
    /// only once every map output is in), else, with backups on, a second copy of the
    /// one of that kind that has run longest, alone, on another worker.
    fn next_task(&self, kind: Task, worker: NodeId) -> Option<Task> {
        let maps_done = self
            .maps
            .iter()
            .all(|t| matches!(t.status, Status::Done { .. }));
        let (tasks, make): (&[TaskState], fn(u32) -> Task) = match kind {
            Task::Map(_) => (&self.maps, Task::Map),
            Task::Reduce(_) if maps_done => (&self.reduces, Task::Reduce),
            Task::Reduce(_) => return None,
        };
        if let Some(n) = tasks.iter().position(|t| t.status == Status::Idle) {
            return Some(make(n as u32));
        }
        if !self.plan.backups {
            return None;
        }
        (0..)
            .zip(tasks)
            .filter(|(_, t)| t.status == Status::Running && t.copies.len() == 1)
            .filter(|(_, t)| t.copies[0].0 != worker)
            .min_by_key(|(_, t)| t.copies[0].2)
            .map(|(n, _)| make(n))
    }

    pub(super) fn view(&self) -> NodeView {
        let count = |tasks: &[TaskState], done: bool| {
            tasks
                .iter()
                .filter(|t| matches!(t.status, Status::Done { .. }) == done)
                .count()
        };
        let phase = if self.done {
            "job done".to_string()
        } else if count(&self.maps, false) > 0 {
            format!("map {}/{}", count(&self.maps, true), self.maps.len())
        } else {
            format!(
                "reduce {}/{}",
                count(&self.reduces, true),
                self.reduces.len()
            )
        };
        let alive = self.workers.iter().filter(|w| w.alive).count();
        NodeView {
            role: "master",
            headline: phase,
            fields: vec![
                ("map tasks done", count(&self.maps, true).to_string()),
                (
                    "reduce outputs committed",
                    count(&self.reduces, true).to_string(),
                ),
                ("workers alive", alive.to_string()),
                ("backup copies", on_off(self.plan.backups)),
                (
                    "commit",
                    if self.plan.commit_once {
                        "once (atomic rename)"
                    } else {
                        "every copy"
                    }
                    .to_string(),
                ),
            ],
        }
    }
}

fn on_off(on: bool) -> String {
    if on { "on" } else { "off" }.to_string()
}
