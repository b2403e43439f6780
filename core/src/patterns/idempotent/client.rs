//! The client: registers, sends numbered requests, retries, and says when it cannot
//! know an operation's outcome.

use super::messages::{Msg, Note, Outcome, Refusal, Timer};
use super::node::IdempotentNode;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// What a client does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientPlan {
    /// How many operations it is asked to do (each adds 1 to the counter).
    pub requests: u32,
    /// Pause before each request, in microseconds; a long one lets the session expire.
    pub think_us: Vec<u64>,
    /// How long to wait for an answer before retrying.
    pub timeout_us: u64,
    /// Whether the client reports "outcome unknown" when it loses its session or
    /// crashes with an attempt of an operation out (the honest mechanism); when false it
    /// resends the operation blindly under its new client id.
    pub report_unknown: bool,
}

/// A client: registers, then sends numbered requests, retrying each until answered.
#[derive(Clone, Debug)]
pub struct Client {
    server: NodeId,
    plan: ClientPlan,
    // Durable: how many operations are finished (answered, or reported unknown), how
    // many have an unknown outcome, and whether an attempt of the operation in hand went
    // out (written before the attempt is sent).
    done: u32,
    unknown: u32,
    attempted: bool,
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
            unknown: 0,
            attempted: false,
            id: None,
            req: 0,
            acked: 0,
            waiting: false,
            retries: 0,
        }
    }

    /// Forgets what is not durable: the session and the request in hand.
    pub(super) fn on_crash(&mut self) {
        self.id = None;
        self.waiting = false;
    }

    /// The operation in hand: the first one not finished.
    fn op(&self) -> u32 {
        self.done + 1
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
        self.attempted = true;
        let (req, acked, op) = (self.req, self.acked, self.op());
        ctx.send(
            self.server,
            Msg::Request {
                client,
                req,
                op,
                amount: 1,
                acked,
            },
        );
        let t = self.plan.timeout_us;
        ctx.set_timer(Timer::RequestTimeout, t, t);
    }

    /// The operation in hand is over, its outcome known or not.
    fn finish(&mut self) {
        self.waiting = false;
        self.attempted = false;
        self.done += 1;
    }

    /// An attempt of the operation in hand went out and the client can no longer learn
    /// whether it was applied: the honest client says so and moves on; the blind one keeps
    /// the operation and will send it again under its next client id.
    fn give_up_unless_blind(&mut self, ctx: &mut Ctx<'_, IdempotentNode>) {
        if self.plan.report_unknown {
            ctx.note(Note::OutcomeUnknown { op: self.op() });
            self.unknown += 1;
            self.finish();
        } else {
            self.attempted = false;
        }
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

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, IdempotentNode>, msg: Msg) {
        match msg {
            Msg::Registered { client } if self.id.is_none() => {
                self.id = Some(client);
                ctx.cancel_timer(Timer::RegisterTimeout);
                if self.waiting {
                    // The operation is sent again, in the new session.
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
                    Outcome::Refused(Refusal::SessionExpired) => {
                        // The refusal speaks for one copy of one attempt. An earlier
                        // attempt, or a network copy of this one, may have been applied
                        // before the session expired, and only the session knew.
                        self.give_up_unless_blind(ctx);
                        if self.waiting || self.done < self.plan.requests {
                            self.register(ctx);
                        }
                    }
                    Outcome::Applied(_) | Outcome::Refused(Refusal::Stale) => {
                        self.acked = req;
                        self.finish();
                        self.schedule_next(ctx);
                    }
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, IdempotentNode>, timer: Timer) {
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

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, IdempotentNode>) {
        self.waiting = false;
        if self.attempted {
            // Restarted with an attempt out: it may have been applied.
            self.give_up_unless_blind(ctx);
        }
        self.register(ctx);
    }

    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "client",
            headline: match (self.id, self.unknown) {
                (None, _) => "registering".to_string(),
                (Some(id), 0) => format!("id {id} · r{} · {} done", self.req, self.done),
                // With outcomes unknown, those and the done ones (the id and request
                // are in the inspector): a box holds no more.
                (Some(_), unknown) => format!("{} done · {unknown} unknown", self.done),
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
                ("outcome unknown (durable)", self.unknown.to_string()),
                ("retries", self.retries.to_string()),
            ],
        }
    }
}
