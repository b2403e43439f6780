//! The replay view: each server's store ordered by timestamp, and the replay order
//! across servers next to happened-before and the wall clocks.
//!
//! The checker hands over what it observed in the trace (stored events with their
//! timestamps, wall-clock times and vector-clock entries); these functions turn it into
//! plain [`Table`]s a UI draws as they are. Happened-before is the checker's, computed
//! from real sends and deliveries, so a mark here is ground truth, not the clock's opinion.

use std::cmp::Ordering;

use crate::sim::clock::WallTime;
use crate::sim::snapshot::{Mark, MarkKind, Table, TableRow};

/// How many of the latest stored events the replay table lists.
pub const REPLAY_ROWS: usize = 12;
/// How many of a server's latest stored events its row lists.
pub const STORE_EVENTS: usize = 8;

/// A stored event as the replay table needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replayed {
    /// The event's name, e.g. `a2`.
    pub event: String,
    /// The server's index (ties of timestamp are broken by it) and name.
    pub server: (usize, String),
    /// Its Lamport timestamp.
    pub ts: u64,
    /// The server's wall-clock time when it stored the event.
    pub wall: WallTime,
    /// The server's own vector-clock entry when it stored the event.
    pub own: u32,
    /// The server's whole vector clock then: what it had seen of every node.
    pub seen: Vec<u32>,
}

impl Replayed {
    /// Whether this event happened before `later` (a chain of messages leads to it).
    fn happened_before(&self, later: &Replayed) -> bool {
        !std::ptr::eq(self, later) && self.own <= later.seen[self.server.0]
    }

    /// Replay order: timestamp, then server.
    fn replay_key(&self) -> (u64, usize) {
        (self.ts, self.server.0)
    }

    /// Wall-clock order: the storing server's wall clock, then server.
    fn wall_key(&self) -> (WallTime, usize) {
        (self.wall, self.server.0)
    }

    fn label(&self) -> String {
        format!("{}@{}/{}", self.event, self.ts, self.server.1)
    }
}

/// One row per server: its stored events ordered by timestamp (the latest
/// [`STORE_EVENTS`], with how many earlier ones are left out).
pub fn store_table(servers: &[(String, Vec<(String, u64)>)]) -> Table {
    let rows = servers
        .iter()
        .map(|(name, events)| {
            let mut events = events.clone();
            events.sort_by_key(|(_, ts)| *ts);
            let earlier = events.len().saturating_sub(STORE_EVENTS);
            let mut shown: Vec<String> = events[earlier..]
                .iter()
                .map(|(event, ts)| format!("{event}@{ts}"))
                .collect();
            if earlier > 0 {
                shown.insert(0, format!("… {earlier} earlier"));
            }
            let text = if shown.is_empty() {
                "none yet".to_string()
            } else {
                shown.join(" · ")
            };
            TableRow {
                cells: vec![name.clone(), text],
                marks: Vec::new(),
            }
        })
        .collect();
    Table {
        title: "Each server's store".to_string(),
        caption: "What each server has stored, ordered by Lamport timestamp (event@ts)."
            .to_string(),
        columns: vec![
            "server".to_string(),
            "stored events, by timestamp".to_string(),
        ],
        rows,
    }
}

/// The replay order of `events` (the latest stored ones, `total` stored in all): sorted
/// by timestamp, ties broken by server, with each row's wall-clock position and the
/// events it happened right after. A row is marked where the replay order disagrees with
/// happened-before (a guarantee broken), where replaying by wall clock would (the
/// contrast), and where the wall-clock order merely differs.
pub fn replay_table(events: &[Replayed], total: usize) -> Table {
    let mut order: Vec<&Replayed> = events.iter().collect();
    order.sort_by_key(|e| e.replay_key());
    let mut by_wall: Vec<&Replayed> = events.iter().collect();
    by_wall.sort_by_key(|e| e.wall_key());
    let wall_rank = |e: &Replayed| {
        by_wall
            .iter()
            .position(|w| std::ptr::eq(*w, e))
            .unwrap_or(0)
    };
    let rows = order
        .iter()
        .enumerate()
        .map(|(rank, &b)| {
            let before: Vec<&Replayed> = order
                .iter()
                .copied()
                .filter(|a| a.happened_before(b))
                .collect();
            // The events b happened right after: predecessors with no other in between.
            let after: Vec<String> = before
                .iter()
                .filter(|a| !before.iter().any(|c| a.happened_before(c)))
                .map(|a| a.event.clone())
                .collect();
            let wall = wall_rank(b);
            TableRow {
                cells: vec![
                    (rank + 1).to_string(),
                    b.event.clone(),
                    b.ts.to_string(),
                    b.server.1.clone(),
                    b.wall.to_string(),
                    (wall + 1).to_string(),
                    if after.is_empty() {
                        "—".to_string()
                    } else {
                        after.join(" ")
                    },
                ],
                marks: marks(b, &before, rank, wall),
            }
        })
        .collect();
    let shown = if events.len() < total {
        format!("The latest {} of {total} stored events", events.len())
    } else {
        "Every stored event".to_string()
    };
    Table {
        title: "Replay order".to_string(),
        caption: format!(
            "{shown}, replayed by Lamport timestamp (ties broken by server), next to the \
             order of the servers' wall clocks and the events each one happened right after."
        ),
        columns: [
            "#",
            "event",
            "ts",
            "server",
            "wall clock",
            "by wall",
            "happened after",
        ]
        .iter()
        .map(|c| c.to_string())
        .collect(),
        rows,
    }
}

/// The marks of event `b`, replayed at `rank` and at `wall` by wall clock, given the
/// events that happened before it.
fn marks(b: &Replayed, before: &[&Replayed], rank: usize, wall: usize) -> Vec<Mark> {
    let mut marks = Vec::new();
    for a in before {
        match a.replay_key().cmp(&b.replay_key()) {
            Ordering::Greater => marks.push(Mark {
                kind: MarkKind::Breaks,
                text: format!("replayed before {}, which happened before it", a.label()),
            }),
            _ if a.ts >= b.ts => marks.push(Mark {
                kind: MarkKind::Breaks,
                text: format!(
                    "same timestamp as {}, which happened before it: only the tie-break \
                     replays them in order",
                    a.label()
                ),
            }),
            _ => {}
        }
    }
    for a in before {
        if a.wall_key() > b.wall_key() {
            marks.push(Mark {
                kind: MarkKind::Contrast,
                text: format!(
                    "by wall clock it would replay before {}, which happened before it \
                     ({} vs {})",
                    a.label(),
                    a.wall,
                    b.wall
                ),
            });
        }
    }
    if wall != rank && marks.is_empty() {
        marks.push(Mark {
            kind: MarkKind::Differs,
            text: format!("by wall clock it would replay at #{}", wall + 1),
        });
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored event on server `server` (0 or 1, named s1 and s2) with the given vector.
    fn stored(event: &str, server: usize, ts: u64, wall: i64, seen: [u32; 2]) -> Replayed {
        Replayed {
            event: event.to_string(),
            server: (server, format!("s{}", server + 1)),
            ts,
            wall: WallTime(wall),
            own: seen[server],
            seen: seen.to_vec(),
        }
    }

    fn column(table: &Table, name: &str) -> Vec<String> {
        let i = table.columns.iter().position(|c| c == name).unwrap();
        table.rows.iter().map(|r| r.cells[i].clone()).collect()
    }

    #[test]
    fn replay_sorts_by_timestamp_then_server_and_names_the_predecessors() {
        // a1 on s1, then (after its ack) a2 on s2; b1 on s2 concurrent with a1, same ts.
        let events = [
            stored("a1", 0, 1, 100, [1, 0]),
            stored("b1", 1, 1, 90, [0, 1]),
            stored("a2", 1, 2, 200, [1, 2]),
        ];
        let table = replay_table(&events, 3);
        assert_eq!(column(&table, "event"), ["a1", "b1", "a2"]);
        assert_eq!(column(&table, "#"), ["1", "2", "3"]);
        assert_eq!(column(&table, "happened after"), ["—", "—", "a1 b1"]);
        assert_eq!(column(&table, "by wall"), ["2", "1", "3"]);
        assert!(table.caption.starts_with("Every stored event"));
        // a1 and b1 swap by wall clock: harmless, since they are concurrent.
        let kinds: Vec<Vec<MarkKind>> = table
            .rows
            .iter()
            .map(|r| r.marks.iter().map(|m| m.kind).collect())
            .collect();
        assert_eq!(
            kinds,
            [vec![MarkKind::Differs], vec![MarkKind::Differs], vec![]]
        );
    }

    #[test]
    fn a_lagging_wall_clock_is_marked_as_the_contrast() {
        // a1 on s1 at wall 500, then a2 on s2 whose clock lags: wall 100.
        let events = [
            stored("a1", 0, 1, 500, [1, 0]),
            stored("a2", 1, 2, 100, [1, 1]),
        ];
        let table = replay_table(&events, 5);
        assert!(table.caption.starts_with("The latest 2 of 5"));
        assert!(table.rows[0]
            .marks
            .iter()
            .all(|m| m.kind == MarkKind::Differs));
        let marks = &table.rows[1].marks;
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].kind, MarkKind::Contrast);
        assert!(
            marks[0].text.contains("before a1@1/s1"),
            "{}",
            marks[0].text
        );
    }

    #[test]
    fn timestamps_against_causality_are_marked_as_broken() {
        // a1 happened before a2, but a2 got a smaller timestamp: replay puts a2 first.
        let events = [
            stored("a1", 0, 5, 100, [1, 0]),
            stored("a2", 1, 3, 200, [1, 1]),
            stored("b1", 0, 6, 300, [2, 0]),
            stored("b2", 1, 6, 400, [2, 2]),
        ];
        let table = replay_table(&events, 4);
        assert_eq!(column(&table, "event"), ["a2", "a1", "b1", "b2"]);
        let a2 = &table.rows[0].marks;
        assert_eq!(a2[0].kind, MarkKind::Breaks);
        assert!(
            a2[0].text.contains("replayed before a1@5/s1"),
            "{}",
            a2[0].text
        );
        // b1 happened before b2 with an equal timestamp: in order only by the tie-break.
        let b2 = &table.rows[3].marks;
        assert!(b2
            .iter()
            .any(|m| m.kind == MarkKind::Breaks && m.text.contains("same timestamp as b1")));
    }

    #[test]
    fn each_store_lists_its_latest_events_by_timestamp() {
        let many: Vec<(String, u64)> = (1..=10).rev().map(|i| (format!("a{i}"), i)).collect();
        let table = store_table(&[("s1".to_string(), many), ("s2".to_string(), Vec::new())]);
        assert_eq!(
            table.rows[0].cells[1],
            "… 2 earlier · a3@3 · a4@4 · a5@5 · a6@6 · a7@7 · a8@8 · a9@9 · a10@10"
        );
        assert_eq!(table.rows[1].cells, ["s2", "none yet"]);
    }
}
