//! A client: sends reads and writes of keys drawn from a distribution at a rate (open
//! loop), to its router or, holding a routing table of its own, straight to the shards;
//! it can be told to make one key hot.

use super::msg::{Msg, Note, Req, Timer};
use super::node::ShardNode;
use super::router::Router;
use super::{FAILED, LATENCY};
use crate::patterns::outstanding::Outstanding;
use crate::sim::load::{Arrivals, Keys};
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A request not answered within this is given up on.
const TIMEOUT_US: u64 = 100_000;

/// A client.
#[derive(Clone, Debug)]
pub struct Client {
    router: NodeId,
    keys: Keys,
    /// Added to every key drawn (monotonic keys start past the keys that exist).
    offset: u64,
    /// Writes in a thousand requests.
    write_permille: u64,
    load: Outstanding,
    /// Durable: request numbers only grow. A write's value is its number followed by
    /// the client's digit, so every write of up to nine clients is told apart.
    next_id: u64,
    /// The sequential keys' counter.
    counter: u64,
    /// A key that takes half the requests ("make key K hot").
    hot: Option<u64>,
    /// A routing table of its own (a router's logic inside the client, asking the map's
    /// keeper for the map and learning from MOVED), or `None` to send through `router`.
    table: Option<Box<Router>>,
}

impl Client {
    /// A client of `router` sending `arrivals`, keys `keys` (plus `offset`), writes
    /// `write_permille` in a thousand.
    pub fn new(
        router: NodeId,
        arrivals: Arrivals,
        keys: Keys,
        offset: u64,
        write_permille: u64,
    ) -> Client {
        Client {
            router,
            keys,
            offset,
            write_permille,
            load: Outstanding::new(arrivals, TIMEOUT_US, [LATENCY, FAILED]),
            next_id: 0,
            counter: 0,
            hot: None,
            table: None,
        }
    }

    /// The client, routing its requests itself by `table`.
    pub fn with_table(mut self, table: Router) -> Client {
        self.table = Some(Box::new(table));
        self
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, ShardNode>) {
        self.load.start(ctx, Timer::Arrival, Timer::Sweep);
        if let Some(table) = self.table.as_mut() {
            table.on_start(ctx);
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, ShardNode>, timer: Timer) {
        match timer {
            Timer::Arrival => {
                self.next_id += 1;
                let id = self.next_id;
                let key = match self.hot {
                    Some(hot) if ctx.random_below(2) == 0 => hot,
                    _ => self.offset + ctx.key(&self.keys, &mut self.counter),
                };
                let write = (ctx.random_below(1_000) < self.write_permille)
                    .then(|| id * 10 + u64::from(ctx.me().0 % 9) + 1);
                self.load.push(id, ctx.stamp());
                let req = Req {
                    id,
                    client: ctx.me(),
                    key,
                    write,
                };
                match self.table.as_mut() {
                    Some(table) => table.route(ctx, req),
                    None => ctx.send(self.router, Msg::Req(req)),
                }
                self.load.next_arrival(ctx, Timer::Arrival);
            }
            Timer::Sweep => {
                while self.load.expired(ctx).is_some() {}
                self.load.sweep(ctx, Timer::Sweep);
            }
            timer => {
                if let Some(table) = self.table.as_mut() {
                    table.on_timer(ctx, timer);
                }
            }
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ShardNode>, from: NodeId, msg: Msg) {
        match (msg, self.table.as_mut()) {
            (Msg::Reply { id, .. }, _) => self.load.answer(ctx, id, true),
            (msg, Some(table)) => table.on_message(ctx, from, msg),
            _ => {}
        }
    }

    pub(super) fn on_command(&mut self, ctx: &mut Ctx<'_, ShardNode>, verb: &str, arg: i64) {
        if verb == "hot" {
            let key = arg.max(0) as u64;
            self.hot = Some(key);
            ctx.note(Note::Hot { key });
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.load.clear();
    }

    pub(super) fn view(&self) -> NodeView {
        let [answered, failed] = self.load.ended();
        NodeView {
            role: "client",
            headline: format!("{} waiting", self.load.len()),
            fields: vec![
                ("answered", answered.to_string()),
                ("failed or timed out", failed.to_string()),
                (
                    "hot key",
                    self.hot.map_or_else(|| "none".into(), |k| k.to_string()),
                ),
                (
                    "routes",
                    if self.table.is_some() {
                        "itself, by its own table"
                    } else {
                        "through its router"
                    }
                    .into(),
                ),
            ],
        }
    }
}
