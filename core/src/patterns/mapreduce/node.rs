//! The map/reduce pattern's node: the master or a worker.

use super::master::Master;
use super::msg::{Msg, Note, Timer};
use super::worker::Worker;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A node of the job.
#[derive(Clone, Debug)]
pub enum MapReduceNode {
    /// Hands out tasks and commits the output.
    Master(Master),
    /// Runs tasks.
    Worker(Worker),
}

impl Node for MapReduceNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            MapReduceNode::Master(m) => m.on_start(ctx),
            MapReduceNode::Worker(w) => w.on_start(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            MapReduceNode::Master(m) => m.on_message(ctx, from, msg),
            MapReduceNode::Worker(w) => w.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            MapReduceNode::Master(m) => m.on_timer(ctx, timer),
            MapReduceNode::Worker(w) => w.on_timer(ctx, timer),
        }
    }

    fn on_crash(&mut self) {
        if let MapReduceNode::Worker(w) = self {
            w.on_crash();
        }
    }

    fn view(&self) -> NodeView {
        match self {
            MapReduceNode::Master(m) => m.view(),
            MapReduceNode::Worker(w) => w.view(),
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<'_, Self>, verb: &str, arg: i64) {
        if let MapReduceNode::Worker(w) = self {
            w.on_command(ctx, verb, arg);
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Assign { task, .. } => task.to_string(),
            Msg::Heartbeat { .. } => "hb".into(),
            Msg::MapDone { map, .. } => format!("map {map} ✓"),
            Msg::Fetch { map, part } | Msg::Chunk { map, part, .. } => format!("m{map}/p{part}"),
            Msg::WhereIs { map } | Msg::Located { map, .. } => format!("where m{map}"),
            Msg::ReduceDone { part, .. } => format!("reduce {part} ✓"),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::Discarded { .. })
    }
}
