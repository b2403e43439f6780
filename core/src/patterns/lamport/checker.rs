//! Checks that Lamport timestamps respect happened-before, computed independently.
//!
//! Happened-before comes from the trace itself, not from the pattern's timestamps: the
//! checker keeps a vector clock per node, ticks it on every send, delivery and stored
//! event, and stamps each message with its sender's vector. Stored event `a` happened
//! before stored event `b` exactly when `b`'s vector has seen `a`'s own entry.
//!
//! Checking every earlier event against each new one would be quadratic. A server's
//! timestamps only grow, so for each server the checker keeps its stored events in order
//! with their own vector entry; the ones `b` has seen form a prefix, found by binary
//! search, whose last timestamp is its largest and whose running maximum wall-clock time
//! is kept alongside. For each such pair it checks the Lamport timestamps (a guarantee)
//! and the servers' wall-clock times (a contrast: skewed clocks break it, which is why the
//! pattern exists).

use std::collections::{BTreeMap, VecDeque};

use imbl::Vector;

use super::node::{EventName, LamportNode, Msg, Note};
use super::replay::{replay_table, store_table, Replayed, Store, REPLAY_ROWS, STORE_EVENTS};
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::clock::WallTime;
use crate::sim::node::NodeId;
use crate::sim::snapshot::Table;
use crate::sim::trace::{EventKind, Fate, MessageRecord, MsgId, TraceEvent};

/// The properties of the Lamport clock, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "hb-implies-ts",
        sentence: "If stored event a happened before stored event b, then a's Lamport \
                   timestamp is smaller than b's.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "hb-implies-wall",
        sentence: "If stored event a happened before stored event b, then a's wall-clock \
                   time is earlier than b's (what replaying by wall clock would need).",
        kind: PropertyKind::Contrast,
    },
];

const TS_RESPECTS_CAUSALITY: usize = 0;
const WALL_RESPECTS_CAUSALITY: usize = 1;

/// How many of the latest stored events the concurrency fact looks at.
const RECENT: usize = 40;
/// How many events a replay-order fact lists.
const LISTED: usize = 24;

#[derive(Clone, Debug)]
struct Stored {
    event: EventName,
    server: NodeId,
    ts: u64,
    wall: WallTime,
    index: usize,
}

/// A stored event in its server's history.
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// The server's own vector entry when it stored the event.
    own: u32,
    /// Its timestamp (a server's timestamps only grow).
    ts: u64,
    /// The stored event, as an index into `stored`.
    stored: usize,
    /// The latest wall-clock time among this and earlier entries, and whose it is.
    max_wall: (WallTime, usize),
}

/// Vector clocks over the trace, and every stored event. The histories only grow:
/// persistent vectors, so checkpoints share them.
#[derive(Clone, Debug)]
pub struct LamportChecker {
    vectors: Vec<Vec<u32>>,
    in_flight: BTreeMap<MsgId, Vec<u32>>,
    stored: Vector<Stored>,
    per_server: Vec<Vector<Entry>>,
    /// The latest stored events: index, own vector entry, and vector.
    recent: VecDeque<(usize, u32, Vec<u32>)>,
    /// The first stored events in replay order by timestamp, and by wall clock.
    first_by_ts: Lowest<(u64, NodeId, usize)>,
    first_by_wall: Lowest<(WallTime, NodeId, usize)>,
    found: Vec<Breach>,
    /// Whether each property's breach was reported: the engine keeps only the first, so
    /// later ones are not even described (a long skewed run breaks the contrast often).
    reported: [bool; 2],
    names: Vec<String>,
}

impl LamportChecker {
    /// A checker for `names.len()` nodes, naming them with `names` in its facts.
    pub fn new(names: &[String]) -> LamportChecker {
        LamportChecker {
            vectors: vec![vec![0; names.len()]; names.len()],
            in_flight: BTreeMap::new(),
            stored: Vector::new(),
            per_server: vec![Vector::new(); names.len()],
            recent: VecDeque::new(),
            first_by_ts: Lowest::default(),
            first_by_wall: Lowest::default(),
            found: Vec::new(),
            reported: [false; 2],
            names: names.to_vec(),
        }
    }

    fn tick(&mut self, node: NodeId) -> &mut Vec<u32> {
        let vector = &mut self.vectors[node.index()];
        vector[node.index()] += 1;
        vector
    }

    fn label(&self, stored: usize) -> String {
        let s = &self.stored[stored];
        let server = self.names.get(s.server.index()).map_or("?", |n| n.as_str());
        format!("{}@{}/{server}", s.event, s.ts)
    }

    /// Checks the new stored event `b` (with vector `seen`) against every stored event
    /// that happened before it, then adds it to its server's history.
    fn store(&mut self, b: Stored, seen: &[u32]) {
        let id = self.stored.len();
        let (ts, wall, server) = (b.ts, b.wall, b.server);
        self.first_by_ts.offer((ts, server, b.index), id);
        self.first_by_wall.offer((wall, server, b.index), id);
        self.stored.push_back(b);
        for (server_index, history) in self.per_server.iter().enumerate() {
            let known = seen[server_index];
            let seen_prefix = seen_prefix(history, known);
            let Some(last_seen) = seen_prefix.checked_sub(1) else {
                continue;
            };
            let a = history[last_seen];
            if a.ts >= ts && !self.reported[TS_RESPECTS_CAUSALITY] {
                self.reported[TS_RESPECTS_CAUSALITY] = true;
                self.found.push(Breach {
                    property: TS_RESPECTS_CAUSALITY,
                    event: Some(self.stored[id].index),
                    detail: format!(
                        "{} happened before {}, but its timestamp is not smaller",
                        self.label(a.stored),
                        self.label(id)
                    ),
                });
            }
            let (latest_wall, whose) = a.max_wall;
            if latest_wall >= wall && !self.reported[WALL_RESPECTS_CAUSALITY] {
                self.reported[WALL_RESPECTS_CAUSALITY] = true;
                let (earlier, later) = (&self.stored[whose], &self.stored[id]);
                self.found.push(Breach {
                    property: WALL_RESPECTS_CAUSALITY,
                    event: Some(later.index),
                    detail: format!(
                        "{} happened before {}, but the wall clock stamped it later ({} vs \
                         {}): replaying by wall clock puts {} first",
                        earlier.event, later.event, earlier.wall, later.wall, later.event
                    ),
                });
            }
        }
        let history = &mut self.per_server[server.index()];
        let max_wall = match history.last() {
            Some(prev) if prev.max_wall.0 >= wall => prev.max_wall,
            _ => (wall, id),
        };
        history.push_back(Entry {
            own: seen[server.index()],
            ts,
            stored: id,
            max_wall,
        });
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent
            .push_back((id, seen[server.index()], seen.to_vec()));
    }

    /// A replay order's head as text: its first events, and how many more there are.
    fn replay_order<K>(&self, order: &Lowest<K>) -> String {
        let names: Vec<String> = order
            .items
            .iter()
            .map(|(_, stored)| self.stored[*stored].event.to_string())
            .collect();
        let more = order.offered - order.items.len();
        if more > 0 {
            format!("{} … and {more} more", names.join(" "))
        } else {
            names.join(" ")
        }
    }

    /// Pairs among the latest stored events of which neither happened before the other.
    fn concurrent_pairs(&self) -> Vec<(usize, usize)> {
        let mut pairs = Vec::new();
        for (j, (b, _, b_seen)) in self.recent.iter().enumerate() {
            for (a, a_own, _) in self.recent.iter().take(j) {
                let before = *a_own <= b_seen[self.stored[*a].server.index()];
                if !before && self.stored[*a].event != self.stored[*b].event {
                    pairs.push((*a, *b));
                }
            }
        }
        pairs
    }
}

impl LamportChecker {
    fn name(&self, node: NodeId) -> String {
        self.names.get(node.index()).cloned().unwrap_or_default()
    }

    /// The latest stored events, with what their servers had seen, for the replay table.
    fn replayed(&self) -> Vec<Replayed> {
        let skip = self.recent.len().saturating_sub(REPLAY_ROWS);
        self.recent
            .iter()
            .skip(skip)
            .map(|(id, own, seen)| {
                let s = &self.stored[*id];
                Replayed {
                    event: s.event.to_string(),
                    server: (s.server.index(), self.name(s.server)),
                    ts: s.ts,
                    wall: s.wall,
                    own: *own,
                    seen: seen.clone(),
                }
            })
            .collect()
    }
}

impl Checker<LamportNode> for LamportChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<LamportNode>,
        _msg: Option<&MessageRecord<Msg>>,
    ) {
        let Some(node) = event.node else { return };
        if node.index() >= self.vectors.len() {
            return;
        }
        match &event.kind {
            EventKind::Send { msg, fate, .. } => {
                let vector = self.tick(node).clone();
                if matches!(fate, Fate::Arrives(_)) {
                    self.in_flight.insert(*msg, vector);
                }
            }
            EventKind::Deliver { msg, .. } => {
                if let Some(sent) = self.in_flight.remove(msg) {
                    let own = &mut self.vectors[node.index()];
                    for (mine, theirs) in own.iter_mut().zip(sent) {
                        *mine = (*mine).max(theirs);
                    }
                }
                self.tick(node);
            }
            EventKind::Dropped { msg, .. } => {
                self.in_flight.remove(msg);
            }
            EventKind::Note(Note::Stored { event, ts, wall }) => {
                let seen = self.tick(node).clone();
                let stored = Stored {
                    event: *event,
                    server: node,
                    ts: *ts,
                    wall: *wall,
                    index,
                };
                self.store(stored, &seen);
            }
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[LamportNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        out.append(&mut self.found);
    }

    fn tables(&self, nodes: &[LamportNode]) -> Vec<Table> {
        // A server's timestamps only grow, so its latest events are its highest.
        let stores: Vec<Store> = nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| matches!(node, LamportNode::Server(_)))
            .map(|(i, _)| {
                let history = self.per_server.get(i).cloned().unwrap_or_default();
                let earlier = history.len().saturating_sub(STORE_EVENTS);
                let latest = history
                    .skip(earlier)
                    .iter()
                    .map(|e| (self.stored[e.stored].event.to_string(), e.ts))
                    .collect();
                Store {
                    server: self.name(NodeId(i as u32)),
                    latest,
                    earlier,
                }
            })
            .collect();
        vec![
            store_table(&stores),
            replay_table(&self.replayed(), self.stored.len()),
        ]
    }

    fn facts(&self, _nodes: &[LamportNode]) -> Vec<(&'static str, String)> {
        if self.stored.is_empty() {
            return vec![("Stored events", "none yet".to_string())];
        }
        let pairs = self.concurrent_pairs();
        let concurrent = if pairs.is_empty() {
            "none among the latest events: each pair is causally ordered".to_string()
        } else {
            let shown: Vec<String> = pairs
                .iter()
                .take(4)
                .map(|&(a, b)| format!("{} ∥ {}", self.label(a), self.label(b)))
                .collect();
            let more = pairs.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!(
                "{}{tail}: neither happened before the other, so their timestamp order is a \
                 convention (timestamp, then server), not causality",
                shown.join(", ")
            )
        };
        vec![
            (
                "Replay by Lamport timestamp",
                self.replay_order(&self.first_by_ts),
            ),
            (
                "Replay by wall clock",
                self.replay_order(&self.first_by_wall),
            ),
            ("Concurrent events", concurrent),
        ]
    }
}

/// How many entries of a server's `history` a node whose vector holds `known` for that
/// server has seen: they form a prefix, since a server's own entries only grow. Found by
/// galloping back from the end, then a binary search: a node usually knows all but a
/// server's latest few entries, so this costs a few lookups, not a search of the whole.
fn seen_prefix(history: &Vector<Entry>, known: u32) -> usize {
    // Entries at `unseen` and after are known to be unseen; before `seen`, seen.
    let mut unseen = history.len();
    let mut step = 1;
    let mut seen = 0;
    while unseen > 0 {
        let probe = unseen.saturating_sub(step);
        if history[probe].own <= known {
            seen = probe + 1;
            break;
        }
        unseen = probe;
        step *= 2;
    }
    while seen < unseen {
        let mid = seen + (unseen - seen) / 2;
        if history[mid].own <= known {
            seen = mid + 1;
        } else {
            unseen = mid;
        }
    }
    seen
}

/// The [`LISTED`] smallest keys offered so far, each with its stored event, in order: a
/// replay order's head, kept as events are stored so that facts cost the same at any
/// point of a long run.
#[derive(Clone, Debug)]
struct Lowest<K> {
    items: Vec<(K, usize)>,
    offered: usize,
}

impl<K> Default for Lowest<K> {
    fn default() -> Self {
        Lowest {
            items: Vec::new(),
            offered: 0,
        }
    }
}

impl<K: Ord> Lowest<K> {
    fn offer(&mut self, key: K, stored: usize) {
        self.offered += 1;
        let at = self.items.partition_point(|(k, _)| *k < key);
        if at < LISTED {
            self.items.insert(at, (key, stored));
            self.items.truncate(LISTED);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seen_prefix_matches_a_linear_count() {
        let history: Vector<Entry> = [1u32, 2, 4, 7, 8, 12, 13, 20]
            .iter()
            .map(|&own| Entry {
                own,
                ts: u64::from(own),
                stored: 0,
                max_wall: (WallTime(0), 0),
            })
            .collect();
        for known in 0..25 {
            let linear = history.iter().filter(|e| e.own <= known).count();
            assert_eq!(seen_prefix(&history, known), linear, "known {known}");
        }
        assert_eq!(seen_prefix(&Vector::new(), 5), 0);
    }

    #[test]
    fn a_replay_head_keeps_the_smallest_keys_in_order() {
        let keys: Vec<u64> = (0..100u64).map(|i| (i * 37) % 101).collect();
        let mut lowest = Lowest::default();
        for (i, &k) in keys.iter().enumerate() {
            lowest.offer(k, i);
        }
        let mut sorted: Vec<(u64, usize)> = keys.iter().copied().zip(0..).collect();
        sorted.sort();
        sorted.truncate(LISTED);
        assert_eq!(lowest.items, sorted);
        assert_eq!(lowest.offered, 100);
    }
    use crate::sim::node::NodeStatus;
    use crate::sim::time::SimTime;

    fn names() -> Vec<String> {
        ["c1", "c2", "s1", "s2"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn event(time: u64, node: u32, kind: EventKind<LamportNode>) -> TraceEvent<LamportNode> {
        TraceEvent {
            time: SimTime(time),
            node: Some(NodeId(node)),
            kind,
        }
    }

    fn stored(client: u16, n: u16, ts: u64, wall: i64) -> EventKind<LamportNode> {
        EventKind::Note(Note::Stored {
            event: EventName { client, n },
            ts,
            wall: WallTime(wall),
        })
    }

    fn send(msg: u32, to: u32) -> EventKind<LamportNode> {
        EventKind::Send {
            msg: MsgId(msg),
            to: NodeId(to),
            fate: Fate::Arrives(SimTime(1)),
        }
    }

    fn recv(msg: u32, from: u32) -> EventKind<LamportNode> {
        EventKind::Deliver {
            msg: MsgId(msg),
            from: NodeId(from),
        }
    }

    fn run(events: &[EventKind<LamportNode>], nodes: &[u32]) -> (Vec<Breach>, LamportChecker) {
        let mut checker = LamportChecker::new(&names());
        let mut out = Vec::new();
        for (i, (kind, node)) in events.iter().zip(nodes).enumerate() {
            checker.observe(i, &event(i as u64, *node, kind.clone()), None);
            let world = World {
                now: SimTime(i as u64),
                status: &[NodeStatus::Up; 4],
                clocks: &[],
            };
            checker.check(&[], &world, &mut out);
        }
        (out, checker)
    }

    /// s1 stores a1 (ts 5), tells c1, c1 tells s2, s2 stores a2 with ts 3: a1 happened
    /// before a2, yet a2's timestamp is smaller.
    fn decreasing_chain() -> [EventKind<LamportNode>; 6] {
        [
            stored(0, 1, 5, 100),
            send(0, 0),
            recv(0, 2),
            send(1, 3),
            recv(1, 0),
            stored(0, 2, 3, 200),
        ]
    }

    #[test]
    fn a_causal_chain_with_decreasing_timestamps_is_caught() {
        let events = decreasing_chain();
        let (breaches, _) = run(&events, &[2, 2, 0, 0, 3, 3]);
        assert_eq!(breaches.len(), 1);
        assert_eq!(breaches[0].property, TS_RESPECTS_CAUSALITY);
        assert_eq!(breaches[0].event, Some(5));
        assert!(breaches[0]
            .detail
            .contains("a1@5/s1 happened before a2@3/s2"));
    }

    #[test]
    fn the_replay_table_marks_the_event_replayed_before_its_cause() {
        use super::super::node::Server;
        use crate::sim::snapshot::MarkKind;
        let events = decreasing_chain();
        let (_, checker) = run(&events, &[2, 2, 0, 0, 3, 3]);
        let server = || LamportNode::Server(Server::default());
        let nodes = [server(), server(), server(), server()];
        let tables = checker.tables(&nodes);
        assert_eq!(tables[0].rows[2].cells, ["s1", "a1@5"]);
        assert_eq!(tables[0].rows[3].cells, ["s2", "a2@3"]);
        let replay = &tables[1];
        let first = &replay.rows[0];
        assert_eq!(first.cells[1], "a2");
        assert_eq!(first.cells[6], "a1", "a2 happened right after a1");
        assert_eq!(first.marks[0].kind, MarkKind::Breaks);
        assert!(first.marks[0].text.contains("before a1@5/s1"));
    }

    #[test]
    fn unrelated_events_are_concurrent_and_not_checked() {
        // Two servers store events nobody connects; the second has a smaller timestamp.
        let events = [stored(0, 1, 5, 300), stored(1, 1, 2, 100)];
        let (breaches, checker) = run(&events, &[2, 3]);
        assert!(breaches.is_empty());
        let facts = checker.facts(&[]);
        let concurrent = &facts
            .iter()
            .find(|(k, _)| *k == "Concurrent events")
            .unwrap()
            .1;
        assert!(concurrent.contains("a1@5/s1 ∥ b1@2/s2"), "{concurrent}");
        let by_ts = &facts[0].1;
        assert_eq!(by_ts, "b1 a1");
    }

    #[test]
    fn a_lagging_wall_clock_breaks_only_the_contrast() {
        let events = [
            stored(0, 1, 2, 500),
            send(0, 0),
            recv(0, 2),
            send(1, 3),
            recv(1, 0),
            stored(0, 2, 4, 100),
        ];
        let (breaches, _) = run(&events, &[2, 2, 0, 0, 3, 3]);
        assert_eq!(breaches.len(), 1);
        assert_eq!(breaches[0].property, WALL_RESPECTS_CAUSALITY);
    }
}
