//! The client: writes through whoever it believes leads, and retries elsewhere.

use super::messages::{Msg, Timer};
use super::node::{name_of, GenerationNode, Names};
use crate::sim::node::{Ctx, NodeId, NodeView};

/// The client: writes one value at a time to whoever it believes leads.
#[derive(Clone, Debug)]
pub struct Client {
    names: Names,
    servers: Vec<NodeId>,
    target: usize,
    req: u32,
    waiting: bool,
    acknowledged: u32,
    think_us: (u64, u64),
    timeout_us: u64,
}

impl Client {
    /// A client of `servers`, first asking the first of them, pausing `think_us` between
    /// writes and giving up on a server after `timeout_us`.
    pub fn new(
        names: Names,
        servers: Vec<NodeId>,
        think_us: (u64, u64),
        timeout_us: u64,
    ) -> Client {
        Client {
            names,
            servers,
            target: 0,
            req: 0,
            waiting: false,
            acknowledged: 0,
            think_us,
            timeout_us,
        }
    }

    fn send(&mut self, ctx: &mut Ctx<'_, GenerationNode>) {
        if let Some(&to) = self.servers.get(self.target) {
            self.waiting = true;
            ctx.send(to, Msg::ClientWrite { req: self.req });
            ctx.set_timer(Timer::WriteTimeout, self.timeout_us, self.timeout_us);
        }
    }

    fn next_server(&mut self) {
        self.target = (self.target + 1) % self.servers.len().max(1);
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, GenerationNode>) {
        self.waiting = false;
        ctx.set_timer(Timer::NextWrite, self.think_us.0, self.think_us.1);
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, GenerationNode>, msg: Msg) {
        match msg {
            Msg::WriteOk { req, .. } if req == self.req && self.waiting => {
                self.waiting = false;
                self.acknowledged += 1;
                ctx.cancel_timer(Timer::WriteTimeout);
                ctx.set_timer(Timer::NextWrite, self.think_us.0, self.think_us.1);
            }
            Msg::NotLeader { req, hint } if req == self.req && self.waiting => {
                match hint.and_then(|h| self.servers.iter().position(|&s| s == h)) {
                    Some(i) => self.target = i,
                    None => self.next_server(),
                }
                self.send(ctx);
            }
            _ => {}
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, GenerationNode>, timer: Timer) {
        match timer {
            Timer::NextWrite => {
                self.req += 1;
                self.send(ctx);
            }
            Timer::WriteTimeout if self.waiting => {
                self.next_server();
                self.send(ctx);
            }
            _ => {}
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.waiting = false;
    }

    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "client",
            headline: format!("{} acked", self.acknowledged),
            fields: vec![
                ("writes acknowledged", self.acknowledged.to_string()),
                ("current request", format!("r{}", self.req)),
                (
                    "asking",
                    name_of(
                        &self.names,
                        self.servers.get(self.target).copied(),
                        "nobody",
                    ),
                ),
            ],
        }
    }
}
