//! A request's path: the message a person picked, every message its delivery chain
//! caused from the first send (see `playground_core::sim::path`), and the time each hop
//! and the whole path took. Computed once per picked message and run.

use std::collections::BTreeSet;
use std::rc::Rc;

use playground_core::sim::node::NodeId;
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;

use super::Playground;

/// One message of the shown path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathHop {
    /// The message.
    pub msg: MsgId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// The payload as text.
    pub label: String,
    /// When it was sent.
    pub sent: SimTime,
    /// When it reached its node and waited for a worker, for work that takes time.
    pub arrived: Option<SimTime>,
    /// When it was delivered or dropped, and whether it was delivered.
    pub end: Option<(SimTime, bool)>,
}

impl PathHop {
    /// From send to delivery (or drop), in µs, once it has ended.
    pub fn took_us(&self) -> Option<u64> {
        self.end.map(|(t, _)| t.as_micros() - self.sent.as_micros())
    }

    /// How long it spent at its node before the handler got it (waiting for a worker,
    /// then being served): from arrival to delivery, in µs.
    pub fn at_node_us(&self) -> Option<u64> {
        let (end, _) = self.end?;
        Some(end.as_micros() - self.arrived?.as_micros())
    }
}

/// The path of the picked message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathView {
    /// The message the person picked.
    pub picked: MsgId,
    /// Every message of the path, the root first, in send order.
    pub hops: Vec<PathHop>,
    /// From the root's send to the last delivery, in µs, if anything was delivered.
    pub latency_us: Option<u64>,
    /// The path's messages, for highlighting.
    pub members: BTreeSet<MsgId>,
    /// Every node the path touches.
    pub nodes: BTreeSet<NodeId>,
    /// Every (sender, receiver) pair the path uses.
    pub links: BTreeSet<(NodeId, NodeId)>,
}

impl Playground {
    /// The path shown (see [`Command::SelectPath`](super::Command::SelectPath)), if any.
    /// Computed once per picked message and run.
    pub fn path(&self) -> Option<Rc<PathView>> {
        let picked = self.path_msg?;
        self.path_memo.get(picked, || {
            let engine = self.engine();
            let path = engine.path(picked)?;
            let hops: Vec<PathHop> = path
                .hops
                .iter()
                .map(|h| PathHop {
                    msg: h.msg,
                    from: h.from,
                    to: h.to,
                    label: engine.message(h.msg).map(|m| m.label).unwrap_or_default(),
                    sent: h.sent_at,
                    arrived: engine.arrival(h.msg),
                    end: h.end,
                })
                .collect();
            // Inserted one by one: collecting into a set would sort, and every sorted
            // type costs the bundle a sort of its own.
            let (mut members, mut nodes, mut links) =
                (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
            for h in &hops {
                members.insert(h.msg);
                nodes.insert(h.from);
                nodes.insert(h.to);
                links.insert((h.from, h.to));
            }
            Some(Rc::new(PathView {
                picked,
                latency_us: path.latency(),
                members,
                nodes,
                links,
                hops,
            }))
        })
    }

    /// The message whose path is shown, if any.
    pub fn path_message(&self) -> Option<MsgId> {
        self.path_msg
    }
}
