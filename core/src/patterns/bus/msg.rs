//! What the service bus's nodes say to each other, the timers they set and the events
//! they note.

use std::fmt;

use crate::sim::node::NodeId;

/// A wire format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON.
    Json,
    /// XML.
    Xml,
    /// Comma-separated values.
    Csv,
    /// Fixed-width records (a mainframe's).
    Fixed,
}

impl Format {
    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Xml => "XML",
            Format::Csv => "CSV",
            Format::Fixed => "fixed-width",
        }
    }
}

/// What a message is about: the bus routes by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An order: to shipping.
    Order,
    /// An invoice: to billing.
    Invoice,
    /// A kind no route takes.
    Unknown,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Order => "order",
            Kind::Invoice => "invoice",
            Kind::Unknown => "memo",
        }
    }
}

/// A message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A system sends a message to the bus, in its own format.
    Send {
        /// The correlation id.
        id: u64,
        /// What it is about.
        kind: Kind,
        /// The sender's format.
        format: Format,
        /// Whether it is malformed (cannot be converted).
        bad: bool,
    },
    /// The bus hands a message to the system its route names, in that system's format.
    Routed {
        /// The correlation id.
        id: u64,
        /// What it is about.
        kind: Kind,
        /// The receiver's format.
        format: Format,
    },
    /// The bus puts a message on the invalid-message channel.
    Invalid {
        /// The correlation id.
        id: u64,
        /// Whether it could not be converted (else: no route takes it).
        bad: bool,
    },
    /// A system confirms it received a message.
    Ack {
        /// The correlation id.
        id: u64,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Send {
                id,
                kind,
                format,
                bad,
            } => {
                write!(f, "{} #{id} ({}", kind.name(), format.name())?;
                f.write_str(if *bad { ", malformed)" } else { ")" })
            }
            Msg::Routed { id, kind, format } => {
                write!(f, "{} #{id} ({})", kind.name(), format.name())
            }
            Msg::Invalid { id, bad: true } => write!(f, "#{id}: cannot be converted"),
            Msg::Invalid { id, .. } => write!(f, "#{id}: no route"),
            Msg::Ack { id } => write!(f, "got #{id}"),
        }
    }
}

/// A timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A system's next message is due.
    Send,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("next message")
    }
}

/// A pattern-level event: the bus's message history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The bus records a message as delivered to a system.
    Delivered {
        /// The correlation id.
        id: u64,
        /// The system.
        to: NodeId,
        /// Its name.
        name: &'static str,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Note::Delivered { id, name, .. } = self;
        write!(f, "history: #{id} delivered to {name}")
    }
}
