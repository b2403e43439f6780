//! The node type of the consistent core: one of three roles.

use std::sync::Arc;

use super::client::Client;
use super::data::DataNode;
use super::management::Management;
use super::msg::{Msg, Note, Timer};
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// Node names, shared by every node of a run, for the inspector.
pub type Names = Arc<Vec<String>>;

/// A node of the consistent core pattern.
#[derive(Clone, Debug)]
pub enum ConsistentNode {
    /// Runs operations.
    Client(Client),
    /// A member of the management cluster (boxed: it is much larger than the others).
    Management(Box<Management>),
    /// A member of the data cluster.
    Data(DataNode),
}

impl ConsistentNode {
    /// The management node, for management nodes.
    pub fn management(&self) -> Option<&Management> {
        match self {
            ConsistentNode::Management(m) => Some(m),
            _ => None,
        }
    }
}

impl Node for ConsistentNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            ConsistentNode::Management(m) => m.on_start(ctx),
            ConsistentNode::Data(d) => d.on_start(ctx),
            ConsistentNode::Client(c) => c.on_start(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            ConsistentNode::Management(m) => m.on_message(ctx, from, msg),
            ConsistentNode::Data(d) => d.on_message(ctx, from, msg),
            ConsistentNode::Client(c) => c.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            ConsistentNode::Management(m) => m.on_timer(ctx, timer),
            ConsistentNode::Data(d) => d.on_timer(ctx, timer),
            ConsistentNode::Client(c) => c.on_timer(ctx, timer),
        }
    }

    fn on_crash(&mut self) {
        match self {
            ConsistentNode::Management(m) => m.on_crash(),
            ConsistentNode::Data(d) => d.on_crash(),
            ConsistentNode::Client(c) => c.on_crash(),
        }
    }

    fn view(&self) -> NodeView {
        match self {
            ConsistentNode::Management(m) => m.view(),
            ConsistentNode::Data(d) => d.view(),
            ConsistentNode::Client(c) => c.view(),
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::RequestVote { term, .. } => format!("vote? t{term}"),
            Msg::Vote { term, granted } => {
                format!("{} t{term}", if *granted { "yes" } else { "no" })
            }
            Msg::Append { entries, .. } if entries.is_empty() => "hb".into(),
            Msg::Append { entries, .. } => format!("+{}", entries.len()),
            Msg::AppendReply { ok, .. } => (if *ok { "ok" } else { "no" }).into(),
            Msg::Forward { .. } => "fwd".into(),
            Msg::Renew { n } => format!("renew #{n}"),
            Msg::Lease { partitions, .. } => format!("lease {partitions:?}"),
            other => other.to_string(),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::Applied { .. } | Note::Holds { .. })
    }
}
