//! What clients, routers and shards say to each other, the timers they set and the events
//! they note.

use std::fmt;

use super::func::ShardMap;
use crate::sim::node::NodeId;

/// Sub-key `j` of a salted key `k` is the key `k + (j + 1) × SALT` (keys stay below
/// `SALT`, and salted keys below 2^32, so they index a map on every platform).
pub const SALT: u64 = 1 << 24;

/// A key as people write it: `42`, or `42#3` for sub-key 3 of salted key 42.
pub struct Key(pub u64);

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 / SALT {
            0 => write!(f, "{}", self.0),
            j => write!(f, "{}#{}", self.0 % SALT, j - 1),
        }
    }
}

/// A client's request, as a router forwards it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Req {
    /// The client's request number.
    pub id: u64,
    /// The client, which the shard answers.
    pub client: NodeId,
    /// The key.
    pub key: u64,
    /// The value to write, or `None` for a read.
    pub write: Option<u64>,
}

/// A message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A request: a client's to its router, a router's to a shard.
    Req(Req),
    /// A shard's answer to the client: the key's value (written or read).
    Reply {
        /// The request number.
        id: u64,
        /// The key.
        key: u64,
        /// Its value.
        val: u64,
        /// Whether the request was a write (now acknowledged).
        write: bool,
    },
    /// MOVED: keys `lo..hi` are no longer here, ask shard `to`.
    Moved {
        /// The request, for the router to send on.
        req: Req,
        /// First key moved.
        lo: u64,
        /// Past the last key moved.
        hi: u64,
        /// Where they went.
        to: u32,
    },
    /// A shard neither holds the key nor says where it went.
    NotMine {
        /// The request.
        req: Req,
    },
    /// Re-sharding, router to source: move keys `lo..hi` to shard `to`.
    Split {
        /// First key.
        lo: u64,
        /// Past the last key.
        hi: u64,
        /// The new shard.
        to: u32,
    },
    /// The source's copy of the keys it moves, as they were when it started.
    Copy {
        /// The keys and values.
        entries: Vec<(usize, u64)>,
    },
    /// The new shard has the copy.
    Copied,
    /// Catch-up: one write the source applied after its copy, numbered.
    Binlog {
        /// The key.
        key: u64,
        /// Its value.
        val: u64,
        /// The write's number in the source's log of this move.
        seq: u64,
    },
    /// Router to source: take no more writes to the keys that move.
    Fence,
    /// Source to new shard: the log ends at `last`.
    Fenced {
        /// The last write's number.
        last: u64,
    },
    /// The new shard has applied the whole log.
    CaughtUp,
    /// Router to new shard, with no fence: take writes now.
    Cutover,
    /// Router to source: the move is over, forget the keys (and redirect).
    Finish,
    /// A router asks the map's keeper for the current map.
    MapAsk,
    /// The current map: where reads go, and where writes go.
    Map(Box<[ShardMap; 2]>),
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Req(Req {
                id,
                key,
                write: None,
                ..
            }) => write!(f, "q{id} get {}", Key(*key)),
            Msg::Req(Req {
                id,
                key,
                write: Some(v),
                ..
            }) => write!(f, "q{id} put {}={v}", Key(*key)),
            Msg::Reply {
                id,
                key,
                val,
                write,
            } => write!(
                f,
                "q{id} {} {}={val}",
                if *write { "ok" } else { "value" },
                Key(*key)
            ),
            Msg::Moved { req, lo, hi, to } => {
                write!(f, "q{} MOVED {} to s{}", req.id, Span(*lo, *hi), to + 1)
            }
            Msg::NotMine { req } => write!(f, "q{} key {} not here", req.id, req.key),
            Msg::Split { lo, hi, to } => write!(f, "move {} to s{}", Span(*lo, *hi), to + 1),
            Msg::Copy { entries } => write!(f, "copy ({} keys)", entries.len()),
            Msg::Copied => f.write_str("copied"),
            Msg::Binlog { key, val, seq } => write!(f, "log #{seq} {key}={val}"),
            Msg::Fence => f.write_str("fence writes"),
            Msg::Fenced { last } => write!(f, "fenced at #{last}"),
            Msg::CaughtUp => f.write_str("caught up"),
            Msg::Cutover => f.write_str("take writes"),
            Msg::Finish => f.write_str("finish"),
            Msg::MapAsk => f.write_str("map?"),
            Msg::Map(_) => f.write_str("map"),
        }
    }
}

/// Keys `lo..hi` in words: "75–99", or "75 on" for a range with no end.
pub struct Span(pub u64, pub u64);

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            u64::MAX => write!(f, "{} on", self.0),
            hi => write!(f, "{}–{}", self.0, hi.saturating_sub(1)),
        }
    }
}

/// A timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A client's next request is due.
    Arrival,
    /// A client looks for requests waiting past the timeout.
    Sweep,
    /// The re-sharding router switches writes.
    SwitchWrites,
    /// With no fence, the re-sharding router finishes after a while.
    Finish,
    /// The re-sharding router checks a move and repeats a step not yet answered.
    Nudge,
    /// A router asks for the current map.
    Poll,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Timer::Arrival => "next request",
            Timer::Sweep => "timeouts",
            Timer::SwitchWrites => "switch writes",
            Timer::Finish => "finish",
            Timer::Nudge => "check the move (repeat an unanswered step)",
            Timer::Poll => "poll map",
        })
    }
}

/// A pattern-level event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A router's map changed: a shard added, removed or split, a key replicated, a
    /// re-sharding step.
    Map(String),
    /// A client now sends half its requests to one key.
    Hot {
        /// The key.
        key: u64,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Map(text) => f.write_str(text),
            Note::Hot { key } => write!(f, "key {key} is hot"),
        }
    }
}
