//! The clients and the server of the idempotent receiver pattern.

use std::collections::BTreeMap;
use std::fmt;

use crate::sim::clock::WallTime;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// Why a request was not applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The client's session expired (or never existed): register again.
    SessionExpired,
    /// A late copy of a request that was answered long ago; its response is discarded.
    Stale,
}

/// A server's answer to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Applied: the counter's value right after this request.
    Applied(u64),
    /// Not applied.
    Refused(Refusal),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Applied(counter) => write!(f, "ok counter={counter}"),
            Outcome::Refused(Refusal::SessionExpired) => f.write_str("session expired"),
            Outcome::Refused(Refusal::Stale) => f.write_str("stale duplicate"),
        }
    }
}

/// Messages of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A client asks for a session.
    Register,
    /// The server opened a session and gives the client its id.
    Registered {
        /// The client's id.
        client: u32,
    },
    /// Add `amount` to the counter (not idempotent: applying it twice shows).
    Request {
        /// The client's id.
        client: u32,
        /// The request number, from 1 per session; a retry keeps its number.
        req: u32,
        /// How much to add.
        amount: u64,
        /// The highest request number whose response the client has received.
        acked: u32,
    },
    /// The answer to a request.
    Response {
        /// The client's id.
        client: u32,
        /// The request number.
        req: u32,
        /// What happened.
        outcome: Outcome,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Register => f.write_str("register"),
            Msg::Registered { client } => write!(f, "registered as client {client}"),
            Msg::Request {
                client,
                req,
                amount,
                acked,
            } => write!(f, "client {client} r{req}: add {amount} (acked r{acked})"),
            Msg::Response {
                client,
                req,
                outcome,
            } => write!(f, "client {client} r{req}: {outcome}"),
        }
    }
}

/// Timers of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The client's registration got no answer.
    RegisterTimeout,
    /// Time for the client's next request.
    NextRequest,
    /// The client's request got no answer in time: retry it.
    RequestTimeout,
    /// The server sends answer number `n` of its outbox (after writing it durably).
    Reply(u64),
    /// The server expires idle sessions.
    Sweep,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::RegisterTimeout => f.write_str("register-timeout"),
            Timer::NextRequest => f.write_str("next-request"),
            Timer::RequestTimeout => f.write_str("request-timeout"),
            Timer::Reply(n) => write!(f, "reply #{n}"),
            Timer::Sweep => f.write_str("sweep-sessions"),
        }
    }
}

/// Pattern-level events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The server opened a session.
    SessionOpened {
        /// The client's id.
        client: u32,
    },
    /// The server expired an idle session (or evicted the idlest one when full).
    SessionExpired {
        /// The client's id.
        client: u32,
    },
    /// The server applied a request.
    Applied {
        /// The client's id.
        client: u32,
        /// The request number.
        req: u32,
        /// The counter afterwards.
        counter: u64,
    },
    /// The server answered a retry from the session, without applying it again.
    FromSession {
        /// The client's id.
        client: u32,
        /// The request number.
        req: u32,
    },
    /// The server refused a request.
    Refused {
        /// The client's id.
        client: u32,
        /// The request number.
        req: u32,
        /// Why.
        why: Refusal,
    },
    /// The client got an answer to its request.
    Completed {
        /// The client's id.
        client: u32,
        /// The request number.
        req: u32,
        /// The answer.
        outcome: Outcome,
    },
    /// The client retries a request with the same number.
    Retry {
        /// The client's id.
        client: u32,
        /// The request number.
        req: u32,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::SessionOpened { client } => write!(f, "session of client {client} opened"),
            Note::SessionExpired { client } => write!(f, "session of client {client} expired"),
            Note::Applied {
                client,
                req,
                counter,
            } => write!(f, "applied r{req}: counter={counter} (client {client})"),
            Note::FromSession { client, req } => {
                write!(f, "r{req} answered from the session (client {client})")
            }
            Note::Refused { client, req, why } => {
                let why = match why {
                    Refusal::SessionExpired => "session expired",
                    Refusal::Stale => "stale duplicate",
                };
                write!(f, "refused r{req}: {why} (client {client})")
            }
            Note::Completed {
                client,
                req,
                outcome,
            } => write!(f, "r{req} done: {outcome} (client {client})"),
            Note::Retry { client, req } => write!(f, "retry r{req} (client {client})"),
        }
    }
}

/// Limits and timing of the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerPlan {
    /// Whether the server keeps sessions and answers retries from them (the mechanism).
    pub keep_sessions: bool,
    /// A session with no traffic for this long expires, in microseconds of its wall clock.
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
    /// When the session last saw traffic, on the server's wall clock.
    pub last_seen: WallTime,
}

/// The most responses one session keeps (a client has one request outstanding; this is
/// the bound the table's size is checked against).
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

    /// The counter's value.
    pub fn counter(&self) -> u64 {
        self.counter
    }

    /// The session table.
    pub fn sessions(&self) -> &BTreeMap<u32, Session> {
        &self.sessions
    }

    /// The configured limits.
    pub fn plan(&self) -> ServerPlan {
        self.plan
    }

    fn reply(&mut self, ctx: &mut Ctx<'_, IdempotentNode>, to: NodeId, msg: Msg) {
        self.next_reply += 1;
        self.outbox.insert(self.next_reply, (to, msg));
        let delay = self.plan.reply_delay_us;
        ctx.set_timer(Timer::Reply(self.next_reply), delay, delay);
    }

    /// Looks for idle sessions every half time-to-live, while there are sessions.
    fn keep_sweeping(&self, ctx: &mut Ctx<'_, IdempotentNode>) {
        if !self.sessions.is_empty() {
            let every = (self.plan.ttl_us / 2).max(1_000) as u64;
            ctx.set_timer(Timer::Sweep, every, every);
        }
    }

    fn expire_idle(&mut self, ctx: &mut Ctx<'_, IdempotentNode>) {
        let now = ctx.wall_clock();
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
        } = msg
        else {
            return;
        };
        let outcome = if !self.plan.keep_sessions {
            self.apply(ctx, client, req, amount)
        } else {
            self.expire_idle(ctx);
            let now = ctx.wall_clock();
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

    fn on_message(&mut self, ctx: &mut Ctx<'_, IdempotentNode>, from: NodeId, msg: Msg) {
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
                        last_seen: ctx.wall_clock(),
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

    fn on_timer(&mut self, ctx: &mut Ctx<'_, IdempotentNode>, timer: Timer) {
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

    fn view(&self) -> NodeView {
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

/// What a client does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientPlan {
    /// How many requests it makes (each adds 1 to the counter).
    pub requests: u32,
    /// Pause before each request, in microseconds; a long one lets the session expire.
    pub think_us: Vec<u64>,
    /// How long to wait for an answer before retrying.
    pub timeout_us: u64,
}

/// A client: registers, then sends numbered requests, retrying each until answered.
#[derive(Clone, Debug)]
pub struct Client {
    server: NodeId,
    plan: ClientPlan,
    // Durable: how many operations it has had done (it does not redo finished work).
    done: u32,
    // Volatile: the session.
    id: Option<u32>,
    req: u32,
    acked: u32,
    waiting: bool,
    retries: u32,
}

impl Client {
    /// A client of `server`.
    pub fn new(server: NodeId, plan: ClientPlan) -> Client {
        Client {
            server,
            plan,
            done: 0,
            id: None,
            req: 0,
            acked: 0,
            waiting: false,
            retries: 0,
        }
    }

    fn register(&mut self, ctx: &mut Ctx<'_, IdempotentNode>) {
        self.id = None;
        self.req = 0;
        self.acked = 0;
        ctx.send(self.server, Msg::Register);
        let t = self.plan.timeout_us;
        ctx.set_timer(Timer::RegisterTimeout, t, t);
    }

    fn send(&mut self, ctx: &mut Ctx<'_, IdempotentNode>) {
        let Some(client) = self.id else { return };
        self.waiting = true;
        let (req, acked) = (self.req, self.acked);
        ctx.send(
            self.server,
            Msg::Request {
                client,
                req,
                amount: 1,
                acked,
            },
        );
        let t = self.plan.timeout_us;
        ctx.set_timer(Timer::RequestTimeout, t, t);
    }

    fn schedule_next(&mut self, ctx: &mut Ctx<'_, IdempotentNode>) {
        if self.done < self.plan.requests {
            let think = self
                .plan
                .think_us
                .get(self.done as usize)
                .or(self.plan.think_us.last())
                .copied()
                .unwrap_or(10_000);
            ctx.set_timer(Timer::NextRequest, think, think);
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, IdempotentNode>, msg: Msg) {
        match msg {
            Msg::Registered { client } if self.id.is_none() => {
                self.id = Some(client);
                ctx.cancel_timer(Timer::RegisterTimeout);
                if self.waiting {
                    // The refused operation is sent again, in the new session.
                    self.req = 1;
                    self.send(ctx);
                } else {
                    self.schedule_next(ctx);
                }
            }
            Msg::Response {
                client,
                req,
                outcome,
            } if Some(client) == self.id && req == self.req && self.waiting => {
                ctx.cancel_timer(Timer::RequestTimeout);
                ctx.note(Note::Completed {
                    client,
                    req,
                    outcome,
                });
                match outcome {
                    Outcome::Refused(Refusal::SessionExpired) => self.register(ctx),
                    Outcome::Applied(_) | Outcome::Refused(Refusal::Stale) => {
                        self.waiting = false;
                        self.acked = req;
                        self.done += 1;
                        self.schedule_next(ctx);
                    }
                }
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, IdempotentNode>, timer: Timer) {
        match timer {
            Timer::RegisterTimeout if self.id.is_none() => self.register(ctx),
            Timer::NextRequest if self.id.is_some() && !self.waiting => {
                self.req += 1;
                self.send(ctx);
            }
            Timer::RequestTimeout if self.waiting && self.id.is_some() => {
                self.retries += 1;
                if let Some(client) = self.id {
                    ctx.note(Note::Retry {
                        client,
                        req: self.req,
                    });
                }
                self.send(ctx);
            }
            _ => {}
        }
    }

    fn view(&self) -> NodeView {
        NodeView {
            role: "client",
            headline: match self.id {
                Some(id) => format!("id {id} · r{} · {} done", self.req, self.done),
                None => "registering".to_string(),
            },
            fields: vec![
                (
                    "client id",
                    self.id.map_or("none yet".into(), |id| id.to_string()),
                ),
                ("current request", format!("r{}", self.req)),
                ("answers received up to", format!("r{}", self.acked)),
                (
                    "operations done",
                    format!("{} of {}", self.done, self.plan.requests),
                ),
                ("retries", self.retries.to_string()),
            ],
        }
    }
}

/// A node of the idempotent receiver pattern.
#[derive(Clone, Debug)]
pub enum IdempotentNode {
    /// Sends requests.
    Client(Client),
    /// Applies them, once.
    Server(Server),
}

impl IdempotentNode {
    /// The server, for the server.
    pub fn server(&self) -> Option<&Server> {
        match self {
            IdempotentNode::Server(s) => Some(s),
            IdempotentNode::Client(_) => None,
        }
    }
}

impl Node for IdempotentNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            IdempotentNode::Client(c) => {
                c.waiting = false;
                c.register(ctx);
            }
            IdempotentNode::Server(s) => s.keep_sweeping(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            IdempotentNode::Client(c) => c.on_message(ctx, msg),
            IdempotentNode::Server(s) => s.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            IdempotentNode::Client(c) => c.on_timer(ctx, timer),
            IdempotentNode::Server(s) => s.on_timer(ctx, timer),
        }
    }

    fn on_crash(&mut self) {
        match self {
            IdempotentNode::Client(c) => {
                c.id = None;
                c.waiting = false;
            }
            IdempotentNode::Server(s) => s.outbox.clear(),
        }
    }

    fn view(&self) -> NodeView {
        match self {
            IdempotentNode::Client(c) => c.view(),
            IdempotentNode::Server(s) => s.view(),
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Register => "register".into(),
            Msg::Registered { client } => format!("id {client}"),
            Msg::Request { req, .. } => format!("r{req} +1"),
            Msg::Response { req, outcome, .. } => match outcome {
                Outcome::Applied(c) => format!("r{req} ={c}"),
                Outcome::Refused(Refusal::SessionExpired) => format!("r{req} expired"),
                Outcome::Refused(Refusal::Stale) => format!("r{req} stale"),
            },
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::Completed { .. })
    }
}
