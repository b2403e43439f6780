//! The server: a counter and a durable, bounded session table.

use std::collections::BTreeMap;

use super::messages::{Msg, Note, Outcome, Refusal, Timer};
use super::node::IdempotentNode;
use crate::sim::clock::WallTime;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// Limits and timing of the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerPlan {
    /// Whether the server keeps sessions and answers retries from them (the mechanism).
    pub keep_sessions: bool,
    /// A session with no traffic for this long expires, in microseconds of its monotonic clock.
    pub ttl_us: i64,
    /// The most sessions kept at once; a new one evicts the idlest.
    pub max_sessions: usize,
    /// How long writing an answer durably takes before it is sent.
    pub reply_delay_us: u64,
}

/// A client's session on the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Responses kept for retries, by request number.
    pub responses: BTreeMap<u32, Outcome>,
    /// The highest request number applied.
    pub applied: u32,
    /// When the session last saw traffic, on the server's monotonic clock.
    pub last_seen: WallTime,
}

/// The most responses one session keeps (a client has one request outstanding).
pub const MAX_RESPONSES_PER_SESSION: usize = 4;

/// The server: a counter, and a durable session table.
#[derive(Clone, Debug)]
pub struct Server {
    plan: ServerPlan,
    // Durable: the counter and the session table are written together.
    counter: u64,
    applied_total: u64,
    next_client: u32,
    sessions: BTreeMap<u32, Session>,
    // Volatile: answers waiting to be sent.
    outbox: BTreeMap<u64, (NodeId, Msg)>,
    next_reply: u64,
}

impl Server {
    /// A server with these limits.
    pub fn new(plan: ServerPlan) -> Server {
        Server {
            plan,
            counter: 0,
            applied_total: 0,
            next_client: 0,
            sessions: BTreeMap::new(),
            outbox: BTreeMap::new(),
            next_reply: 0,
        }
    }

    /// Forgets what is not durable: the answers not yet sent.
    pub(super) fn on_crash(&mut self) {
        self.outbox.clear();
    }

    fn reply(&mut self, ctx: &mut Ctx<'_, IdempotentNode>, to: NodeId, msg: Msg) {
        self.next_reply += 1;
        self.outbox.insert(self.next_reply, (to, msg));
        let delay = self.plan.reply_delay_us;
        ctx.set_timer(Timer::Reply(self.next_reply), delay, delay);
    }

    /// Looks for idle sessions every half time-to-live, while there are sessions.
    pub(super) fn keep_sweeping(&self, ctx: &mut Ctx<'_, IdempotentNode>) {
        if !self.sessions.is_empty() {
            let every = (self.plan.ttl_us / 2).max(1_000) as u64;
            ctx.set_timer(Timer::Sweep, every, every);
        }
    }

    fn expire_idle(&mut self, ctx: &mut Ctx<'_, IdempotentNode>) {
        let now = ctx.monotonic();
        let ttl = self.plan.ttl_us;
        let expired: Vec<u32> = self
            .sessions
            .iter()
            .filter(|(_, s)| now.0.saturating_sub(s.last_seen.0) > ttl)
            .map(|(id, _)| *id)
            .collect();
        for client in expired {
            self.sessions.remove(&client);
            ctx.note(Note::SessionExpired { client });
        }
    }

    fn on_request(&mut self, ctx: &mut Ctx<'_, IdempotentNode>, from: NodeId, msg: Msg) {
        let Msg::Request {
            client,
            req,
            amount,
            acked,
            ..
        } = msg
        else {
            return;
        };
        let outcome = if !self.plan.keep_sessions {
            self.apply(ctx, client, req, amount)
        } else {
            self.expire_idle(ctx);
            let now = ctx.monotonic();
            match self.sessions.get_mut(&client) {
                None => {
                    let why = Refusal::SessionExpired;
                    ctx.note(Note::Refused { client, req, why });
                    Outcome::Refused(why)
                }
                Some(session) => {
                    session.last_seen = now;
                    // The client has these answers: they need not be kept any longer.
                    session.responses.retain(|&r, _| r > acked);
                    if let Some(&kept) = session.responses.get(&req) {
                        ctx.note(Note::FromSession { client, req });
                        kept
                    } else if req <= session.applied {
                        let why = Refusal::Stale;
                        ctx.note(Note::Refused { client, req, why });
                        Outcome::Refused(why)
                    } else {
                        let outcome = self.apply(ctx, client, req, amount);
                        if let Some(session) = self.sessions.get_mut(&client) {
                            session.applied = req;
                            session.responses.insert(req, outcome);
                            while session.responses.len() > MAX_RESPONSES_PER_SESSION {
                                session.responses.pop_first();
                            }
                        }
                        outcome
                    }
                }
            }
        };
        self.reply(
            ctx,
            from,
            Msg::Response {
                client,
                req,
                outcome,
            },
        );
    }

    fn apply(
        &mut self,
        ctx: &mut Ctx<'_, IdempotentNode>,
        client: u32,
        req: u32,
        amount: u64,
    ) -> Outcome {
        self.counter += amount;
        self.applied_total += 1;
        let counter = self.counter;
        ctx.note(Note::Applied {
            client,
            req,
            counter,
        });
        Outcome::Applied(counter)
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, IdempotentNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Register => {
                self.next_client += 1;
                let client = self.next_client;
                if self.plan.keep_sessions {
                    self.expire_idle(ctx);
                    if self.sessions.len() >= self.plan.max_sessions {
                        let idlest = self
                            .sessions
                            .iter()
                            .min_by_key(|(id, s)| (s.last_seen, **id))
                            .map(|(id, _)| *id);
                        if let Some(evicted) = idlest {
                            self.sessions.remove(&evicted);
                            ctx.note(Note::SessionExpired { client: evicted });
                        }
                    }
                    let session = Session {
                        responses: BTreeMap::new(),
                        applied: 0,
                        last_seen: ctx.monotonic(),
                    };
                    self.sessions.insert(client, session);
                    ctx.note(Note::SessionOpened { client });
                    self.keep_sweeping(ctx);
                }
                self.reply(ctx, from, Msg::Registered { client });
            }
            request @ Msg::Request { .. } => self.on_request(ctx, from, request),
            Msg::Registered { .. } | Msg::Response { .. } => {}
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, IdempotentNode>, timer: Timer) {
        match timer {
            Timer::Reply(n) => {
                if let Some((to, msg)) = self.outbox.remove(&n) {
                    ctx.send(to, msg);
                }
            }
            Timer::Sweep => {
                self.expire_idle(ctx);
                self.keep_sweeping(ctx);
            }
            _ => {}
        }
    }

    pub(super) fn view(&self) -> NodeView {
        let sessions = if self.sessions.is_empty() {
            "none".to_string()
        } else {
            self.sessions
                .iter()
                .map(|(id, s)| {
                    let kept: Vec<String> = s
                        .responses
                        .iter()
                        .map(|(r, o)| format!("r{r}→{o}"))
                        .collect();
                    format!(
                        "client {id}: applied up to r{}, keeps [{}], last seen {}",
                        s.applied,
                        kept.join(", "),
                        s.last_seen
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        NodeView {
            role: "server",
            headline: format!("counter {} · {} sess.", self.counter, self.sessions.len()),
            fields: vec![
                ("counter (durable)", self.counter.to_string()),
                ("requests applied", self.applied_total.to_string()),
                (
                    "session table (durable)",
                    if self.plan.keep_sessions {
                        sessions
                    } else {
                        "not kept: the mechanism is switched off".to_string()
                    },
                ),
                ("answers waiting to be sent", self.outbox.len().to_string()),
            ],
        }
    }
}
