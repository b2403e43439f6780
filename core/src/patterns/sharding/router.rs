//! A router: sends each request to the shard its map names (reads and writes may differ
//! while a range moves), learns from MOVED redirects, and runs the pattern's verbs: add,
//! remove or split a shard, replicate a hot key for reads, re-shard a range live.

use super::func::{Scheme, ShardMap};
use super::msg::{Msg, Note, Req, Span, Timer, SALT};
use super::node::ShardNode;
use crate::patterns::sort_short_by_key;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// Keys routed lately that a load-based split looks at.
const RECENT: usize = 512;
/// Keys replicated for reads, at most.
const REPLICATED: usize = 8;
/// From reads switched to writes switched: the new shard catches up meanwhile.
const CATCH_UP_US: u64 = 50_000;
/// With no fence, the source is told to finish this long after writes switched.
const DRAIN_US: u64 = 100_000;
/// A router that is not the map's keeper asks for it this often.
pub const POLL_US: u64 = 250_000;
/// While a range moves, the re-sharding router repeats its current step this often (a
/// lost message would otherwise stall the move for good).
const NUDGE_US: u64 = 40_000;

/// A range on the move, as the re-sharding router tracks it.
#[derive(Clone, Copy, Debug)]
struct Move {
    lo: u64,
    hi: u64,
    src: u32,
    dest: u32,
    /// Whether the new shard said it has the copy (a repeated "copied" is ignored).
    copied: bool,
    /// Whether writes are being switched: the source was asked to fence, or (with no
    /// fence) the new shard to take writes.
    switching: bool,
}

/// A router.
#[derive(Clone, Debug)]
pub struct Router {
    /// Where reads go, and where writes go.
    maps: [ShardMap; 2],
    /// The node of shard 0; shard `i` is the node after it by `i`.
    first_shard: u32,
    /// Shard nodes there are, present or not.
    max_shards: u32,
    /// The router that keeps the map, for one that asks it; `None` for the keeper.
    keeper: Option<NodeId>,
    /// Whether re-sharding fences the source's writes before switching them.
    fence: bool,
    /// Keys `0..key_space` were spread over the first ranges.
    key_space: u64,
    /// The latest keys routed, with their shards (a ring of [`RECENT`]; `routed` counts
    /// where the next goes).
    recent: Vec<(u32, u64)>,
    replicated: Vec<u64>,
    turn: u32,
    moving: Option<Move>,
    routed: u64,
    /// Sub-keys a salted key is spread over (1: the `salt` verb does nothing).
    salts: u32,
    /// The salted key, and the sub-key its next write goes to.
    salted: Option<u64>,
    salt_turn: u32,
}

impl Router {
    /// A router with `map`, shards from node `first_shard` on (`max_shards` of them),
    /// polling `keeper` if it is not the keeper itself.
    pub fn new(
        map: ShardMap,
        first_shard: u32,
        max_shards: u32,
        keeper: Option<NodeId>,
        fence: bool,
        key_space: u64,
    ) -> Router {
        Router {
            maps: [map.clone(), map],
            first_shard,
            max_shards,
            keeper,
            fence,
            key_space,
            recent: Vec::new(),
            replicated: Vec::new(),
            turn: 0,
            moving: None,
            routed: 0,
            salts: 1,
            salted: None,
            salt_turn: 0,
        }
    }

    /// The router, salting a key over `salts` sub-keys when told to.
    pub fn with_salts(mut self, salts: u32) -> Router {
        self.salts = salts.max(1);
        self
    }

    /// Where reads go now (the map a view draws).
    pub(super) fn map(&self) -> &ShardMap {
        &self.maps[0]
    }

    fn node(&self, shard: u32) -> NodeId {
        NodeId(self.first_shard + shard)
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, ShardNode>) {
        if self.keeper.is_some() {
            ctx.set_timer(Timer::Poll, POLL_US, POLL_US);
        }
    }

    /// A request to the salted key: a write goes to the next of its sub-keys in turn, a
    /// read to every one (its parts answer the client).
    fn route_salted(&mut self, ctx: &mut Ctx<'_, ShardNode>, req: Req) {
        let map = &self.maps[0];
        let (home, n) = (map.owner(req.key), map.shards());
        let parts = match req.write {
            Some(_) => {
                self.salt_turn = (self.salt_turn + 1) % self.salts;
                self.salt_turn..self.salt_turn + 1
            }
            None => 0..self.salts,
        };
        for j in parts {
            let key = req.key + (u64::from(j) + 1) * SALT;
            self.remember((home + j) % n, key);
            ctx.send(self.node((home + j) % n), Msg::Req(Req { key, ..req }));
        }
    }

    /// Notes that `key` went to `shard` (for a split by load).
    fn remember(&mut self, shard: u32, key: u64) {
        if self.recent.len() < RECENT {
            self.recent.push((shard, key));
        } else {
            self.recent[self.routed as usize % RECENT] = (shard, key);
        }
        self.routed += 1;
    }

    /// Sends `req` to the shard its key's map names.
    pub(super) fn route(&mut self, ctx: &mut Ctx<'_, ShardNode>, req: Req) {
        if self.salted == Some(req.key) {
            return self.route_salted(ctx, req);
        }
        let shard = if req.write.is_none() && self.replicated.contains(&req.key) {
            self.turn = (self.turn + 1) % self.maps[0].shards();
            self.turn
        } else {
            self.maps[usize::from(req.write.is_some())].owner(req.key)
        };
        self.remember(shard, req.key);
        ctx.send(self.node(shard), Msg::Req(req));
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ShardNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Req(req) => self.route(ctx, req),
            Msg::Moved { req, lo, hi, to } => {
                for map in &mut self.maps {
                    map.assign(lo, hi, to);
                }
                self.route(ctx, req);
            }
            Msg::MapAsk => ctx.send(from, Msg::Map(Box::new(self.maps.clone()))),
            Msg::Map(maps) => self.maps = *maps,
            Msg::Copied => {
                if let Some(m) = self.moving.as_mut().filter(|m| !m.copied) {
                    m.copied = true;
                    let m = *m;
                    self.maps[0].assign(m.lo, m.hi, m.dest);
                    ctx.note(Note::Map(format!(
                        "reads of {} go to s{}",
                        Span(m.lo, m.hi),
                        m.dest + 1
                    )));
                    ctx.set_timer(Timer::SwitchWrites, CATCH_UP_US, CATCH_UP_US);
                }
            }
            Msg::CaughtUp => self.finish(ctx),
            _ => {}
        }
    }

    fn switch_writes(&mut self, ctx: &mut Ctx<'_, ShardNode>, m: Move) {
        self.maps[1].assign(m.lo, m.hi, m.dest);
        ctx.note(Note::Map(format!(
            "writes of {} go to s{}",
            Span(m.lo, m.hi),
            m.dest + 1
        )));
    }

    fn finish(&mut self, ctx: &mut Ctx<'_, ShardNode>) {
        if let Some(m) = self.moving.take() {
            ctx.cancel_timer(Timer::Nudge);
            if self.fence {
                self.switch_writes(ctx, m);
            }
            ctx.send(self.node(m.src), Msg::Finish);
            ctx.note(Note::Map(format!("s{} finishes the move", m.src + 1)));
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, ShardNode>, timer: Timer) {
        match (timer, self.moving) {
            (Timer::Poll, _) => {
                if let Some(keeper) = self.keeper {
                    ctx.send(keeper, Msg::MapAsk);
                }
                ctx.set_timer(Timer::Poll, POLL_US, POLL_US);
            }
            (Timer::SwitchWrites, Some(m)) if !m.switching => {
                self.moving = Some(Move {
                    switching: true,
                    ..m
                });
                if self.fence {
                    ctx.send(self.node(m.src), Msg::Fence);
                } else {
                    self.switch_writes(ctx, m);
                    ctx.send(self.node(m.dest), Msg::Cutover);
                    ctx.set_timer(Timer::Finish, DRAIN_US, DRAIN_US);
                }
            }
            (Timer::Finish, Some(_)) => self.finish(ctx),
            // The step not yet answered, again: the shards take a repeat as a no-op.
            (Timer::Nudge, Some(m)) => {
                let (to, msg) = match (m.copied, m.switching, self.fence) {
                    (false, _, _) => (
                        m.src,
                        Msg::Split {
                            lo: m.lo,
                            hi: m.hi,
                            to: m.dest,
                        },
                    ),
                    (true, false, _) => return ctx.set_timer(Timer::Nudge, NUDGE_US, NUDGE_US),
                    (true, true, true) => (m.src, Msg::Fence),
                    (true, true, false) => (m.dest, Msg::Cutover),
                };
                ctx.send(self.node(to), msg);
                ctx.set_timer(Timer::Nudge, NUDGE_US, NUDGE_US);
            }
            _ => {}
        }
    }

    /// A new shard's number, and its node joined, if a spare is left.
    fn spare(&mut self, ctx: &mut Ctx<'_, ShardNode>) -> Option<u32> {
        let next = self.maps[0].shards();
        if next >= self.max_shards {
            ctx.note(Note::Map("no spare shard left".into()));
            return None;
        }
        ctx.join(self.node(next));
        Some(next)
    }

    /// Where to split `shard` by load: the median of the keys routed to it lately.
    fn load_median(&self, shard: u32, lo: u64) -> u64 {
        let mut keys: Vec<u64> = self
            .recent
            .iter()
            .filter(|r| r.0 == shard)
            .map(|r| r.1)
            .collect();
        sort_short_by_key(&mut keys, |&k| k);
        keys.get(keys.len() / 2).copied().unwrap_or(lo).max(lo + 1)
    }

    pub(super) fn on_command(&mut self, ctx: &mut Ctx<'_, ShardNode>, verb: &str, arg: i64) {
        let shard = (arg.max(1) - 1) as u32;
        let ranges = self.maps[0].scheme() == Scheme::Ranges;
        match verb {
            "add-shard" => {
                for _ in 0..arg.max(1) {
                    if self.spare(ctx).is_some() {
                        self.maps[0].add();
                    }
                }
                self.maps[1] = self.maps[0].clone();
                let n = self.maps[0].shards();
                ctx.note(Note::Map(format!("{n} shards")));
            }
            "remove-shard" => {
                for _ in 0..arg.max(1) {
                    if let Some(gone) = self.maps[0].remove() {
                        ctx.retire(self.node(gone));
                    }
                }
                self.maps[1] = self.maps[0].clone();
                let n = self.maps[0].shards();
                ctx.note(Note::Map(format!("{n} shards")));
            }
            "split" | "reshard" if !ranges || self.moving.is_some() => {
                ctx.note(Note::Map(format!(
                    "cannot {verb} now (key ranges only, one at a time)"
                )));
            }
            "split" => {
                let Some((lo, _)) = self.maps[0].range_of(shard) else {
                    return ctx.note(Note::Map(format!("s{} holds no range", shard + 1)));
                };
                let at = self.load_median(shard, lo);
                if self.spare(ctx).is_some() {
                    let new = self.maps[0].split(at);
                    self.maps[1] = self.maps[0].clone();
                    ctx.note(Note::Map(format!(
                        "split s{} at key {at}: s{} takes {at}..",
                        shard + 1,
                        new + 1
                    )));
                }
            }
            "reshard" => {
                let Some((lo, hi)) = self.maps[1].range_of(shard) else {
                    return ctx.note(Note::Map(format!("s{} holds no range", shard + 1)));
                };
                let mid = lo + (hi.min(self.key_space.max(lo + 2)) - lo) / 2;
                if let Some(dest) = self.spare(ctx) {
                    self.moving = Some(Move {
                        lo: mid,
                        hi,
                        src: shard,
                        dest,
                        copied: false,
                        switching: false,
                    });
                    ctx.set_timer(Timer::Nudge, NUDGE_US, NUDGE_US);
                    ctx.send(
                        self.node(shard),
                        Msg::Split {
                            lo: mid,
                            hi,
                            to: dest,
                        },
                    );
                    ctx.note(Note::Map(format!(
                        "moving {} from s{} to s{}",
                        Span(mid, hi),
                        shard + 1,
                        dest + 1
                    )));
                }
            }
            "salt" if self.salts > 1 && self.salted.is_none() => {
                let key = arg.max(0) as u64;
                self.salted = Some(key);
                ctx.note(Note::Map(format!(
                    "key {key} salted over {} sub-keys on {} shards",
                    self.salts,
                    self.salts.min(self.maps[0].shards())
                )));
            }
            "salt" => ctx.note(Note::Map(format!(
                "cannot salt (one key at a time, over more than one sub-key: {} now)",
                self.salts
            ))),
            "replicate" => {
                let key = arg.max(0) as u64;
                if self.replicated.len() < REPLICATED && !self.replicated.contains(&key) {
                    self.replicated.push(key);
                    ctx.note(Note::Map(format!("key {key} read from every shard")));
                }
            }
            _ => {}
        }
    }

    pub(super) fn view(&self) -> NodeView {
        let map = &self.maps[0];
        let mut ranges = String::new();
        if map.scheme() == Scheme::Ranges {
            for (i, &(lo, s)) in map.ranges().iter().take(12).enumerate() {
                use std::fmt::Write;
                let _ = write!(ranges, "{}{lo}→s{}", if i > 0 { ", " } else { "" }, s + 1);
            }
        }
        NodeView {
            role: "router",
            headline: format!("{} shards", map.shards()),
            fields: vec![
                ("shard function", map.scheme().name().to_string()),
                ("requests routed", self.routed.to_string()),
                ("ranges (first key → shard)", ranges),
                (
                    "moving",
                    self.moving.map_or_else(
                        || "nothing".into(),
                        |m| format!("{} s{} → s{}", Span(m.lo, m.hi), m.src + 1, m.dest + 1),
                    ),
                ),
            ],
        }
    }
}
