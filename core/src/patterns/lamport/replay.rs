//! The replay view: each server's store ordered by timestamp, and the replay order
//! across servers next to happened-before and the wall clocks.
//!
//! The checker hands over what it observed in the trace (stored events with their
//! timestamps, wall-clock times and vector-clock entries); these functions turn it into
//! plain [`Table`]s a UI draws as they are. Happened-before is the checker's, computed
//! from real sends and deliveries, so a mark here is ground truth, not the clock's opinion.

use crate::patterns::sort_short_by_key;
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

/// What a server has stored: its latest events (at most [`STORE_EVENTS`]) and how many
/// earlier ones are left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store {
    /// The server's name.
    pub server: String,
    /// Its latest stored events with their timestamps, in any order.
    pub latest: Vec<(String, u64)>,
    /// How many earlier events it stored.
    pub earlier: usize,
}

/// One row per server: its latest stored events ordered by timestamp.
pub fn store_table(stores: &[Store]) -> Table {
    let rows = stores
        .iter()
        .map(|store| {
            let mut events = store.latest.clone();
            sort_short_by_key(&mut events, |(_, ts)| *ts);
            let mut shown: Vec<String> = events
                .iter()
                .map(|(event, ts)| format!("{event}@{ts}"))
                .collect();
            if store.earlier > 0 {
                shown.insert(0, format!("… {} earlier", store.earlier));
            }
            let text = if shown.is_empty() {
                "none yet".to_string()
            } else {
                shown.join(" · ")
            };
            TableRow {
                cells: vec![store.server.clone(), text],
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
    sort_short_by_key(&mut order, |e| e.replay_key());
    let mut by_wall: Vec<&Replayed> = events.iter().collect();
    sort_short_by_key(&mut by_wall, |e| e.wall_key());
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
    let caption = match events.len() {
        0 => "No event is stored yet.".to_string(),
        n => {
            let shown = if n < total {
                format!("The latest {n} of {total} stored events")
            } else {
                "Every stored event".to_string()
            };
            format!(
                "{shown}, replayed by Lamport timestamp (ties broken by server), next to the \
                 order of the servers' wall clocks and the events each one happened right \
                 after."
            )
        }
    };
    Table {
        title: "Replay order".to_string(),
        caption,
        columns: [
            "#",
            "event",
            "ts",
            "server",
            "wall clock",
            "by wall",
            "right after",
        ]
        .iter()
        .map(|c| c.to_string())
        .collect(),
        rows,
    }
}

/// The marks of event `b`, replayed at `rank` and at `wall` by wall clock, given the
/// events that happened before it: one mark per kind of disagreement, naming every event
/// involved.
fn marks(b: &Replayed, before: &[&Replayed], rank: usize, wall: usize) -> Vec<Mark> {
    let pick = |disagrees: &dyn Fn(&Replayed) -> bool| -> Vec<&Replayed> {
        before.iter().copied().filter(|a| disagrees(a)).collect()
    };
    let passed = pick(&|a| a.replay_key() > b.replay_key());
    let tied = pick(&|a| a.ts == b.ts && a.replay_key() < b.replay_key());
    let by_wall = pick(&|a| a.wall_key() > b.wall_key());
    let mut marks = Vec::new();
    let mut mark = |kind, text: String| marks.push(Mark { kind, text });
    if !passed.is_empty() {
        mark(
            MarkKind::Breaks,
            format!(
                "replayed before {}, which happened before it",
                labels(&passed)
            ),
        );
    }
    if !tied.is_empty() {
        mark(
            MarkKind::Breaks,
            format!(
                "same timestamp as {}, which happened before it: only the tie-break replays \
                 them in order",
                labels(&tied)
            ),
        );
    }
    if !by_wall.is_empty() {
        mark(
            MarkKind::Contrast,
            format!(
                "by wall clock ({}) it would replay before {}, which happened before it",
                b.wall,
                labels(&by_wall)
            ),
        );
    }
    if wall != rank && passed.is_empty() && tied.is_empty() && by_wall.is_empty() {
        mark(
            MarkKind::Differs,
            format!("by wall clock it would replay at #{}", wall + 1),
        );
    }
    marks
}

/// `a1@2/s1`, `a1@2/s1 and b1@3/s1`, `a1@2/s1, b1@3/s1 and a2@4/s2`.
fn labels(events: &[&Replayed]) -> String {
    let labels: Vec<String> = events.iter().map(|e| e.label()).collect();
    match labels.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
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
        assert_eq!(column(&table, "right after"), ["—", "—", "a1 b1"]);
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
        assert_eq!(b2.len(), 1);
        assert_eq!(b2[0].kind, MarkKind::Breaks);
        assert!(
            b2[0].text.starts_with("same timestamp as b1@6/s1,"),
            "{}",
            b2[0].text
        );
    }

    #[test]
    fn one_mark_names_every_event_the_wall_clock_would_pass() {
        // a1 then b1 on s1, then a2 on s2 (after both) with a lagging clock.
        let events = [
            stored("a1", 0, 1, 500, [1, 0]),
            stored("b1", 0, 2, 600, [2, 0]),
            stored("a2", 1, 3, 100, [2, 1]),
        ];
        let table = replay_table(&events, 3);
        assert_eq!(column(&table, "right after"), ["—", "a1", "b1"]);
        let marks = &table.rows[2].marks;
        assert_eq!(marks.len(), 1);
        assert!(
            marks[0]
                .text
                .ends_with("before a1@1/s1 and b1@2/s1, which happened before it"),
            "{}",
            marks[0].text
        );
    }

    #[test]
    fn an_empty_replay_says_so() {
        let table = replay_table(&[], 0);
        assert!(table.rows.is_empty());
        assert_eq!(table.caption, "No event is stored yet.");
    }

    #[test]
    fn each_store_lists_its_latest_events_by_timestamp() {
        let latest: Vec<(String, u64)> = (3..=10).rev().map(|i| (format!("a{i}"), i)).collect();
        let table = store_table(&[
            Store {
                server: "s1".to_string(),
                latest,
                earlier: 2,
            },
            Store {
                server: "s2".to_string(),
                latest: Vec::new(),
                earlier: 0,
            },
        ]);
        assert_eq!(
            table.rows[0].cells[1],
            "… 2 earlier · a3@3 · a4@4 · a5@5 · a6@6 · a7@7 · a8@8 · a9@9 · a10@10"
        );
        assert_eq!(table.rows[1].cells, ["s2", "none yet"]);
    }
}
