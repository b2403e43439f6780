//! A shard: serves the reads and writes of the keys it holds, one at a time with a
//! bounded queue, and takes part in moving a range live: as the source it copies,
//! ships its later writes (catch-up), fences and redirects; as the new shard it applies
//! the copy and the log, and holds writes until it has caught up.

use super::msg::{Msg, Req, Span};
use super::node::ShardNode;
use super::KeyMap;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView, Workers};

/// The range this shard is moving away.
#[derive(Clone, Debug)]
struct Outgoing {
    lo: u64,
    hi: u64,
    to: u32,
    /// Writes shipped so far, in order: entry `i` went as sequence number `i + 1`
    /// (kept to ship again when the router repeats its fence).
    shipped: Vec<(u64, u64)>,
    fenced: bool,
}

/// The range this shard is taking over.
#[derive(Clone, Debug, Default)]
struct Incoming {
    /// Per key, the newest log entry applied.
    applied: KeyMap,
    /// Whether the copy has arrived (a duplicate of it is ignored: it would overwrite
    /// newer writes).
    copied: bool,
    /// The log entries received, by sequence number, sorted (a duplicate counts once).
    received: Vec<u64>,
    /// The log's length, once the source has fenced.
    last: Option<u64>,
    /// Whether it takes writes.
    open: bool,
    /// Writes held until it has caught up.
    parked: Vec<Req>,
}

/// A shard.
#[derive(Clone, Debug)]
pub struct Shard {
    /// The node of shard 0.
    first_shard: u32,
    /// The router that runs re-sharding.
    keeper: NodeId,
    work: Delay,
    queue: u32,
    /// Whether the source ships writes made after its copy.
    catch_up: bool,
    /// Whether it answers MOVED for keys it gave away.
    redirect: bool,
    /// Durable: the keys written here and their values (a key never written reads 0).
    store: KeyMap,
    outgoing: Option<Outgoing>,
    incoming: Option<Incoming>,
    /// Durable: ranges given away, and to which shard.
    gone: Vec<(u64, u64, u32)>,
    served: u64,
}

impl Shard {
    /// A shard serving in `work` each, with `queue` places, re-sharding for `keeper`.
    pub fn new(
        first_shard: u32,
        keeper: NodeId,
        work: Delay,
        queue: u32,
        catch_up: bool,
        redirect: bool,
    ) -> Shard {
        Shard {
            first_shard,
            keeper,
            work,
            queue,
            catch_up,
            redirect,
            store: KeyMap::new(),
            outgoing: None,
            incoming: None,
            gone: Vec::new(),
            served: 0,
        }
    }

    fn node(&self, shard: u32) -> NodeId {
        NodeId(self.first_shard + shard)
    }

    pub(super) fn service(&self, msg: &Msg) -> Option<Delay> {
        matches!(msg, Msg::Req(_)).then_some(self.work)
    }

    pub(super) fn workers(&self) -> Workers {
        Workers {
            limit: 1,
            queue: Some(self.queue),
        }
    }

    /// Where a key this shard no longer serves went: `(lo, hi, shard)`.
    fn elsewhere(&self, key: u64) -> Option<(u64, u64, u32)> {
        if let Some(o) = self.outgoing.as_ref().filter(|o| o.fenced) {
            if (o.lo..o.hi).contains(&key) {
                return Some((o.lo, o.hi, o.to));
            }
        }
        self.gone
            .iter()
            .copied()
            .find(|&(lo, hi, _)| (lo..hi).contains(&key))
    }

    /// The keys written here, with their values, that are (`inside`) or are not in
    /// `lo..hi`. (A whole pass rather than a range and removals: the map's range and
    /// remove code would add kilobytes of wasm for a few dozen keys.)
    fn keys_in(&self, lo: u64, hi: u64, inside: bool) -> Vec<(usize, u64)> {
        self.store
            .iter()
            .filter(|(&k, _)| (lo..hi).contains(&(k as u64)) == inside)
            .map(|(&k, &v)| (k, v))
            .collect()
    }

    fn serve(&mut self, ctx: &mut Ctx<'_, ShardNode>, req: Req) {
        let val = match req.write {
            Some(val) => {
                self.store.insert(req.key as usize, val);
                if let Some(o) = self.outgoing.as_mut() {
                    if self.catch_up && (o.lo..o.hi).contains(&req.key) {
                        o.shipped.push((req.key, val));
                        let (to, seq) = (o.to, o.shipped.len() as u64);
                        ctx.send(
                            self.node(to),
                            Msg::Binlog {
                                key: req.key,
                                val,
                                seq,
                            },
                        );
                    }
                }
                val
            }
            None => self.store.get(&(req.key as usize)).copied().unwrap_or(0),
        };
        self.served += 1;
        ctx.send(
            req.client,
            Msg::Reply {
                id: req.id,
                key: req.key,
                val,
                write: req.write.is_some(),
            },
        );
    }

    fn on_request(&mut self, ctx: &mut Ctx<'_, ShardNode>, from: NodeId, req: Req) {
        if let Some((lo, hi, to)) = self.elsewhere(req.key) {
            let msg = if self.redirect {
                Msg::Moved { req, lo, hi, to }
            } else {
                Msg::NotMine { req }
            };
            ctx.send(from, msg);
            return;
        }
        if let Some(inc) = self.incoming.as_mut() {
            if req.write.is_some() && !inc.open {
                inc.parked.push(req);
                return;
            }
        }
        self.serve(ctx, req);
    }

    /// The new shard opens for writes: applies the ones it held.
    fn open(&mut self, ctx: &mut Ctx<'_, ShardNode>) {
        let parked = match self.incoming.as_mut() {
            Some(inc) => {
                inc.open = true;
                std::mem::take(&mut inc.parked)
            }
            None => Vec::new(),
        };
        for req in parked {
            self.serve(ctx, req);
        }
    }

    fn caught_up(&mut self, ctx: &mut Ctx<'_, ShardNode>) {
        let done = self
            .incoming
            .as_ref()
            .is_some_and(|inc| !inc.open && inc.last == Some(inc.received.len() as u64));
        if done {
            self.open(ctx);
            ctx.send(self.keeper, Msg::CaughtUp);
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ShardNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Req(req) => self.on_request(ctx, from, req),
            Msg::Split { lo, hi, to } => {
                // The router repeats a split whose copy it did not hear of: the move
                // goes on as it was (its log keeps its numbers), with the copy sent again.
                let same = |o: &Outgoing| (o.lo, o.hi, o.to) == (lo, hi, to);
                if !self.outgoing.as_ref().is_some_and(same) {
                    self.outgoing = Some(Outgoing {
                        lo,
                        hi,
                        to,
                        shipped: Vec::new(),
                        fenced: false,
                    });
                }
                let entries = self.keys_in(lo, hi, true);
                ctx.send(self.node(to), Msg::Copy { entries });
            }
            Msg::Copy { entries } => {
                let inc = self.incoming.get_or_insert_with(Incoming::default);
                if !std::mem::replace(&mut inc.copied, true) {
                    for (k, v) in entries {
                        if inc.applied.get(&k).is_none() {
                            self.store.insert(k, v);
                        }
                    }
                }
                ctx.send(self.keeper, Msg::Copied);
            }
            Msg::Binlog { key, val, seq } => {
                let inc = self.incoming.get_or_insert_with(Incoming::default);
                // Sequence numbers run 1..=last: caught up once each has arrived, however
                // many copies of one the network delivered.
                match inc.received.binary_search(&seq) {
                    Ok(_) => return,
                    Err(at) => inc.received.insert(at, seq),
                }
                let key = key as usize;
                if inc.applied.get(&key).is_none_or(|&s| seq > s) {
                    inc.applied.insert(key, seq);
                    self.store.insert(key, val);
                }
                self.caught_up(ctx);
            }
            Msg::Fence => {
                let first_shard = self.first_shard;
                if let Some(o) = self.outgoing.as_mut() {
                    // A repeated fence: the router has not heard that the new shard
                    // caught up, so the log goes again (the new shard keeps each once).
                    let again = std::mem::replace(&mut o.fenced, true);
                    let (to, last) = (NodeId(first_shard + o.to), o.shipped.len() as u64);
                    if again {
                        for (seq, &(key, val)) in (1..).zip(&o.shipped) {
                            ctx.send(to, Msg::Binlog { key, val, seq });
                        }
                    }
                    ctx.send(to, Msg::Fenced { last });
                }
            }
            Msg::Fenced { last } => {
                let inc = self.incoming.get_or_insert_with(Incoming::default);
                inc.last = Some(last);
                if inc.open {
                    // Open already: its "caught up" was lost on the way.
                    ctx.send(self.keeper, Msg::CaughtUp);
                }
                self.caught_up(ctx);
            }
            Msg::Cutover => self.open(ctx),
            Msg::Finish => {
                if let Some(o) = self.outgoing.take() {
                    self.store = self.keys_in(o.lo, o.hi, false).into_iter().collect();
                    self.gone.push((o.lo, o.hi, o.to));
                }
            }
            _ => {}
        }
    }

    /// A move's state is durable, like the store (the source's log of shipped writes is
    /// its binary log; the new shard keeps what it applied with its data): a restarted
    /// shard goes on with the move when the router repeats its step. Writes it held are
    /// requests in memory, and are lost (their clients time out).
    pub(super) fn on_crash(&mut self) {
        if let Some(inc) = self.incoming.as_mut() {
            inc.parked.clear();
        }
    }

    pub(super) fn view(&self) -> NodeView {
        let moving = match (&self.outgoing, &self.incoming) {
            (Some(o), _) => format!(
                "{} to s{}{}",
                Span(o.lo, o.hi),
                o.to + 1,
                if o.fenced { " (fenced)" } else { "" }
            ),
            (None, Some(inc)) if !inc.open => {
                format!("taking over: {} log entries", inc.received.len())
            }
            _ => "nothing".into(),
        };
        NodeView {
            role: "shard",
            headline: format!("{} served", self.served),
            fields: vec![
                ("requests served", self.served.to_string()),
                ("keys written here", self.store.len().to_string()),
                ("moving", moving),
            ],
        }
    }
}
