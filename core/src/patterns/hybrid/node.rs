//! The node type of the hybrid clock pattern: a coordinator or a server.

use super::coordinator::Coordinator;
use super::hlc::Hlc;
use super::protocol::{Msg, Note, Timer, TxOutcome};
use super::server::Server;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A node of the hybrid clock pattern.
#[derive(Clone, Debug)]
pub enum HybridNode {
    /// Runs transactions.
    Coordinator(Coordinator),
    /// Stores versions.
    Server(Server),
}

impl HybridNode {
    /// The server, for servers.
    pub fn server(&self) -> Option<&Server> {
        match self {
            HybridNode::Server(s) => Some(s),
            HybridNode::Coordinator(_) => None,
        }
    }
}

impl Node for HybridNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let HybridNode::Coordinator(c) = self {
            c.on_start(ctx);
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            HybridNode::Coordinator(c) => c.on_message(ctx, from, msg),
            HybridNode::Server(s) => s.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            HybridNode::Coordinator(c) => c.on_timer(ctx, timer),
            HybridNode::Server(s) => s.on_timer(ctx, timer),
        }
    }

    fn on_crash(&mut self) {
        if let HybridNode::Coordinator(c) = self {
            c.on_crash();
        }
    }

    fn view(&self) -> NodeView {
        match self {
            HybridNode::Coordinator(c) => c.view(),
            HybridNode::Server(s) => s.view(),
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Write { tx, key, value, .. } => format!("{tx} {key}={value}"),
            Msg::Written { tx, key, .. } => format!("{tx} {key} ok"),
            Msg::Commit { tx, .. } => format!("{tx} commit"),
            Msg::Committed { tx, .. } => format!("{tx} done"),
            Msg::Abort { tx, .. } => format!("{tx} abort"),
            Msg::Status { tx, .. } => format!("{tx}?"),
            Msg::Decision { tx, outcome, .. } => match outcome {
                TxOutcome::Undecided => format!("{tx} undecided"),
                TxOutcome::Committed(_) => format!("{tx} committed"),
                TxOutcome::Aborted => format!("{tx} aborted"),
            },
            Msg::Replicate { version, .. } => format!("copy {}", version.key),
        }
    }

    fn note_label(note: &Note) -> String {
        match note {
            Note::Clock { hlc } => format!("clock {}", hlc.compact()),
            Note::Provisional { key, value, ts, .. } => {
                format!("{key}={value} pending @{}", ts.compact())
            }
            Note::Committed { key, ts, .. } => format!("{key} committed @{}", ts.compact()),
            Note::Replicated { version: v } => {
                format!("copy {}={} @{}", v.key, v.value, v.ts.compact())
            }
            Note::TxDone { tx, stored } => {
                let at: Vec<String> = stored.iter().map(Hlc::compact).collect();
                format!("{tx} acked @{}", at.join("/"))
            }
            Note::Forgot { tx } => format!("{tx} forgotten"),
            Note::TxAborted { tx } => format!("{tx} aborted"),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::Clock { .. })
    }
}
