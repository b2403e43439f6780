//! The trace's one-line text form (what golden tests compare) and the FNV-1a
//! fingerprint it is hashed into, line by line.

use std::fmt;

use super::{DropReason, Fate, MsgId};
use crate::sim::action::Action;
use crate::sim::node::NodeId;
use crate::sim::time::{millis_text, write_u64, SimTime, MILLIS_LEN};

/// One event's parts for its text, the same type for every pattern.
pub(crate) enum Parts<'a> {
    Start,
    Send {
        msg: MsgId,
        to: NodeId,
        payload: Option<&'a dyn fmt::Display>,
        copy_of: Option<MsgId>,
        fate: Fate,
    },
    Deliver {
        msg: MsgId,
        from: NodeId,
        payload: Option<&'a dyn fmt::Display>,
    },
    Arrive {
        msg: MsgId,
        from: NodeId,
        payload: Option<&'a dyn fmt::Display>,
        queued: u32,
    },
    Dropped {
        msg: MsgId,
        payload: Option<&'a dyn fmt::Display>,
        reason: DropReason,
    },
    Retired,
    Timer(Option<&'a dyn fmt::Display>),
    Action(&'a Action<NodeId>),
    Note(Option<&'a dyn fmt::Display>),
}

/// `#4 c1->s1 write e1 clock=3`, or `#4 (unknown)`.
pub(super) fn write_message(
    out: &mut dyn fmt::Write,
    msg: MsgId,
    record: Option<(NodeId, NodeId, &dyn fmt::Display)>,
    names: &[String],
) -> fmt::Result {
    write_msg_id(out, msg)?;
    match record {
        Some((from, to, payload)) => {
            out.write_char(' ')?;
            out.write_str(name(names, from))?;
            out.write_str("->")?;
            out.write_str(name(names, to))?;
            out.write_char(' ')?;
            write!(out, "{payload}")
        }
        None => out.write_str(" (unknown)"),
    }
}

/// Time right-aligned in 11 columns, the lane left-aligned in 4, then the description.
pub(crate) fn write_line(
    out: &mut dyn fmt::Write,
    time: SimTime,
    node: Option<NodeId>,
    parts: &Parts<'_>,
    names: &[String],
) {
    let lane = node.map_or("*", |n| name(names, n));
    let mut buf = [0u8; MILLIS_LEN];
    let time = millis_text(time.as_micros(), &mut buf);
    let _ = pad(out, 11 - time.len().min(11));
    let _ = out.write_str(time);
    let _ = out.write_char(' ');
    let _ = out.write_str(lane);
    let _ = pad(out, 5 - lane.chars().count().min(4));
    let _ = write_description(out, parts, names);
}

fn pad(out: &mut dyn fmt::Write, spaces: usize) -> fmt::Result {
    const SPACES: &str = "           ";
    out.write_str(&SPACES[..spaces.min(SPACES.len())])
}

pub(super) fn write_msg_id(out: &mut dyn fmt::Write, msg: MsgId) -> fmt::Result {
    out.write_char('#')?;
    write_u64(out, u64::from(msg.0))
}

fn write_payload(out: &mut dyn fmt::Write, payload: Option<&dyn fmt::Display>) -> fmt::Result {
    match payload {
        Some(payload) => write!(out, "{payload}"),
        None => Ok(()),
    }
}

pub(crate) fn write_description(
    out: &mut dyn fmt::Write,
    parts: &Parts<'_>,
    names: &[String],
) -> fmt::Result {
    match *parts {
        Parts::Start => out.write_str("start"),
        Parts::Send {
            msg,
            to,
            payload,
            copy_of,
            fate,
        } => {
            out.write_str("send ")?;
            write_msg_id(out, msg)?;
            out.write_str(" to ")?;
            out.write_str(name(names, to))?;
            out.write_char(' ')?;
            write_payload(out, payload)?;
            if let Some(orig) = copy_of {
                out.write_str(" (duplicate of ")?;
                write_msg_id(out, orig)?;
                out.write_char(')')?;
            }
            match fate {
                Fate::Arrives(t) => {
                    out.write_str("; arrives ")?;
                    let mut buf = [0u8; MILLIS_LEN];
                    out.write_str(millis_text(t.as_micros(), &mut buf))
                }
                Fate::Lost => out.write_str("; LOST"),
                Fate::Cut => out.write_str("; CUT by partition"),
            }
        }
        Parts::Deliver { msg, from, payload } => {
            out.write_str("recv ")?;
            write_msg_id(out, msg)?;
            out.write_str(" from ")?;
            out.write_str(name(names, from))?;
            out.write_char(' ')?;
            write_payload(out, payload)
        }
        Parts::Dropped {
            msg,
            payload,
            reason,
        } => {
            out.write_str("drop ")?;
            write_msg_id(out, msg)?;
            out.write_char(' ')?;
            write_payload(out, payload)?;
            out.write_str(match reason {
                DropReason::ReceiverDown => " (receiver is down)",
                DropReason::ByUser => " (dropped by user)",
                DropReason::QueueFull => " (queue is full)",
                DropReason::NotMember => " (receiver is not a member)",
            })
        }
        Parts::Arrive {
            msg,
            from,
            payload,
            queued,
        } => {
            out.write_str("arrive ")?;
            write_msg_id(out, msg)?;
            out.write_str(" from ")?;
            out.write_str(name(names, from))?;
            out.write_char(' ')?;
            write_payload(out, payload)?;
            match queued {
                0 => out.write_str("; served now"),
                n => {
                    out.write_str("; queued, ")?;
                    write_u64(out, u64::from(n))?;
                    out.write_str(" waiting")
                }
            }
        }
        Parts::Retired => out.write_str("retired"),
        Parts::Timer(timer) => {
            out.write_str("timer ")?;
            write_payload(out, timer)
        }
        Parts::Action(action) => out.write_str(&action.describe(names)),
        Parts::Note(note) => write_payload(out, note),
    }
}

fn name(names: &[String], id: NodeId) -> &str {
    names.get(id.index()).map_or("?", String::as_str)
}

/// FNV-1a, 64 bits: a stable fingerprint of a trace's text on every platform.
pub fn fingerprint(text: &str) -> u64 {
    let mut hasher = Fnv1a::default();
    hasher.add(text);
    hasher.0
}

/// An FNV-1a hash that text can be written into, piece by piece.
pub(super) struct Fnv1a(pub(super) u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    pub(super) fn add(&mut self, text: &str) {
        self.0 = text.bytes().fold(self.0, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01B3)
        });
    }
}

impl fmt::Write for Fnv1a {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.add(text);
        Ok(())
    }
}
