//! The message broker's node: the producer, the broker, a consumer or the dead-letter
//! queue.

use super::consumer::{Consumer, DeadLetters};
use super::msg::{Msg, Note, Timer};
use super::producer::Producer;
use super::server::Broker;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A node of the broker's stories.
#[derive(Clone, Debug)]
pub enum BrokerNode {
    /// Publishes messages.
    Producer(Producer),
    /// Holds the queue.
    Broker(Broker),
    /// Takes messages from the queue.
    Consumer(Consumer),
    /// The dead-letter queue.
    DeadLetters(DeadLetters),
}

impl Node for BrokerNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            BrokerNode::Producer(p) => p.on_start(ctx),
            BrokerNode::Broker(b) => b.on_start(ctx),
            BrokerNode::Consumer(c) => c.subscribe(ctx),
            BrokerNode::DeadLetters(_) => {}
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            BrokerNode::Producer(_) => {}
            BrokerNode::Broker(b) => b.on_message(ctx, from, msg),
            BrokerNode::Consumer(c) => c.on_message(ctx, msg),
            BrokerNode::DeadLetters(d) => d.on_message(msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _timer: Timer) {
        if let BrokerNode::Producer(p) = self {
            p.on_timer(ctx);
        }
    }

    fn on_crash(&mut self) {
        match self {
            BrokerNode::Broker(b) => b.on_crash(),
            BrokerNode::Consumer(c) => c.on_crash(),
            BrokerNode::Producer(_) | BrokerNode::DeadLetters(_) => {}
        }
    }

    fn view(&self) -> NodeView {
        match self {
            BrokerNode::Producer(p) => p.view(),
            BrokerNode::Broker(b) => b.view(),
            BrokerNode::Consumer(c) => c.view(),
            BrokerNode::DeadLetters(d) => d.view(),
        }
    }

    fn service(&self, msg: &Msg) -> Option<Delay> {
        match (self, msg) {
            (BrokerNode::Consumer(c), Msg::Deliver { .. }) => Some(c.work.delay()),
            _ => None,
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<'_, Self>, verb: &str, arg: i64) {
        match self {
            BrokerNode::Producer(p) => p.on_command(ctx, verb),
            BrokerNode::Consumer(c) => {
                c.work.command(verb, arg);
            }
            BrokerNode::Broker(_) | BrokerNode::DeadLetters(_) => {}
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Publish { id, .. } | Msg::Deliver { id, .. } => format!("m{id}"),
            Msg::Ack { id, .. } => format!("ack m{id}"),
            Msg::Reject { id, .. } => format!("nack m{id}"),
            Msg::DeadLetter { id, .. } => format!("m{id} dead"),
            Msg::Subscribe { .. } => "subscribe".to_string(),
            Msg::Reconnect => "reconnect".to_string(),
        }
    }
}
