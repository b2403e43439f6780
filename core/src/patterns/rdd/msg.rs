//! What the driver and the executors say to each other, their timers and their notes.

use std::fmt;
use std::rc::Rc;

use crate::patterns::mapreduce::Counts;
use crate::sim::node::NodeId;

/// How a task gets the `links` partition it iterates over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// It is cached in the executor's memory.
    Cached,
    /// Read from the checkpoint on stable storage.
    Checkpoint,
    /// Rebuilt from its lineage: fetch its part of every `pairs` shuffle output (a wide
    /// dependency) and group it.
    Lineage,
}

/// A task the driver hands out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// Read input split `q` from stable storage and parse it into `pairs` partition `q`,
    /// written as shuffle output, by word (two narrow steps).
    Parse(u32),
    /// Iteration `iter` over `links` partition `part`, got from `source`.
    Iter {
        /// The iteration (1-based).
        iter: u32,
        /// The partition.
        part: u32,
        /// Where its `links` partition comes from.
        source: Source,
    },
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Job::Parse(q) => write!(f, "parse {q}"),
            Job::Iter { iter, part, source } => {
                write!(f, "iter {iter} part {part}")?;
                match source {
                    Source::Cached => Ok(()),
                    Source::Checkpoint => f.write_str(" from checkpoint"),
                    Source::Lineage => f.write_str(" + rebuild"),
                }
            }
        }
    }
}

/// A message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The driver hands a task to an executor.
    Run {
        /// The task.
        job: Job,
        /// The job's value before this iteration.
        x: u64,
        /// For a rebuild: per `pairs` partition, the executor holding its shuffle output.
        sources: Rc<Vec<NodeId>>,
    },
    /// An executor is alive (fresh: it (re)started and holds nothing).
    Heartbeat {
        /// True on its first heartbeat after a start.
        fresh: bool,
    },
    /// A parse task is done: `pairs` partition `q`'s shuffle output is on the executor.
    Parsed {
        /// The partition.
        q: u32,
    },
    /// An iteration task is done.
    IterDone {
        /// The iteration.
        iter: u32,
        /// The partition.
        part: u32,
        /// Its partial result.
        partial: u64,
        /// Whether it rebuilt or read the `links` partition (now cached here).
        built: bool,
        /// Whether it wrote the partition to a checkpoint.
        checkpointed: bool,
    },
    /// An executor asks another for its part of a shuffle output.
    Fetch {
        /// The `pairs` partition.
        q: u32,
        /// The `links` partition it needs it for.
        part: u32,
    },
    /// A part of a shuffle output.
    Block {
        /// The `pairs` partition.
        q: u32,
        /// The `links` partition.
        part: u32,
        /// Its word counts.
        counts: Counts,
    },
    /// A task's input is not where the driver thought: a rebuild could not fetch shuffle
    /// outputs (the driver runs their parse again), or a cached partition is gone.
    FetchFailed {
        /// The task that failed.
        job: Job,
        /// The `pairs` partitions it could not fetch (none: its cached partition is gone).
        missing: Rc<Vec<u32>>,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Run { job, x, .. } => write!(f, "run {job} (x={x})"),
            Msg::Heartbeat { fresh: true } => f.write_str("heartbeat (fresh start)"),
            Msg::Heartbeat { .. } => f.write_str("heartbeat"),
            Msg::Parsed { q } => write!(f, "parsed {q}"),
            Msg::IterDone {
                iter,
                part,
                partial,
                ..
            } => write!(f, "iter {iter} part {part} = {partial}"),
            Msg::Fetch { q, part } => write!(f, "fetch pairs {q} for part {part}"),
            Msg::Block { q, part, counts } => {
                write!(f, "pairs {q} → part {part}: {} words", counts.len())
            }
            Msg::FetchFailed { job, missing } => {
                write!(f, "{job}: fetch failed ({} missing)", missing.len())
            }
        }
    }
}

/// A timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The driver's round: notice silent executors, hand out tasks.
    Round,
    /// An executor's next heartbeat.
    Heartbeat,
    /// An executor has finished the work of a task.
    Worked(Job),
    /// A rebuild gives up on the blocks it still misses.
    FetchTimeout,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Round => f.write_str("scheduling round"),
            Timer::Heartbeat => f.write_str("heartbeat"),
            Timer::Worked(job) => write!(f, "{job} worked"),
            Timer::FetchTimeout => f.write_str("fetch timeout"),
        }
    }
}

/// A pattern-level event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The driver finished an iteration: the job's value is now `x`.
    Iteration {
        /// The iteration.
        iter: u32,
        /// The value.
        x: u64,
    },
    /// The driver marked an executor lost, with what it held.
    Lost {
        /// The executor.
        executor: NodeId,
        /// `links` partitions cached in its memory.
        cached: u32,
        /// `pairs` shuffle outputs on it.
        shuffle: u32,
    },
    /// The driver threw everything away and starts the job again (no lineage).
    Restarted,
    /// Every iteration is done.
    JobDone,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Iteration { iter, x } => write!(f, "iteration {iter} done: x={x}"),
            Note::Lost {
                executor,
                cached,
                shuffle,
            } => write!(
                f,
                "e{} lost ({cached} cached, {shuffle} shuffle outputs)",
                executor.0
            ),
            Note::Restarted => f.write_str("job restarted from scratch"),
            Note::JobDone => f.write_str("job done"),
        }
    }
}
