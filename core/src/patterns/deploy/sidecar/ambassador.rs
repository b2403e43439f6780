//! The ambassador: the application reads and writes keys through a container on its
//! localhost, and that container knows the store: one server, shards, or replicas. The
//! application is the same in every case; only the ambassador differs.

use crate::patterns::deploy::msg::{Msg, Timer};
use crate::patterns::deploy::{DeployNode, FAILED, LATENCY};
use crate::sim::node::{Ctx, NodeId, NodeView, Stamp};

/// How long the application waits for an answer before it gives up on an operation.
const GIVE_UP_US: u64 = 30_000;

/// The application: one operation at a time, a read or a write of a random key, sent to
/// its ambassador on localhost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct App {
    ambassador: NodeId,
    keys: u64,
    /// Durable: operations are numbered up, and a write's value is its number.
    next_id: u64,
    // Volatile.
    pending: Option<(u64, Stamp)>,
    answered: u64,
}

impl App {
    /// An application using `keys` keys through `ambassador`.
    pub fn new(ambassador: NodeId, keys: u64) -> App {
        App {
            ambassador,
            keys,
            next_id: 0,
            pending: None,
            answered: 0,
        }
    }

    pub(crate) fn on_start(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        ctx.set_timer(Timer::Next, 1_000, 3_000);
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx<'_, DeployNode>, timer: Timer) {
        if timer == Timer::Retry && self.pending.take().is_some() {
            ctx.measure(FAILED, 1);
        }
        self.next_id += 1;
        let (id, key) = (self.next_id, ctx.random_below(self.keys));
        let op = if ctx.random_below(2) == 0 {
            Msg::Get { id, key }
        } else {
            Msg::Put { id, key, value: id }
        };
        ctx.send(self.ambassador, op);
        self.pending = Some((id, ctx.stamp()));
        ctx.set_timer(Timer::Retry, GIVE_UP_US, GIVE_UP_US);
    }

    pub(crate) fn on_message(&mut self, ctx: &mut Ctx<'_, DeployNode>, msg: Msg) {
        let (Msg::Got { id, .. } | Msg::PutOk { id }) = msg else {
            return;
        };
        if let Some((_, sent)) = self.pending.filter(|p| p.0 == id) {
            self.pending = None;
            self.answered += 1;
            ctx.measure_since(LATENCY, sent);
            ctx.cancel_timer(Timer::Retry);
            ctx.set_timer(Timer::Next, 1_000, 3_000);
        }
    }

    pub(crate) fn on_crash(&mut self) {
        self.pending = None;
    }

    pub(crate) fn view(&self) -> NodeView {
        NodeView {
            role: "app",
            headline: format!("op {}", self.next_id),
            fields: vec![("answered", self.answered.to_string())],
        }
    }
}

/// What the ambassador talks to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Store {
    /// One server.
    Single(NodeId),
    /// Shards: a key lives on shard `key mod n`.
    Sharded(Vec<NodeId>),
    /// Replicas: a write goes to all, a read to any.
    Replicated(Vec<NodeId>),
}

/// The ambassador container.
#[derive(Clone, Debug)]
pub struct Ambassador {
    app: NodeId,
    store: Store,
    /// Whether it speaks the store's protocol (off: it sends every operation to the
    /// next server in turn, as if there were one).
    aware: bool,
    // Volatile.
    turn: usize,
    /// A write to every replica: its operation and the acknowledgements still missing.
    put: Option<(u64, usize)>,
}

impl Ambassador {
    /// The ambassador of `app` in front of `store`.
    pub fn new(app: NodeId, store: Store, aware: bool) -> Ambassador {
        Ambassador {
            app,
            store,
            aware,
            turn: 0,
            put: None,
        }
    }

    fn servers(&self) -> &[NodeId] {
        match &self.store {
            Store::Single(s) => std::slice::from_ref(s),
            Store::Sharded(s) | Store::Replicated(s) => s,
        }
    }

    fn next_in_turn(&mut self) -> NodeId {
        self.turn += 1;
        let servers = self.servers();
        servers[self.turn % servers.len()]
    }

    pub(crate) fn on_message(&mut self, ctx: &mut Ctx<'_, DeployNode>, msg: Msg) {
        match (&msg, self.aware) {
            (Msg::Got { .. } | Msg::PutOk { .. }, _) if self.put.is_none() => {
                ctx.send(self.app, msg);
            }
            (&Msg::PutOk { id }, _) => {
                if let Some((op, missing)) = self.put.as_mut().filter(|p| p.0 == id) {
                    *missing -= 1;
                    if *missing == 0 {
                        ctx.send(self.app, Msg::PutOk { id: *op });
                        self.put = None;
                    }
                }
            }
            (&Msg::Get { key, .. } | &Msg::Put { key, .. }, true)
                if matches!(self.store, Store::Sharded(_)) =>
            {
                let shards = self.servers();
                let shard = shards[(key % shards.len() as u64) as usize];
                ctx.send(shard, msg);
            }
            (&Msg::Put { id, .. }, true) if matches!(self.store, Store::Replicated(_)) => {
                self.put = Some((id, self.servers().len()));
                ctx.broadcast(self.servers().to_vec(), msg);
            }
            (Msg::Get { .. } | Msg::Put { .. }, _) => {
                self.put = None;
                let server = self.next_in_turn();
                ctx.send(server, msg);
            }
            _ => {}
        }
    }

    pub(crate) fn on_crash(&mut self) {
        self.put = None;
    }

    pub(crate) fn view(&self) -> NodeView {
        let (kind, n) = match &self.store {
            Store::Single(_) => ("one server", 1),
            Store::Sharded(s) => ("shards", s.len()),
            Store::Replicated(s) => ("replicas", s.len()),
        };
        NodeView {
            role: "ambassador",
            headline: format!("{n} {kind}"),
            fields: vec![(
                "routing",
                if self.aware {
                    "by the store's protocol"
                } else {
                    "each operation to the next server"
                }
                .to_string(),
            )],
        }
    }
}
