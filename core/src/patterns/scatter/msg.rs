//! What scatter/gather nodes say to each other, the timers they set and the events they
//! note.

use std::fmt;

/// A message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A client's search, to the root.
    Search {
        /// The client's request number.
        req: u64,
    },
    /// The root asks one replica of a shard for its part of a search.
    Query {
        /// The client's request, as the root numbers it.
        req: u64,
        /// The shard asked.
        shard: u32,
        /// Whether this is the hedged copy, sent to the shard's other replica.
        hedge: bool,
    },
    /// A replica's part of the answer.
    Part {
        /// The request.
        req: u64,
        /// The shard that answers.
        shard: u32,
    },
    /// The root's answer to the client: how many shards it gathered, of how many.
    Answer {
        /// The client's request number.
        req: u64,
        /// Shards whose part it holds.
        shards: u32,
        /// Shards there are.
        of: u32,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Search { req } => write!(f, "search q{req}"),
            Msg::Query {
                req,
                shard,
                hedge: false,
            } => write!(f, "q{req} shard {shard}"),
            Msg::Query { req, shard, .. } => write!(f, "q{req} shard {shard} (hedged)"),
            Msg::Part { req, shard } => write!(f, "q{req} part {shard}"),
            Msg::Answer { req, shards, of } => write!(f, "answer q{req} ({shards} of {of} shards)"),
        }
    }
}

/// A timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A client's next search is due.
    Arrival,
    /// A replica has worked out its part of a search for the root.
    Done {
        /// The request.
        req: u64,
        /// The shard.
        shard: u32,
    },
    /// The root has waited the hedging delay for a search's slowest parts.
    Hedge {
        /// The request.
        req: u64,
    },
    /// The root stops waiting and answers with the parts it has.
    Deadline {
        /// The request.
        req: u64,
    },
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Arrival => f.write_str("next search"),
            Timer::Done { req, shard } => write!(f, "q{req} part {shard} ready"),
            Timer::Hedge { req } => write!(f, "hedge q{req}"),
            Timer::Deadline { req } => write!(f, "deadline q{req}"),
        }
    }
}

/// A pattern-level event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A replica hit a hiccup (a pause, a busy disk): this part is slow.
    Hiccup {
        /// The request.
        req: u64,
        /// How long the part takes, in µs.
        us: u64,
    },
    /// The root sent hedged copies for the shards still missing.
    Hedged {
        /// The request.
        req: u64,
        /// How many.
        shards: u32,
    },
    /// The root answered without every shard's part.
    Partial {
        /// The request.
        req: u64,
        /// Parts missing.
        missing: u32,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Hiccup { req, us } => write!(f, "hiccup: q{req} takes {} ms", us / 1_000),
            Note::Hedged { req, shards } => write!(f, "hedged q{req} to {shards} replicas"),
            Note::Partial { req, missing } => {
                write!(f, "answered q{req} without {missing} shards")
            }
        }
    }
}
