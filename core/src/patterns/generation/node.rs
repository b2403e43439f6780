//! The generation clock's node: a client or a server, behind one `Node`.

use std::sync::Arc;

use super::client::Client;
use super::messages::{Msg, Note, Timer};
use super::server::Server;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// Node names, shared by every node of a run, for the inspector.
pub type Names = Arc<Vec<String>>;

/// The name of node `id`, or `none` when there is none.
pub(super) fn name_of(names: &Names, id: Option<NodeId>, none: &str) -> String {
    id.and_then(|id| names.get(id.index()).cloned())
        .unwrap_or_else(|| none.to_string())
}

/// A node of the generation clock pattern.
#[derive(Clone, Debug)]
pub enum GenerationNode {
    /// Writes.
    Client(Client),
    /// A cluster member.
    Server(Server),
}

impl GenerationNode {
    /// The server's generation, for servers.
    pub fn generation(&self) -> Option<u64> {
        match self {
            GenerationNode::Server(s) => Some(s.generation()),
            GenerationNode::Client(_) => None,
        }
    }
}

impl Node for GenerationNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            GenerationNode::Server(s) => s.on_start(ctx),
            GenerationNode::Client(c) => c.on_start(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            GenerationNode::Server(s) => s.on_message(ctx, from, msg),
            GenerationNode::Client(c) => c.on_message(ctx, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            GenerationNode::Server(s) => s.on_timer(ctx, timer),
            GenerationNode::Client(c) => c.on_timer(ctx, timer),
        }
    }

    fn on_crash(&mut self) {
        match self {
            GenerationNode::Server(s) => s.on_crash(),
            GenerationNode::Client(c) => c.on_crash(),
        }
    }

    fn view(&self) -> NodeView {
        match self {
            GenerationNode::Server(s) => s.view(),
            GenerationNode::Client(c) => c.view(),
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Heartbeat { gen } => format!("hb g{gen}"),
            Msg::Reject { gen } => format!("reject g{gen}"),
            Msg::RequestVote { gen } => format!("vote? g{gen}"),
            Msg::Vote { gen, granted } => format!("{} g{gen}", if *granted { "yes" } else { "no" }),
            Msg::Replicate { gen, write } => format!("{write} g{gen}"),
            Msg::Accepted { write } => format!("ok {write}"),
            Msg::ClientWrite { req } => format!("r{req}"),
            Msg::WriteOk { req, .. } => format!("ok r{req}"),
            Msg::NotLeader { .. } => "not leader".to_string(),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::Accept { .. } | Note::Voted { .. })
    }
}
