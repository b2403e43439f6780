//! The messages, timers and notes of the hybrid clock pattern, and what they carry.

use std::fmt;

use super::hlc::Hlc;

/// A transaction's number: `T1`, `T2` … in the order the coordinator runs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TxId(pub u32);

impl fmt::Display for TxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{}", self.0)
    }
}

/// One stored version of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    /// The transaction that wrote it.
    pub tx: TxId,
    /// The key.
    pub key: char,
    /// The value.
    pub value: u32,
    /// Its timestamp: provisional until committed, then the commit timestamp.
    pub ts: Hlc,
    /// Whether it is committed (a pending version is never visible to reads).
    pub committed: bool,
}

/// Messages of the pattern. Every message carries its sender's clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The coordinator writes a value provisionally.
    Write {
        /// The transaction.
        tx: TxId,
        /// The key.
        key: char,
        /// The value.
        value: u32,
        /// The coordinator's clock.
        hlc: Hlc,
    },
    /// The server wrote it provisionally; its clock.
    Written {
        /// The transaction.
        tx: TxId,
        /// The key written.
        key: char,
        /// The server's clock.
        hlc: Hlc,
    },
    /// Commit the transaction's writes at `ts` (or, switched off, at the server's own clock).
    Commit {
        /// The transaction.
        tx: TxId,
        /// The commit timestamp, when the coordinator sends its final clock.
        ts: Option<Hlc>,
        /// The coordinator's clock.
        hlc: Hlc,
    },
    /// The server committed.
    Committed {
        /// The transaction.
        tx: TxId,
        /// The timestamp its versions of the transaction are stored under (none if it
        /// holds none).
        stored: Option<Hlc>,
        /// The server's clock.
        hlc: Hlc,
    },
    /// Forget the transaction's provisional writes.
    Abort {
        /// The transaction.
        tx: TxId,
        /// The coordinator's clock.
        hlc: Hlc,
    },
    /// A server asks the coordinator what became of a transaction it holds pending.
    Status {
        /// The transaction.
        tx: TxId,
        /// The server's clock.
        hlc: Hlc,
    },
    /// The coordinator's durable decision about a transaction.
    Decision {
        /// The transaction.
        tx: TxId,
        /// What was decided, if anything yet.
        outcome: TxOutcome,
        /// The coordinator's clock.
        hlc: Hlc,
    },
    /// A server copies a committed version to a peer (last writer wins by timestamp).
    Replicate {
        /// The version.
        version: Version,
        /// The sender's clock.
        hlc: Hlc,
    },
}

impl Msg {
    /// The sender's clock on the message.
    pub fn hlc(&self) -> Hlc {
        match self {
            Msg::Write { hlc, .. }
            | Msg::Written { hlc, .. }
            | Msg::Commit { hlc, .. }
            | Msg::Committed { hlc, .. }
            | Msg::Abort { hlc, .. }
            | Msg::Status { hlc, .. }
            | Msg::Decision { hlc, .. }
            | Msg::Replicate { hlc, .. } => *hlc,
        }
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Write {
                tx,
                key,
                value,
                hlc,
            } => write!(f, "{tx} write {key}={value} clock={hlc}"),
            Msg::Written { tx, key, hlc } => write!(f, "{tx} wrote {key} clock={hlc}"),
            Msg::Commit {
                tx, ts: Some(ts), ..
            } => write!(f, "{tx} commit at {ts}"),
            Msg::Commit { tx, ts: None, hlc } => write!(f, "{tx} commit (own clocks) clock={hlc}"),
            Msg::Committed {
                tx,
                stored: Some(at),
                hlc,
            } => write!(f, "{tx} committed, stored at {at} clock={hlc}"),
            Msg::Committed {
                tx,
                stored: None,
                hlc,
            } => write!(f, "{tx} committed, nothing stored clock={hlc}"),
            Msg::Abort { tx, .. } => write!(f, "{tx} abort"),
            Msg::Status { tx, .. } => write!(f, "{tx} status?"),
            Msg::Decision { tx, outcome, .. } => write!(f, "{tx} is {outcome}"),
            Msg::Replicate { version: v, .. } => {
                write!(f, "replicate {}={} of {} at {}", v.key, v.value, v.tx, v.ts)
            }
        }
    }
}

/// What the coordinator decided about a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxOutcome {
    /// Not decided yet (its writes are still going out).
    Undecided,
    /// Committed, at this timestamp (or, with the switch off, at each server's clock).
    Committed(Option<Hlc>),
    /// Aborted.
    Aborted,
}

impl fmt::Display for TxOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxOutcome::Undecided => f.write_str("undecided"),
            TxOutcome::Committed(Some(ts)) => write!(f, "committed at {ts}"),
            TxOutcome::Committed(None) => f.write_str("committed"),
            TxOutcome::Aborted => f.write_str("aborted"),
        }
    }
}

/// Timers of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Start transaction number `n` (0-based) of the plan.
    Start(usize),
    /// Commit the transaction whose writes are all done.
    CommitNow,
    /// The transaction took too long: abort it (or resend its commit).
    TxTimeout,
    /// A server still holds this transaction pending: ask the coordinator.
    Resolve(TxId),
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Start(n) => write!(f, "start T{}", n + 1),
            Timer::CommitNow => f.write_str("commit-now"),
            Timer::TxTimeout => f.write_str("tx-timeout"),
            Timer::Resolve(tx) => write!(f, "resolve {tx}"),
        }
    }
}

/// Pattern-level events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The node's clock moved on a receive (routine; the checker reads it).
    Clock {
        /// The clock after the receive.
        hlc: Hlc,
    },
    /// A server wrote a value provisionally.
    Provisional {
        /// The transaction.
        tx: TxId,
        /// The key.
        key: char,
        /// The value.
        value: u32,
        /// Its provisional timestamp.
        ts: Hlc,
    },
    /// A server committed a transaction's write at `ts`.
    Committed {
        /// The transaction.
        tx: TxId,
        /// The key.
        key: char,
        /// The version's timestamp.
        ts: Hlc,
    },
    /// A server took a replicated version.
    Replicated {
        /// The version.
        version: Version,
    },
    /// The coordinator heard every commit: the transaction is acknowledged.
    TxDone {
        /// The transaction.
        tx: TxId,
        /// The timestamps its servers said they stored it under, in order, each once.
        stored: Vec<Hlc>,
    },
    /// A server forgot an aborted transaction's pending versions.
    Forgot {
        /// The transaction.
        tx: TxId,
    },
    /// The coordinator gave up on a transaction.
    TxAborted {
        /// The transaction.
        tx: TxId,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Clock { hlc } => write!(f, "clock -> {hlc}"),
            Note::Provisional { tx, key, value, ts } => {
                write!(f, "{key}={value} pending ({tx}) at {ts}")
            }
            Note::Committed { tx, key, ts } => write!(f, "{key} committed ({tx}) at {ts}"),
            Note::Replicated { version: v } => {
                write!(f, "copy of {}={} ({}) at {}", v.key, v.value, v.tx, v.ts)
            }
            Note::TxDone { tx, stored } => {
                write!(f, "{tx} acknowledged, stored at {}", joined(stored, " / "))
            }
            Note::Forgot { tx } => write!(f, "{tx}'s pending versions forgotten (aborted)"),
            Note::TxAborted { tx } => write!(f, "{tx} aborted"),
        }
    }
}

/// Timestamps written one after another, separated by `sep`.
fn joined(stamps: &[Hlc], sep: &str) -> String {
    stamps
        .iter()
        .map(Hlc::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}
