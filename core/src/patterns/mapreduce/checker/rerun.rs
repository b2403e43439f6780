//! Ground truth for "every started task finishes or runs again elsewhere": where each
//! task's work lives, read from the trace and the nodes' statuses, never from the
//! master's task table. A copy runs on a worker from the master's `Assign` until the
//! worker reports it done (or takes up another task of its kind, or dies); a finished
//! map task's output lives on the disk of every worker that reported it, until that
//! worker dies. A task left with neither, while the job still needs it, is *orphaned*;
//! it must be running again elsewhere within [`RERUN_BOUND_US`] of a live worker having
//! a free slot for it (while the master is up). Judged only while every message the job
//! sent reached its handler: a lost assignment or report is noticed only from later
//! heartbeats, which the bound leaves out.

use super::super::msg::{Msg, Task};
use super::super::RERUN_BOUND_US;
use crate::sim::node::{NodeId, NodeStatus};
use crate::sim::time::SimTime;

/// Where one task's work lives.
#[derive(Clone, Debug, Default)]
struct Place {
    /// Workers running a copy of it (the `Assign` is sent, or delivered).
    running: Vec<NodeId>,
    /// Map task: workers whose disk holds its finished output.
    outputs: Vec<NodeId>,
    started: bool,
    /// Reduce task: its output is committed (in the shared file system, safe).
    committed: bool,
    /// Since when it is orphaned with a free slot for it, and the worker whose death
    /// orphaned it.
    orphan: Option<(SimTime, NodeId)>,
}

/// An orphaned task past the bound: the task, the worker that died with it, since when.
pub(super) type Overdue = (Task, NodeId, SimTime);

/// Where every task's work lives, maps first.
#[derive(Clone, Debug)]
pub(super) struct Places {
    maps: usize,
    tasks: Vec<Place>,
    /// The latest worker that died, for the detail.
    died: NodeId,
    /// Whether the network lost a message (or a crashed master one sent to it): from
    /// then on a task may wait for heartbeats to reveal the loss, beyond the bound, and
    /// nothing is judged.
    lossy: bool,
}

impl Places {
    /// A job of `maps` map and `parts` reduce tasks.
    pub(super) fn new(maps: u32, parts: u32) -> Places {
        Places {
            maps: maps as usize,
            tasks: vec![Place::default(); (maps + parts) as usize],
            died: NodeId(0),
            lossy: false,
        }
    }

    /// A message never reached its handler: lost, cut by a partition, dropped by a
    /// person, or sent to the master while it was down (one to a dead worker is part of
    /// its death).
    pub(super) fn message_lost(&mut self) {
        self.lossy = true;
    }

    /// `task`'s index in `tasks`, if the job has it.
    fn index(&self, task: Task) -> Option<usize> {
        let i = match task {
            Task::Map(n) if (n as usize) < self.maps => n as usize,
            Task::Reduce(n) => self.maps + n as usize,
            Task::Map(_) => return None,
        };
        (i < self.tasks.len()).then_some(i)
    }

    fn place(&mut self, task: Task) -> Option<&mut Place> {
        let i = self.index(task)?;
        self.tasks.get_mut(i)
    }

    /// A message was sent: a copy starts (from the master) or a worker's copy ends.
    pub(super) fn on_send(&mut self, from: NodeId, to: NodeId, msg: &Msg, master: NodeId) {
        let (task, worker, output) = match *msg {
            Msg::Assign { task, .. } if from == master => {
                if let Some(p) = self.place(task) {
                    p.started = true;
                    p.running.push(to);
                }
                return;
            }
            Msg::MapDone { map, .. } => (Task::Map(map), from, true),
            Msg::ReduceDone { part, .. } => (Task::Reduce(part), from, false),
            _ => return,
        };
        if let Some(p) = self.place(task) {
            remove(&mut p.running, worker);
            if output && !p.outputs.contains(&worker) {
                p.outputs.push(worker);
            }
        }
    }

    /// A worker took up `task`: it drops any other copy of that kind it was running.
    pub(super) fn on_assigned(&mut self, worker: NodeId, task: Task) {
        let range = match task {
            Task::Map(_) => 0..self.maps,
            Task::Reduce(_) => self.maps..self.tasks.len(),
        };
        let me = self.index(task);
        for i in range.filter(|&i| Some(i) != me) {
            remove(&mut self.tasks[i].running, worker);
        }
    }

    /// `worker` crashed or left: its copies and its disk are gone.
    pub(super) fn died(&mut self, worker: NodeId) {
        self.died = worker;
        for p in &mut self.tasks {
            remove(&mut p.running, worker);
            remove(&mut p.outputs, worker);
        }
    }

    /// Reduce `part`'s output is committed.
    pub(super) fn committed(&mut self, part: u32) {
        if let Some(p) = self.place(Task::Reduce(part)) {
            p.committed = true;
        }
    }

    /// After a step at `now`, with the nodes' `status`, returns the first task orphaned for longer than the
    /// bound while the master is up, it could run (a reduce once every map output is on a
    /// live worker) and a live worker runs no task of its kind (a free slot it could run
    /// in). While that is not so, its clock starts again.
    pub(super) fn overdue(
        &mut self,
        now: SimTime,
        status: &[NodeStatus],
        master: NodeId,
    ) -> Option<Overdue> {
        if self.lossy {
            return None;
        }
        let master_up = status.get(master.index()) == Some(&NodeStatus::Up);
        // Per kind (map, reduce): whether a live worker runs no copy of that kind.
        let (maps, reduces) = self.tasks.split_at(self.maps);
        let free = [maps, reduces].map(|kind| {
            (0..status.len())
                .filter(|&i| i != master.index() && status[i] == NodeStatus::Up)
                .any(|i| !kind.iter().any(|p| p.running.contains(&NodeId(i as u32))))
        });
        let reducing = reduces.iter().any(|p| !p.committed);
        // A reduce can run only once every map output is on a live worker's disk.
        let inputs_ready = maps.iter().all(|p| !p.outputs.is_empty());
        let mut found = None;
        for (i, p) in self.tasks.iter_mut().enumerate() {
            let is_map = i < self.maps;
            let needed = if is_map { reducing } else { !p.committed };
            let orphaned = p.started && needed && p.running.is_empty() && p.outputs.is_empty();
            let runnable = is_map || inputs_ready;
            if !(orphaned && runnable && master_up && free[usize::from(!is_map)]) {
                p.orphan = None;
                continue;
            }
            let (since, by) = *p.orphan.get_or_insert((now, self.died));
            if found.is_none() && now.0.saturating_sub(since.0) > RERUN_BOUND_US {
                let task = if is_map {
                    Task::Map(i as u32)
                } else {
                    Task::Reduce((i - self.maps) as u32)
                };
                found = Some((task, by, since));
            }
        }
        found
    }
}

fn remove(list: &mut Vec<NodeId>, node: NodeId) {
    list.retain(|&n| n != node);
}
