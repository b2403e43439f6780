//! Every task attempt, from the trace: handed out by the master (an `Assign` sent), run
//! on a worker until it reports the task done, takes up another task of its kind, or
//! dies; a copy the master discarded is marked so. The page draws them as the job's
//! timeline, one lane per worker.

use std::fmt::Write;

use super::super::msg::{Msg, Task};
use crate::patterns::timeline::{self, Span};
use crate::sim::node::NodeId;
use crate::sim::snapshot::Table;
use crate::sim::time::SimTime;

/// How an attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    Running,
    Finished,
    /// Its worker crashed or left.
    Killed,
    /// It finished, but another copy had already won: the master threw its output away.
    Discarded,
    /// Its worker took up another task of its kind instead.
    Replaced,
}

/// One copy of a task on one worker.
#[derive(Clone, Copy, Debug)]
struct Attempt {
    worker: NodeId,
    task: Task,
    copy: u32,
    from: SimTime,
    to: SimTime,
    end: End,
    /// Started while another copy of the task was running.
    backup: bool,
}

/// Every attempt so far, in the order they started.
#[derive(Clone, Debug, Default)]
pub(super) struct Attempts {
    list: Vec<Attempt>,
}

fn same_kind(a: Task, b: Task) -> bool {
    matches!(
        (a, b),
        (Task::Map(_), Task::Map(_)) | (Task::Reduce(_), Task::Reduce(_))
    )
}

impl Attempts {
    fn close(&mut self, at: SimTime, end: End, which: impl Fn(&Attempt) -> bool) {
        for a in self.list.iter_mut().filter(|a| a.end == End::Running) {
            if which(a) {
                a.end = end;
                a.to = at;
            }
        }
    }

    /// A message was sent at `at`: the master hands out a copy, or a worker reports one
    /// done.
    pub(super) fn on_send(
        &mut self,
        at: SimTime,
        master: bool,
        from: NodeId,
        to: NodeId,
        msg: &Msg,
    ) {
        let (task, copy) = match *msg {
            Msg::Assign { task, copy, .. } if master => {
                let backup = self
                    .list
                    .iter()
                    .any(|a| a.task == task && a.end == End::Running);
                self.list.push(Attempt {
                    worker: to,
                    task,
                    copy,
                    from: at,
                    to: at,
                    end: End::Running,
                    backup,
                });
                return;
            }
            Msg::MapDone { map, copy } => (Task::Map(map), copy),
            Msg::ReduceDone { part, copy, .. } => (Task::Reduce(part), copy),
            _ => return,
        };
        self.close(at, End::Finished, |a| {
            a.worker == from && a.task == task && a.copy == copy
        });
    }

    /// `worker` took up copy `copy` of `task` at `at`: another copy of its kind it ran
    /// is replaced.
    pub(super) fn on_assigned(&mut self, at: SimTime, worker: NodeId, task: Task, copy: u32) {
        self.close(at, End::Replaced, |a| {
            a.worker == worker && same_kind(a.task, task) && (a.task, a.copy) != (task, copy)
        });
    }

    /// `worker` crashed or left at `at`.
    pub(super) fn died(&mut self, at: SimTime, worker: NodeId) {
        self.close(at, End::Killed, |a| a.worker == worker);
    }

    /// The master threw away the output of `task`'s copy `copy`.
    pub(super) fn discarded(&mut self, task: Task, copy: u32) {
        let finished = self
            .list
            .iter_mut()
            .filter(|a| a.task == task && a.copy == copy && a.end == End::Finished);
        for a in finished {
            a.end = End::Discarded;
        }
    }

    /// The attempts as a timeline, with the workers' `names`.
    pub(super) fn table(&self, names: &dyn Fn(NodeId) -> String) -> Table {
        let lanes: Vec<String> = self.list.iter().map(|a| names(a.worker)).collect();
        let spans = self.list.iter().zip(&lanes).map(|(a, lane)| {
            let mut work = String::with_capacity(12);
            let _ = write!(work, "{} #{}", a.task, a.copy);
            Span {
                lane,
                work,
                from: a.from,
                to: (a.end != End::Running).then_some(a.to),
                phase: match a.task {
                    Task::Map(_) => "map",
                    Task::Reduce(_) => "reduce",
                },
                copy: if a.backup {
                    "backup"
                } else if a.copy == 1 {
                    "first"
                } else {
                    "re-run"
                },
                outcome: match a.end {
                    End::Running => "running",
                    End::Finished => "finished",
                    End::Killed => "killed",
                    End::Discarded => "discarded",
                    End::Replaced => "replaced",
                },
            }
        });
        timeline::table(
            "Task timeline",
            "Every copy of every task the master handed out, one lane per worker, from \
             the trace: map tasks blue, reduce tasks green; a dashed outline is a backup \
             copy, a hatched bar a copy killed with its worker, a grey one a copy whose \
             output was discarded.",
            spans,
        )
    }
}
