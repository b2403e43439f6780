//! What the broker's nodes say to each other, the timers they set and the events they
//! note.

use std::fmt;

use super::topics::{queue_name, QUEUES, TOPICS};

/// A message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The producer publishes message `id` to the queue.
    Publish {
        /// The message's id (the producer numbers them).
        id: u64,
        /// Whether it fails every consumer that processes it.
        poison: bool,
        /// Its routing key, an index into [`TOPICS`] (0: none).
        topic: u8,
    },
    /// A consumer opens a connection and subscribes (closing any earlier one) to a
    /// queue, declaring it and its binding if the broker does not have it.
    Subscribe {
        /// Its prefetch limit (0: unlimited).
        prefetch: u32,
        /// The queue, an index into [`QUEUES`].
        queue: u8,
    },
    /// The broker restarted: a consumer should subscribe again.
    Reconnect,
    /// The broker hands a message to a consumer.
    Deliver {
        /// The message.
        id: u64,
        /// This delivery's tag, which the ack names.
        tag: u64,
        /// Whether it fails the consumer.
        poison: bool,
        /// How many times it was delivered before.
        before: u32,
    },
    /// A consumer has processed a delivery.
    Ack {
        /// The message.
        id: u64,
        /// The delivery's tag.
        tag: u64,
    },
    /// A consumer failed to process a delivery: requeue it.
    Reject {
        /// The message.
        id: u64,
        /// The delivery's tag.
        tag: u64,
    },
    /// The broker moves a message to the dead-letter queue.
    DeadLetter {
        /// The message.
        id: u64,
        /// How many times it was delivered.
        deliveries: u32,
        /// The queue it is taken from.
        queue: u8,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Publish { id, poison, topic } => {
                write!(f, "publish m{id}")?;
                if let Some(key) = TOPICS.get(usize::from(*topic)).filter(|k| !k.is_empty()) {
                    write!(f, " to {key}")?;
                }
                if *poison {
                    f.write_str(" (poison)")?;
                }
                Ok(())
            }
            Msg::Subscribe { prefetch, queue } => {
                f.write_str("subscribe")?;
                if let Some(q) = QUEUES.get(usize::from(*queue)).filter(|_| *queue > 0) {
                    write!(f, " to {} ({})", q.name, q.binding)?;
                }
                match prefetch {
                    0 => f.write_str(", prefetch unlimited"),
                    n => write!(f, ", prefetch {n}"),
                }
            }
            Msg::Reconnect => f.write_str("broker restarted: reconnect"),
            Msg::Deliver {
                id, tag, before, ..
            } => {
                write!(f, "deliver m{id} (tag {tag}")?;
                if *before > 0 {
                    write!(f, ", redelivery {before}")?;
                }
                f.write_str(")")
            }
            Msg::Ack { id, tag } => write!(f, "ack m{id} (tag {tag})"),
            Msg::Reject { id, tag } => write!(f, "reject m{id} (tag {tag}), requeue"),
            Msg::DeadLetter {
                id,
                deliveries,
                queue,
            } => {
                write!(f, "dead-letter m{id} after {deliveries} deliveries")?;
                if *queue > 0 {
                    write!(f, " from {}", queue_name(*queue))?;
                }
                Ok(())
            }
        }
    }
}

/// A timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The producer's next publish is due.
    Publish,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("next publish")
    }
}

/// A pattern-level event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A consumer failed on a poison message.
    Failed {
        /// The message.
        id: u64,
    },
    /// The broker restarted with this many messages from disk.
    Recovered {
        /// Messages back in the queue.
        messages: u64,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Failed { id } => write!(f, "m{id} failed: poison message"),
            Note::Recovered { messages } => {
                write!(f, "restarted with {messages} messages from disk")
            }
        }
    }
}
