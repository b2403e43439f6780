//! What the coordinator, the workers and the consumer say to each other, the timers they
//! set and the events they note.

use std::fmt;

/// A message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The coordinator hands a worker one task: sum the squares of `lo..=hi`.
    Task {
        /// The batch.
        batch: u32,
        /// The task's number in its batch.
        task: u32,
        /// The slice's first number.
        lo: u64,
        /// The slice's last number.
        hi: u64,
    },
    /// A worker's output for one task.
    Output {
        /// The batch.
        batch: u32,
        /// The task.
        task: u32,
        /// What the worker computed.
        value: u64,
    },
    /// A running result: the sum of the outputs folded so far (reduce only).
    Running {
        /// The batch.
        batch: u32,
        /// Results folded into it.
        folded: u32,
        /// The running sum.
        value: u64,
    },
    /// The batch's final result.
    Final {
        /// The batch.
        batch: u32,
        /// The sum of every task's output, as the coordinator computed it.
        value: u64,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Task {
                batch,
                task,
                lo,
                hi,
            } => write!(f, "b{batch} task {task}: squares of {lo}..={hi}"),
            Msg::Output { batch, task, value } => write!(f, "b{batch} task {task} = {value}"),
            Msg::Running {
                batch,
                folded,
                value,
            } => write!(f, "b{batch} running = {value} ({folded} tasks)"),
            Msg::Final { batch, value } => write!(f, "b{batch} final = {value}"),
        }
    }
}

/// A timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The coordinator starts the next batch.
    NextBatch,
    /// A joining coordinator has combined every slot of a batch.
    Combined {
        /// The batch.
        batch: u32,
    },
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::NextBatch => f.write_str("next batch"),
            Timer::Combined { batch } => write!(f, "b{batch} combined"),
        }
    }
}

/// A pattern-level event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// Every task of a batch has answered: a joining coordinator starts computing.
    Barrier {
        /// The batch.
        batch: u32,
    },
    /// A reducing coordinator dropped a result it had already folded.
    Repeat {
        /// The batch.
        batch: u32,
        /// The task.
        task: u32,
    },
    /// A worker was slowed down (or back to normal at 1).
    Slowed {
        /// How many times slower than normal.
        factor: u64,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Barrier { batch } => write!(f, "barrier: every task of b{batch} is in"),
            Note::Repeat { batch, task } => {
                write!(f, "repeat of b{batch} task {task} (already folded)")
            }
            Note::Slowed { factor } => write!(f, "slowed ×{factor}"),
        }
    }
}
