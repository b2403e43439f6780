//! The pictures the sharding checker draws for an instant: the hash ring (or the range
//! bar) with its keys and the keys the latest change moved, and for the hot stories the
//! key-space heat map with each shard's throughput against its capacity.
//!
//! The ring's points and the keys' owners are the router's map (what the run is
//! configured to do), with the map it had before the latest change; the fraction of keys
//! moved, the load's spread, the heat and the throughput are counted from the trace.

use std::fmt::Write;

use super::grid::{Grid, COLUMN_US};
use super::{pct, ShardChecker, KEY_ROWS};
use crate::patterns::sharding::func::{mix, Scheme, ShardMap};
use crate::sim::plot::{MarkShape, Plot, PlotAxis, PlotMark, PlotShape};

/// What the checker draws for an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::patterns::sharding) enum View {
    /// Nothing.
    Plain,
    /// The ring or the range bar, with the keys the latest change moved.
    Ring,
    /// The key-space heat map over keys `0..keys`, and each shard's throughput against
    /// its `capacity` (requests a second).
    Heat { keys: u64, capacity: u64 },
    /// Throughput against the number of shards, each shard serving at most `capacity`
    /// requests a second, clients offering `offered`.
    Scaling { capacity: u64, offered: u64 },
}

/// Phases of the scaling curve kept, at most.
pub(super) const PHASES: usize = 32;

/// A stretch of the run between two changes of the map, for the scaling curve.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Phase {
    /// Shards in the run.
    pub(super) shards: u32,
    /// When it began and ended (µs).
    pub(super) from: u64,
    pub(super) to: u64,
    /// Requests answered by shards in it.
    pub(super) served: u64,
    /// Requests routed in it, and of those to the busiest shard.
    pub(super) routed: u64,
    pub(super) hottest: u64,
}

/// Keys drawn on the ring or bar, at most.
const SAMPLE: u64 = 400;
/// Points of the ring drawn, at most (a picture cannot show more).
const POINTS: usize = 1_500;
/// Positions around the ring: a hash's top 24 bits.
const RING: i64 = 1 << 24;

/// Shard names "s1", "s2" … for a legend.
fn shard_names(n: u32) -> Vec<String> {
    (1..=n).map(|s| format!("s{s}")).collect()
}

impl ShardChecker {
    /// The plots for this instant, given the router's current map.
    pub(super) fn draw(&self, map: Option<&ShardMap>) -> Vec<Plot> {
        match (self.view, map) {
            (View::Ring, Some(map)) => vec![self.ring(map)],
            (View::Heat { keys, capacity }, _) => {
                vec![self.key_heat(keys), self.throughput(capacity)]
            }
            (View::Scaling { capacity, offered }, _) => {
                vec![self.scaling(capacity, offered), self.throughput(capacity)]
            }
            _ => Vec::new(),
        }
    }

    /// The load's spread and the keys moved, from the trace, as notes.
    fn run_notes(&self) -> Vec<(String, String)> {
        let spread = |i| {
            self.spread(i)
                .map_or_else(|| "–".into(), |s| format!("{s:.1} %"))
        };
        let mut notes = vec![(
            "load spread now (std dev / mean requests per shard)".to_string(),
            spread(1),
        )];
        if self.changes > 0 {
            notes.push(("load spread before the change".into(), spread(0)));
            notes.push((
                "keys routed before and after the change that moved".into(),
                format!(
                    "{} of {} ({})",
                    self.moved,
                    self.both,
                    pct(self.moved, self.both)
                ),
            ));
        }
        notes
    }

    /// The ring (hash schemes) or the range bar (ranges): the map's points or range
    /// starts as ticks, sampled keys as dots in their shard's colour, ringed if the
    /// latest change gave them another shard.
    fn ring(&self, map: &ShardMap) -> Plot {
        let ranges = map.scheme() == Scheme::Ranges;
        let keys = self.key_space.max(1);
        let step = keys.div_ceil(SAMPLE).max(1);
        let place = |key: u64| {
            let h = mix(key);
            let spread = (h >> 8) % 30;
            if ranges {
                (key as i64, 10 + spread as i64 * 3)
            } else {
                ((h >> 40) as i64, 55 + spread as i64)
            }
        };
        let mut marks = Vec::new();
        if ranges {
            for &(lo, s) in map.ranges() {
                marks.push(PlotMark::at(MarkShape::Tick, s as u16, lo as i64, 0));
            }
        } else {
            let points = map.points();
            for &(at, s) in points.iter().step_by(points.len().div_ceil(POINTS).max(1)) {
                marks.push(PlotMark::at(
                    MarkShape::Tick,
                    s as u16,
                    (at >> 40) as i64,
                    100,
                ));
            }
        }
        let before = self.before_map.as_deref();
        let (mut sampled, mut moved) = (0u64, 0u64);
        for key in (0..keys).step_by(step as usize) {
            let owner = map.owner(key);
            let was = before.map_or(owner, |b| b.owner(key));
            let (x, y) = place(key);
            let shape = if was == owner {
                MarkShape::Dot
            } else {
                moved += 1;
                MarkShape::Ringed
            };
            sampled += 1;
            marks.push(PlotMark::at(shape, owner as u16, x, y));
        }
        let mut notes = vec![("shards".to_string(), map.shards().to_string())];
        if before.is_some() {
            notes.push((
                "drawn keys the change moved (ringed)".into(),
                format!("{moved} of {sampled} ({})", pct(moved, sampled)),
            ));
        }
        notes.extend(self.run_notes());
        let what = if ranges {
            "Key ranges: keys left to right, a tick where a shard's range starts"
        } else if map.scheme() == Scheme::Ring {
            "The hash ring: a tick for each virtual node (in its shard's colour; past 1,500 \
             points, an even selection of them); a key goes to the next point clockwise from \
             its hash"
        } else {
            "Keys around the ring by their hash; this function has no points on the ring \
             and picks a shard by arithmetic"
        };
        let mut caption = String::from(what);
        let _ = write!(
            caption,
            ". {sampled} of the {keys} keys as dots in the colour of the shard r1's map \
             gives them now; ringed: the latest change of shards gave it another shard. The \
             figures below count what r1 sent, from the trace."
        );
        Plot {
            title: if ranges {
                "The range bar"
            } else {
                "The hash ring"
            }
            .into(),
            caption,
            shape: if ranges {
                PlotShape::Axes
            } else {
                PlotShape::Ring
            },
            x: if ranges {
                PlotAxis::new("key", 0, keys as i64)
            } else {
                PlotAxis::new("hash of the key", 0, RING)
            },
            y: PlotAxis::new("", 0, 100),
            series: shard_names(map.shards()),
            heat_unit: String::new(),
            marks,
            notes,
        }
    }

    /// Aggregate throughput against the number of shards, phase by phase (each between
    /// two changes of the map), with what N shards could serve, the load they could take
    /// with none dropped (the busiest shard's limit), and the load offered.
    fn scaling(&self, capacity: u64, offered: u64) -> Plot {
        let mut phases = self.phases.clone();
        phases.push(self.current_phase());
        phases.retain(|p| p.shards > 0 && p.to > p.from);
        let most = phases.iter().map(|p| p.shards).max().unwrap_or(1).max(8);
        let mut marks = Vec::new();
        for p in &phases {
            let n = i64::from(p.shards);
            let secs = (p.to - p.from) as f64 / 1e6;
            let served = (p.served as f64 / secs) as i64;
            marks.push(PlotMark::at(MarkShape::Point, 0, n, served));
            marks.push(PlotMark::at(MarkShape::Point, 1, n, n * capacity as i64));
            if let Some(bound) = (capacity * p.routed).checked_div(p.hottest) {
                marks.push(PlotMark::at(MarkShape::Point, 2, n, bound as i64));
            }
        }
        marks.push(PlotMark {
            w: i64::from(most),
            ..PlotMark::at(MarkShape::Limit, 3, 0, offered as i64)
        });
        let mut notes = Vec::new();
        for p in &phases {
            let secs = (p.to - p.from) as f64 / 1e6;
            notes.push((
                format!(
                    "{} shard{}, {}–{} ms",
                    p.shards,
                    if p.shards == 1 { "" } else { "s" },
                    p.from / 1_000,
                    p.to / 1_000
                ),
                format!(
                    "{:.0} requests/s served; busiest shard drew {}",
                    p.served as f64 / secs,
                    pct(p.hottest, p.routed)
                ),
            ));
        }
        let top = marks.iter().map(|m| m.y).max().unwrap_or(0);
        Plot {
            title: "Throughput as shards are added".into(),
            caption: format!(
                "Requests answered per second, all shards together, in each stretch between \
                 two changes of the map (from the trace), against the number of shards. N \
                 shards serve at most N × {capacity} a second. The busiest shard saturates \
                 first: the most load the shards take with none dropped is {capacity} ÷ its \
                 share of the requests. Past it, the other shards still serve their share \
                 while the busiest drops its excess."
            ),
            shape: PlotShape::Axes,
            x: PlotAxis {
                ticks: (1..=i64::from(most)).map(|n| (n, n.to_string())).collect(),
                ..PlotAxis::new("shards", 0, i64::from(most))
            },
            y: PlotAxis::new("requests/s", 0, top + top / 10),
            series: vec![
                "served".into(),
                format!("N × {capacity}/s (even load)"),
                "most taken with no drops".into(),
                "offered".into(),
            ],
            heat_unit: String::new(),
            marks,
            notes,
        }
    }

    /// Keys × time, each cell the requests routed to those keys per second.
    fn key_heat(&self, keys: u64) -> Plot {
        let per_row = keys.div_ceil(KEY_ROWS as u64).max(1);
        let per_second = (1_000_000 / COLUMN_US) as i64;
        let mut marks = Vec::new();
        for col in self.key_heat.columns() {
            for row in 0..KEY_ROWS {
                let count = self.key_heat.get(col, row);
                if count > 0 {
                    marks.push(PlotMark {
                        shape: MarkShape::Cell,
                        series: 0,
                        x: (col * COLUMN_US / 1_000) as i64,
                        y: (row as u64 * per_row) as i64,
                        w: (COLUMN_US / 1_000) as i64,
                        h: per_row as i64,
                        v: i64::from(count) * per_second,
                    });
                }
            }
        }
        let cols = self.key_heat.columns();
        Plot {
            title: "Key-space heat map".into(),
            caption: format!(
                "Requests r1 routed, by key (bands of {per_row} keys, low keys at the \
                 bottom) and time (50 ms columns): the brighter a cell, the more requests \
                 those keys drew. From the trace."
            ),
            shape: PlotShape::Axes,
            x: PlotAxis::new(
                "time (ms)",
                (cols.start * COLUMN_US / 1_000) as i64,
                (cols.end * COLUMN_US / 1_000) as i64,
            ),
            y: PlotAxis::new("key", 0, (per_row * KEY_ROWS as u64) as i64),
            series: Vec::new(),
            heat_unit: "requests/s".into(),
            marks,
            notes: Vec::new(),
        }
    }

    /// Per shard in the run: requests routed to it and answered by it per second over the
    /// latest two whole columns (100 ms), against its capacity.
    fn throughput(&self, capacity: u64) -> Plot {
        let col = Grid::column(self.now).saturating_sub(2);
        let per_second = 1_000_000 / COLUMN_US / 2;
        let count = |grid: &Grid, row| u64::from(grid.get(col, row) + grid.get(col + 1, row));
        let shards: Vec<usize> = (0..self.tally.len())
            .filter(|&s| self.tally[s].present[1] || count(&self.shard_heat, 2 * s) > 0)
            .collect();
        let mut marks = Vec::new();
        let mut ticks = Vec::new();
        let mut hottest = (0u64, 0usize, 0u64);
        for (i, &s) in shards.iter().enumerate() {
            let x = i as i64 * 10;
            let offered = count(&self.shard_heat, 2 * s) * per_second;
            let served = count(&self.shard_heat, 2 * s + 1) * per_second;
            marks.push(PlotMark {
                w: 4,
                ..PlotMark::at(MarkShape::Bar, 0, x + 1, offered as i64)
            });
            marks.push(PlotMark {
                w: 4,
                ..PlotMark::at(MarkShape::Bar, 1, x + 5, served as i64)
            });
            ticks.push((x + 5, format!("s{}", s + 1)));
            if offered > hottest.0 {
                hottest = (offered, s, served);
            }
        }
        let width = shards.len().max(1) as i64 * 10;
        marks.push(PlotMark {
            w: width,
            ..PlotMark::at(MarkShape::Limit, 2, 0, capacity as i64)
        });
        let top = marks
            .iter()
            .map(|m| m.y)
            .max()
            .unwrap_or(0)
            .max(capacity as i64);
        let from = col * COLUMN_US / 1_000;
        let mut notes = vec![(
            "window".to_string(),
            format!("{from}–{} ms", from + 2 * COLUMN_US / 1_000),
        )];
        if hottest.0 > 0 {
            notes.push((
                "hottest shard".into(),
                format!(
                    "s{}: {} requests/s routed to it, {} served (capacity about {capacity})",
                    hottest.1 + 1,
                    hottest.0,
                    hottest.2
                ),
            ));
        }
        Plot {
            title: "Throughput per shard".into(),
            caption: format!(
                "Requests routed to each shard and answered by it per second over the latest \
                 whole 100 ms, from the trace, against a shard's capacity (one request per \
                 service time, about {capacity} a second). A shard asked for more than that \
                 queues, then drops."
            ),
            shape: PlotShape::Axes,
            x: PlotAxis {
                ticks,
                ..PlotAxis::new("shard", 0, width)
            },
            y: PlotAxis::new("requests/s", 0, top + top / 10),
            series: vec!["routed to it".into(), "served".into(), "capacity".into()],
            heat_unit: String::new(),
            marks,
            notes,
        }
    }
}
