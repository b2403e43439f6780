//! The node type of the consistent core: one of three roles.

use std::sync::Arc;

use super::client::Client;
use super::data::DataNode;
use super::management::Management;
use super::msg::{Msg, Note, Peer, Timer};
use super::store::Store;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// The stage names of a run's nodes, shared by every node: messages, timers and notes
/// name nodes as the stage does.
#[derive(Clone, Debug)]
pub struct Names(Arc<Vec<Arc<str>>>);

impl Names {
    /// The names, indexed by node id.
    pub fn new(names: &[String]) -> Names {
        Names(Arc::new(
            names.iter().map(|n| Arc::from(n.as_str())).collect(),
        ))
    }

    /// Node `id` with its name.
    pub fn peer(&self, id: NodeId) -> Peer {
        Peer {
            id,
            name: self
                .0
                .get(id.index())
                .cloned()
                .unwrap_or_else(|| Arc::from("?")),
        }
    }

    /// Node `id`'s name.
    pub fn name(&self, id: NodeId) -> String {
        self.peer(id).name.to_string()
    }
}

/// A node of the consistent core pattern.
#[derive(Clone, Debug)]
pub enum ConsistentNode {
    /// Runs operations.
    Client(Client),
    /// A member of the management cluster (boxed: it is much larger than the others).
    Management(Box<Management>),
    /// A member of the data cluster.
    Data(DataNode),
    /// The partition store the data nodes write to.
    Store(Store),
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
            ConsistentNode::Store(_) => {}
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            ConsistentNode::Management(m) => m.on_message(ctx, from, msg),
            ConsistentNode::Data(d) => d.on_message(ctx, from, msg),
            ConsistentNode::Client(c) => c.on_message(ctx, from, msg),
            ConsistentNode::Store(s) => s.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            ConsistentNode::Management(m) => m.on_timer(ctx, timer),
            ConsistentNode::Data(d) => d.on_timer(ctx, timer),
            ConsistentNode::Client(c) => c.on_timer(ctx, timer),
            ConsistentNode::Store(_) => {}
        }
    }

    fn on_crash(&mut self) {
        match self {
            ConsistentNode::Management(m) => m.on_crash(),
            ConsistentNode::Data(d) => d.on_crash(),
            ConsistentNode::Client(c) => c.on_crash(),
            ConsistentNode::Store(_) => {}
        }
    }

    fn view(&self) -> NodeView {
        match self {
            ConsistentNode::Management(m) => m.view(),
            ConsistentNode::Data(d) => d.view(),
            ConsistentNode::Client(c) => c.view(),
            ConsistentNode::Store(s) => s.view(),
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
            Msg::Lease { partitions, .. } => {
                let p: Vec<String> = partitions
                    .iter()
                    .map(|o| format!("p{}", o.partition))
                    .collect();
                format!("lease {}", p.join(","))
            }
            Msg::Persist { owned, .. } => format!("store t{}", owned.token),
            Msg::Persisted { ok, .. } => (if *ok { "stored" } else { "fenced" }).into(),
            Msg::Fence(owned) => format!("fence t{}", owned.token),
            Msg::FenceOk(owned) => format!("fenced t{}", owned.token),
            Msg::Owner { owner, leader, .. } => format!(
                "owner {}, leader {}",
                owner.as_ref().map_or("none".into(), |o| o.to_string()),
                leader.as_ref().map_or("none".into(), |l| l.to_string())
            ),
            other => other.to_string(),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::Applied { .. } | Note::Holds { .. })
    }
}
