//! The gateway itself: the one entry point. It checks each request's token with the auth
//! service, takes a token from the client's bucket, and routes the request by its path
//! to the next instance of that path's service; it relays the answer.

use super::msg::{Msg, Outcome, Timer};
use super::node::GatewayNode;
use super::HANDLED;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A token bucket per client: one token added every `refill_us` (the rate), at most
/// `burst` kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Time between two tokens.
    pub refill_us: u64,
    /// The bucket's size.
    pub burst: u32,
}

/// An API gateway.
#[derive(Clone, Debug)]
pub struct Gateway {
    /// The auth service; `None` when the gateway does not check tokens.
    auth: Option<NodeId>,
    /// Each path's instances, in [`super::msg::PATHS`] order.
    routes: Vec<Vec<NodeId>>,
    /// The rate limit; `None` when the gateway lets every request through.
    limit: Option<Limit>,
    /// The time taking a request costs it (parsing, TLS, the rules it runs).
    work: Delay,
    /// Durable (kept in a shared store): whether it has run before. A restarted gateway
    /// starts with empty buckets, so a restart never grants a second burst.
    started: bool,
    // Volatile.
    /// Tokens left per client.
    tokens: Vec<u32>,
    /// The next instance per path.
    turn: Vec<usize>,
    /// Requests taken, refused (401, 429) and routed.
    counts: [u64; 4],
}

impl Gateway {
    /// A gateway for `clients` clients, checking tokens with `auth`, routing to `routes`,
    /// limiting each client to `limit`, taking `work` per request.
    pub fn new(
        clients: usize,
        auth: Option<NodeId>,
        routes: Vec<Vec<NodeId>>,
        limit: Option<Limit>,
        work: Delay,
    ) -> Gateway {
        Gateway {
            auth,
            turn: vec![0; routes.len()],
            routes,
            limit,
            work,
            started: false,
            tokens: vec![0; clients],
            counts: [0; 4],
        }
    }

    pub(super) fn service(&self, msg: &Msg) -> Option<Delay> {
        matches!(msg, Msg::Request { .. }).then_some(self.work)
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, GatewayNode>) {
        if let Some(limit) = self.limit {
            let full = if self.started { 0 } else { limit.burst };
            self.tokens.fill(full);
            ctx.set_timer(Timer::Refill, limit.refill_us, limit.refill_us);
        }
        self.started = true;
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, GatewayNode>, timer: Timer) {
        if let (Timer::Refill, Some(limit)) = (timer, self.limit) {
            for tokens in &mut self.tokens {
                *tokens = (*tokens + 1).min(limit.burst);
            }
            ctx.set_timer(Timer::Refill, limit.refill_us, limit.refill_us);
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, GatewayNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Request {
                client,
                id,
                route,
                token,
            } => {
                self.counts[0] += 1;
                ctx.measure(HANDLED, 1);
                match self.auth {
                    Some(auth) => ctx.send(
                        auth,
                        Msg::Verify {
                            client,
                            id,
                            route,
                            token,
                        },
                    ),
                    None => self.admit(ctx, client, id, route),
                }
            }
            Msg::Verdict {
                client,
                id,
                route,
                valid,
            } => {
                if valid {
                    self.admit(ctx, client, id, route);
                } else {
                    self.refuse(ctx, client, id, Outcome::Unauthorized);
                }
            }
            Msg::Done { client, id } => {
                let outcome = Outcome::Ok;
                ctx.send(NodeId(client), Msg::Reply { id, outcome });
            }
            Msg::Ping { round } => ctx.send(from, Msg::Pong { round }),
            _ => {}
        }
    }

    /// A request with valid credentials (or unchecked): through the rate limit, then to
    /// the next instance of its path's service.
    fn admit(&mut self, ctx: &mut Ctx<'_, GatewayNode>, client: u32, id: u64, route: u8) {
        if self.limit.is_some() {
            match self.tokens.get_mut(client as usize) {
                Some(tokens) if *tokens > 0 => *tokens -= 1,
                _ => return self.refuse(ctx, client, id, Outcome::TooMany),
            }
        }
        let route_index = usize::from(route);
        let Some(instances) = self.routes.get(route_index).filter(|i| !i.is_empty()) else {
            return;
        };
        let turn = &mut self.turn[route_index];
        let instance = instances[*turn % instances.len()];
        *turn += 1;
        self.counts[3] += 1;
        ctx.send(instance, Msg::Work { client, id, route });
    }

    fn refuse(&mut self, ctx: &mut Ctx<'_, GatewayNode>, client: u32, id: u64, outcome: Outcome) {
        self.counts[outcome as usize] += 1;
        ctx.send(NodeId(client), Msg::Reply { id, outcome });
    }

    pub(super) fn on_crash(&mut self) {
        self.turn.fill(0);
        self.counts = [0; 4];
    }

    pub(super) fn view(&self) -> NodeView {
        let [taken, unauthorized, limited, routed] = self.counts.map(|n| n.to_string());
        let limit = match self.limit {
            Some(limit) => format!(
                "{}/s, burst {}",
                1_000_000 / limit.refill_us.max(1),
                limit.burst
            ),
            None => "off".to_string(),
        };
        NodeView {
            role: "gateway",
            headline: format!("{} routed", self.counts[3]),
            fields: vec![
                ("requests taken", taken),
                ("401 refused", unauthorized),
                ("429 refused", limited),
                ("routed", routed),
                (
                    "auth check",
                    if self.auth.is_some() { "on" } else { "off" }.into(),
                ),
                ("its share of each client's limit", limit),
            ],
        }
    }
}
