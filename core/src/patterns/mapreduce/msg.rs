//! What the master and the workers say to each other, their timers and their notes.

use std::fmt;
use std::rc::Rc;

use crate::sim::node::NodeId;

/// A task of the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Task {
    /// Map task `n`: count the words of split `n`.
    Map(u32),
    /// Reduce task `n`: sum partition `n` of every map output.
    Reduce(u32),
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Task::Map(n) => write!(f, "map {n}"),
            Task::Reduce(n) => write!(f, "reduce {n}"),
        }
    }
}

/// Word counts: (word id, count), by word id.
pub type Counts = Rc<Vec<(u16, u32)>>;

/// A message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The master hands a task to a worker. For a reduce, `sources` says which worker
    /// holds each map task's output.
    Assign {
        /// The task.
        task: Task,
        /// Which copy of it (a task may run again, or twice at once as a backup).
        copy: u32,
        /// For a reduce: per map task, the worker holding its output.
        sources: Rc<Vec<NodeId>>,
    },
    /// A worker is alive (sent every heartbeat interval, and as it starts), with what
    /// it runs.
    Heartbeat {
        /// True on the first heartbeat after it (re)started: it holds no task and no
        /// map output.
        fresh: bool,
        /// The copy it runs in each slot (map, then reduce), like a Hadoop task tracker's
        /// status report: a copy the master counts on but the worker does not report
        /// was never received, or its report was lost.
        running: [Option<(Task, u32)>; 2],
    },
    /// A map task is done; its output is on the worker's local disk.
    MapDone {
        /// The map task.
        map: u32,
        /// The copy that finished.
        copy: u32,
    },
    /// A reducer asks a map worker for its partition of a map output.
    Fetch {
        /// The map task.
        map: u32,
        /// The partition.
        part: u32,
    },
    /// A map worker's partition of a map output.
    Chunk {
        /// The map task.
        map: u32,
        /// The partition.
        part: u32,
        /// Its word counts.
        counts: Counts,
    },
    /// A reducer asks the master where a map output is now.
    WhereIs {
        /// The map task.
        map: u32,
    },
    /// The master tells a reducer where a map output is.
    Located {
        /// The map task.
        map: u32,
        /// The worker holding it.
        worker: NodeId,
    },
    /// A reduce task is done, with its output to commit.
    ReduceDone {
        /// The partition.
        part: u32,
        /// The copy that finished.
        copy: u32,
        /// The summed counts.
        counts: Counts,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Assign { task, copy, .. } => write!(f, "do {task} (copy {copy})"),
            Msg::Heartbeat { fresh: true, .. } => f.write_str("heartbeat (fresh start)"),
            Msg::Heartbeat { .. } => f.write_str("heartbeat"),
            Msg::MapDone { map, copy } => write!(f, "map {map} done (copy {copy})"),
            Msg::Fetch { map, part } => write!(f, "fetch map {map} part {part}"),
            Msg::Chunk { map, part, counts } => {
                write!(f, "map {map} part {part}: {} words", counts.len())
            }
            Msg::WhereIs { map } => write!(f, "where is map {map}?"),
            Msg::Located { map, worker } => write!(f, "map {map} is on w{}", worker.0),
            Msg::ReduceDone { part, copy, counts } => {
                write!(
                    f,
                    "reduce {part} done (copy {copy}): {} words",
                    counts.len()
                )
            }
        }
    }
}

/// A timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The master's scheduling round: notice silent workers, hand out tasks.
    Round,
    /// A worker's next heartbeat.
    Heartbeat,
    /// A worker has finished the work of a task.
    Worked {
        /// The task.
        task: Task,
        /// The copy.
        copy: u32,
    },
    /// A reducer asks again for the map outputs it still misses.
    FetchAgain,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Round => f.write_str("scheduling round"),
            Timer::Heartbeat => f.write_str("heartbeat"),
            Timer::Worked { task, copy } => write!(f, "{task} (copy {copy}) worked"),
            Timer::FetchAgain => f.write_str("fetch again"),
        }
    }
}

/// A pattern-level event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The master committed a reduce task's output (the atomic rename).
    Committed {
        /// The partition.
        part: u32,
        /// The output.
        counts: Counts,
    },
    /// The master threw away the output of a copy that finished second.
    Discarded {
        /// The task.
        task: Task,
        /// The copy.
        copy: u32,
    },
    /// The master marked a worker as failed: its tasks go back to idle.
    Failed {
        /// The worker.
        worker: NodeId,
        /// Finished map tasks whose output was on its disk and must run again.
        lost_maps: u32,
    },
    /// A worker's heartbeat does not report a copy the master handed it a while ago: the
    /// assignment or the report of its end was lost. The master stops counting on it.
    Unreported {
        /// The worker.
        worker: NodeId,
        /// The task.
        task: Task,
        /// The copy.
        copy: u32,
    },
    /// The master started a backup copy of a task still running.
    Backup {
        /// The task.
        task: Task,
    },
    /// Every reduce output is committed.
    JobDone,
    /// A worker's work became slower or faster.
    Slowed {
        /// The new factor (1 is normal).
        factor: u64,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Committed { part, counts } => {
                write!(f, "committed reduce {part} ({} words)", counts.len())
            }
            Note::Discarded { task, copy } => write!(f, "discarded {task} copy {copy}"),
            Note::Failed { worker, lost_maps } => {
                write!(f, "w{} failed ({lost_maps} map outputs lost)", worker.0)
            }
            Note::Unreported { worker, task, copy } => write!(
                f,
                "{task} copy {copy} not in its heartbeat from w{}: runs again",
                worker.0
            ),
            Note::Backup { task } => write!(f, "backup copy of {task}"),
            Note::JobDone => f.write_str("job done"),
            Note::Slowed { factor } => write!(f, "work now ×{factor}"),
        }
    }
}
