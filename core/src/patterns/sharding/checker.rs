//! Checks sharding from the trace: which shard each router sent each key to before and
//! after the latest change of its map (a verb applied to a router), which shard
//! acknowledged each write and what each read returned, and what shards answered.

use std::rc::Rc;

use grid::Grid;
pub(super) use plots::View;
use plots::{Phase, PHASES};

use super::func::ShardMap;
use super::msg::{Msg, SALT};
use super::node::ShardNode;
use super::KeyMap;
use super::{DROPPED, SERVED};
use crate::patterns::findings::Findings;
use crate::sim::action::Action;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::Measure;
use crate::sim::node::NodeId;
use crate::sim::plot::Plot;
use crate::sim::snapshot::{Table, TableRow};
use crate::sim::trace::{DropReason, EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "acked-writes-readable",
        sentence: "Every acknowledged write is readable from the shard that owns its key: \
                   a read answered while no range is moving returns the latest \
                   acknowledged write to its key.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "one-writer",
        sentence: "No key takes writes at two shards at once: once another shard has \
                   acknowledged a write to a key, a shard that did before acknowledges none.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "owner-or-redirect",
        sentence: "A router, or a client routing by its own table, never sends a request to \
                   a shard that neither owns its key nor redirects it: every shard asked \
                   answers with the data or MOVED.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "few-keys-move",
        sentence: "A change of shards moves few keys: at most twice the new shards' share \
                   (M of N + M shards) of the keys seen before and after it.",
        kind: PropertyKind::Contrast,
    },
    Property {
        id: "no-drops",
        sentence: "Every shard keeps up with its share of the load: no request is dropped \
                   at a full queue.",
        kind: PropertyKind::Contrast,
    },
];

const READABLE: usize = 0;
const ONE_WRITER: usize = 1;
const OWNER: usize = 2;
const FEW_MOVE: usize = 3;
const NO_DROPS: usize = 4;

/// No shard yet.
const NONE: u32 = u32::MAX;
/// Keys seen before and after a change before "few keys move" is judged.
pub(super) const JUDGE_AFTER: u64 = 200;

/// Bands of keys in the key-space heat map.
const KEY_ROWS: usize = 25;

/// Per shard, what the checker counts.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    /// Requests routed to it: before the latest change, and since.
    requests: [u64; 2],
    /// Keys that moved to it, and away from it, at the latest change.
    moved: [u64; 2],
    /// The lowest and highest key routed to it since the latest change.
    span: Option<(u64, u64)>,
    dropped: u64,
    /// Whether it was a member of the run before the latest change, and is now.
    present: [bool; 2],
}

/// The sharding checker.
#[derive(Clone, Debug)]
pub struct ShardChecker {
    /// Nodes from here on are routers, then shards from `first_shard`.
    first_router: u32,
    first_shard: u32,
    /// Whether the shards hold key ranges (the table shows each one's span).
    ranges: bool,
    /// Per key: the shard it was routed to before the latest change (high half) and
    /// since (low half).
    owners: KeyMap,
    tally: Vec<Tally>,
    /// Keys routed before and since the latest change, and of those, moved.
    both: u64,
    moved: u64,
    changes: u32,
    /// Per key: the latest acknowledged write's value.
    latest: KeyMap,
    /// Per key: the shard that acknowledged its latest write (low byte), and a bit for
    /// each shard that did before (from bit 8).
    writers: KeyMap,
    /// Ranges moving now (from a router's request to move, to the source's finish).
    moving: u32,
    findings: Findings,
    measures: Vec<Measure>,
    /// What it draws, and the keys of the ring or bar.
    view: View,
    key_space: u64,
    /// The latest event's time (µs).
    now: u64,
    /// Requests routed per band of keys and per time column.
    key_heat: Grid,
    /// Per shard `s` and per time column: requests routed to it (row `2s`) and answered
    /// by it (row `2s + 1`).
    shard_heat: Grid,
    /// The router's map now and before its latest change (the ring view only).
    map_now: Option<Rc<ShardMap>>,
    before_map: Option<Rc<ShardMap>>,
    map_changed: bool,
    /// The scaling curve's phases so far, and when the current one began and what its
    /// shards answered.
    phases: Vec<Phase>,
    phase_from: u64,
    phase_served: u64,
}

impl ShardChecker {
    /// A checker for nodes named `names`: clients, routers from `first_router`, shards
    /// from `first_shard`; `ranges` if the shards hold key ranges.
    pub fn new(
        names: &[String],
        first_router: u32,
        first_shard: u32,
        ranges: bool,
    ) -> ShardChecker {
        let shards = names.len().saturating_sub(first_shard as usize);
        ShardChecker {
            first_router,
            first_shard,
            ranges,
            owners: KeyMap::new(),
            tally: vec![Tally::default(); shards],
            both: 0,
            moved: 0,
            changes: 0,
            latest: KeyMap::new(),
            writers: KeyMap::new(),
            moving: 0,
            findings: Findings::new(names),
            measures: Vec::new(),
            view: View::Plain,
            key_space: 0,
            now: 0,
            key_heat: Grid::default(),
            shard_heat: Grid::default(),
            map_now: None,
            before_map: None,
            map_changed: false,
            phases: Vec::new(),
            phase_from: 0,
            phase_served: 0,
        }
    }

    /// The phase since the latest change, up to now.
    fn current_phase(&self) -> Phase {
        let counts = self.tally.iter().filter(|t| t.present[1]);
        let routed = self.tally.iter().map(|t| t.requests[1]);
        Phase {
            shards: counts.count() as u32,
            from: self.phase_from,
            to: self.now,
            served: self.phase_served,
            routed: routed.clone().sum(),
            hottest: routed.max().unwrap_or(0),
        }
    }

    /// The checker drawing `view` over keys `0..key_space`.
    pub(super) fn with_view(mut self, view: View, key_space: u64) -> ShardChecker {
        if let View::Heat { .. } = view {
            self.key_heat = Grid::new(KEY_ROWS);
            self.shard_heat = Grid::new(2 * self.tally.len());
        }
        self.view = view;
        self.key_space = key_space;
        self
    }

    /// The band of the key-space heat map that `key` falls in.
    fn key_row(&self, key: u64) -> usize {
        match self.view {
            View::Heat { keys, .. } => (key % SALT * KEY_ROWS as u64 / keys.max(1)) as usize,
            _ => 0,
        }
    }

    fn shard(&self, node: NodeId) -> Option<u32> {
        let s = node.0.checked_sub(self.first_shard)?;
        ((s as usize) < self.tally.len()).then_some(s)
    }

    fn is_router(&self, node: NodeId) -> bool {
        (self.first_router..self.first_shard).contains(&node.0)
    }

    /// A router changed its map: what was routed since becomes "before".
    fn change(&mut self) {
        if let (View::Scaling { .. }, true) = (self.view, self.phases.len() < PHASES) {
            let phase = self.current_phase();
            self.phases.push(phase);
        }
        (self.phase_from, self.phase_served) = (self.now, 0);
        self.changes += 1;
        let mut owners = KeyMap::new();
        for (&key, &pair) in &self.owners {
            let (before, after) = unpack(pair);
            owners.insert(key, pack(if after == NONE { before } else { after }, NONE));
        }
        self.owners = owners;
        for t in &mut self.tally {
            t.requests = [t.requests[1], 0];
            t.present = [t.present[1]; 2];
            t.moved = [0, 0];
            t.span = None;
        }
        self.both = 0;
        self.moved = 0;
    }

    fn routed(&mut self, index: usize, key: u64, shard: u32) {
        let (before, after) = self
            .owners
            .get(&(key as usize))
            .map_or((NONE, NONE), |&p| unpack(p));
        self.key_heat.add(self.now, self.key_row(key));
        self.shard_heat.add(self.now, 2 * shard as usize);
        let t = &mut self.tally[shard as usize];
        t.requests[1] += 1;
        t.span = Some(
            t.span
                .map_or((key, key), |(lo, hi)| (lo.min(key), hi.max(key))),
        );
        if after != NONE {
            return;
        }
        self.owners.insert(key as usize, pack(before, shard));
        if before == NONE {
            return;
        }
        self.both += 1;
        if before != shard {
            self.moved += 1;
            self.tally[shard as usize].moved[0] += 1;
            if let Some(t) = self.tally.get_mut(before as usize) {
                t.moved[1] += 1;
            }
        }
        let [n0, n1] = self.serving();
        let bound = (n1.abs_diff(n0).max(1) as f64) / n0.max(n1).max(1) as f64;
        if self.both >= JUDGE_AFTER && self.moved as f64 > 2.0 * bound * self.both as f64 {
            let (moved, both) = (self.moved, self.both);
            self.findings.breach(FEW_MOVE, index, |_| {
                format!(
                    "{moved} of {both} keys seen before and after the change moved ({}), going \
                     from {n0} to {n1} shards",
                    pct(moved, both)
                )
            });
        }
    }

    /// Shards in the run before the latest change, and since.
    fn serving(&self) -> [u32; 2] {
        let count = |i: usize| self.tally.iter().filter(|t| t.present[i]).count() as u32;
        [count(0), count(1)]
    }

    /// The standard deviation of requests per shard over their mean, in percent, over
    /// the shards in the run (before the latest change: 0; since: 1).
    fn spread(&self, i: usize) -> Option<f64> {
        let counts: Vec<f64> = self
            .tally
            .iter()
            .filter(|t| t.present[i])
            .map(|t| t.requests[i] as f64)
            .collect();
        let n = counts.len() as f64;
        let mean = counts.iter().sum::<f64>() / n;
        let var = counts.iter().map(|c| (c - mean) * (c - mean)).sum::<f64>() / n;
        (mean > 0.0).then(|| var.sqrt() / mean * 100.0)
    }

    fn acked(&mut self, index: usize, shard: u32, key: u64, val: u64) {
        self.latest.insert(key as usize, val);
        let bit = 1u64 << (8 + shard % 56);
        match self
            .writers
            .get(&(key as usize))
            .map(|&w| (w & 0xff, w & !0xff))
        {
            Some((w, _)) if w == u64::from(shard) => {}
            Some((w, before)) => {
                if before & bit != 0 {
                    self.findings.breach(ONE_WRITER, index, |_| {
                        format!(
                            "s{} acknowledged a write to key {key} after s{} had taken \
                             writes to it",
                            shard + 1,
                            w + 1
                        )
                    });
                }
                let former = before | 1u64 << (8 + w % 56);
                self.writers.insert(key as usize, former | u64::from(shard));
            }
            None => {
                self.writers.insert(key as usize, u64::from(shard));
            }
        }
    }

    fn read(&mut self, index: usize, shard: u32, key: u64, val: u64) {
        let latest = self.latest.get(&(key as usize)).copied().unwrap_or(0);
        if self.moving == 0 && val != latest {
            self.findings.breach(READABLE, index, |_| {
                format!(
                    "s{} answered key {key} = {val}, but the latest acknowledged write to it \
                     was {latest}",
                    shard + 1
                )
            });
        }
    }

    fn on_send(&mut self, index: usize, node: NodeId, to: NodeId, msg: &Msg) {
        match *msg {
            // A router's request to a shard, or a client's routing by its own table.
            Msg::Req(req) if self.shard(node).is_none() => {
                if let Some(shard) = self.shard(to) {
                    self.routed(index, req.key, shard);
                }
            }
            Msg::Reply {
                key, val, write, ..
            } => {
                let Some(shard) = self.shard(node) else {
                    return;
                };
                self.shard_heat.add(self.now, 2 * shard as usize + 1);
                self.phase_served += 1;
                self.measures.push(Measure {
                    metric: SERVED,
                    node: Some(node),
                    value: 1,
                });
                if write {
                    self.acked(index, shard, key, val);
                } else {
                    self.read(index, shard, key, val);
                }
            }
            Msg::NotMine { req } => {
                let (key, id, client) = (req.key, req.id, req.client);
                self.findings.breach(OWNER, index, |f| {
                    format!(
                        "{} was sent key {} (q{} of {}), which it neither holds nor knows \
                         where it went",
                        f.name(node),
                        key,
                        id,
                        f.name(client)
                    )
                });
            }
            Msg::Split { .. } => self.moving += 1,
            _ => {}
        }
    }
}

/// The first router's map, the one the views draw.
fn router_map(nodes: &[ShardNode], router: u32) -> Option<&ShardMap> {
    match nodes.get(router as usize) {
        Some(ShardNode::Router(r)) => Some(r.map()),
        _ => None,
    }
}

/// Two shards (or [`NONE`]) in one number.
fn pack(high: u32, low: u32) -> u64 {
    u64::from(high) << 32 | u64::from(low)
}

/// The two shards [`pack`] put in one number.
fn unpack(pair: u64) -> (u32, u32) {
    ((pair >> 32) as u32, pair as u32)
}

/// `part` of `whole` in percent, one decimal.
fn pct(part: u64, whole: u64) -> String {
    format!("{:.1} %", part as f64 * 100.0 / whole.max(1) as f64)
}

impl Checker<ShardNode> for ShardChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<ShardNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        self.now = event.time.as_micros();
        let Some(node) = event.node else {
            return;
        };
        match (&event.kind, msg) {
            (EventKind::Send { to, .. }, Some(record)) if record.copy_of.is_none() => {
                self.on_send(index, node, *to, &record.payload);
            }
            (EventKind::Deliver { .. }, Some(record)) if record.payload == Msg::Finish => {
                self.moving = self.moving.saturating_sub(1);
            }
            (EventKind::Action(action), _) if self.is_router(node) => {
                if matches!(**action, Action::Command { .. }) {
                    self.change();
                    self.map_changed = true;
                }
            }
            (EventKind::Start | EventKind::Retired, _) => {
                if let Some(shard) = self.shard(node) {
                    self.tally[shard as usize].present[1] = matches!(event.kind, EventKind::Start);
                }
            }
            (
                EventKind::Dropped {
                    reason: DropReason::QueueFull,
                    ..
                },
                _,
            ) => {
                let Some(shard) = self.shard(node) else {
                    return;
                };
                self.tally[shard as usize].dropped += 1;
                self.measures.push(Measure {
                    metric: DROPPED,
                    node: Some(node),
                    value: 1,
                });
                self.findings.breach(NO_DROPS, index, |f| {
                    format!("{}'s queue was full: a request was dropped", f.name(node))
                });
            }
            _ => {}
        }
    }

    fn check(&mut self, nodes: &[ShardNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        self.findings.drain(out);
        if self.view == View::Ring && (self.map_now.is_none() || self.map_changed) {
            self.map_changed = false;
            if let Some(map) = router_map(nodes, self.first_router) {
                if self.map_now.as_deref() != Some(map) {
                    self.before_map = self.map_now.take();
                    self.map_now = Some(Rc::new(map.clone()));
                }
            }
        }
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        out.append(&mut self.measures);
    }

    fn facts(&self, _nodes: &[ShardNode]) -> Vec<(&'static str, String)> {
        let spread = |i| {
            self.spread(i)
                .map_or_else(|| "–".into(), |s| format!("{s:.1} %"))
        };
        let mut facts = vec![("Load spread (std dev / mean requests per shard)", {
            let mut text = format!("{} now", spread(1));
            if self.changes > 0 {
                text = format!("{}; {} before the latest change", text, spread(0));
            }
            text
        })];
        if self.changes > 0 {
            facts.push((
                "Keys moved by the latest change",
                format!(
                    "{} of {} keys routed before and after it ({})",
                    self.moved,
                    self.both,
                    pct(self.moved, self.both)
                ),
            ));
        }
        facts
    }

    fn tables(&self, _nodes: &[ShardNode]) -> Vec<Table> {
        let mut columns = vec![
            "shard".to_string(),
            "requests before".into(),
            "since the change".into(),
            "keys moved in".into(),
            "moved out".into(),
            "dropped".into(),
        ];
        if self.ranges {
            columns.push("keys routed since".into());
        }
        let rows = self
            .tally
            .iter()
            .enumerate()
            .filter(|(_, t)| t.present != [false; 2] || t.requests != [0, 0])
            .map(|(s, t)| {
                let mut cells = vec![
                    format!("s{}", s + 1),
                    t.requests[0].to_string(),
                    t.requests[1].to_string(),
                    t.moved[0].to_string(),
                    t.moved[1].to_string(),
                    t.dropped.to_string(),
                ];
                if self.ranges {
                    cells.push(
                        t.span
                            .map_or_else(String::new, |(lo, hi)| format!("{lo}–{hi}")),
                    );
                }
                TableRow {
                    cells,
                    marks: Vec::new(),
                }
            })
            .collect();
        vec![Table {
            title: "Shards".into(),
            caption: "Requests routers sent to each shard before the latest change of the \
                      map and since, and the keys that changed shard with it (counted \
                      once per key, from the trace)."
                .into(),
            columns,
            rows,
        }]
    }

    fn plots(&self, nodes: &[ShardNode]) -> Vec<Plot> {
        self.draw(router_map(nodes, self.first_router))
    }
}

mod grid;
mod plots;
#[cfg(test)]
mod tests;
