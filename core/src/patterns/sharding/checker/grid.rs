//! Counts per row (a band of keys, a shard) and per time column over the latest
//! [`COLUMNS`] columns of [`COLUMN_US`]: what the key-space heat map and the per-shard
//! throughput are drawn from. Its size is fixed, so a checkpoint's copy costs the same at
//! any point of a long run.

/// A time column's width: 50 ms.
pub(super) const COLUMN_US: u64 = 50_000;
/// Columns kept: the latest 2.4 s.
pub(super) const COLUMNS: u64 = 48;

/// A sliding grid of counts.
#[derive(Clone, Debug, Default)]
pub(super) struct Grid {
    rows: usize,
    /// The first column kept (by time: column `c` starts at `c × COLUMN_US`).
    first: u64,
    /// Column by column, `rows` counts each.
    cells: Vec<u32>,
}

impl Grid {
    /// A grid of `rows` rows (none: it counts nothing).
    pub(super) fn new(rows: usize) -> Grid {
        Grid {
            rows,
            first: 0,
            cells: vec![0; rows * COLUMNS as usize],
        }
    }

    /// The column of an instant (µs).
    pub(super) fn column(t_us: u64) -> u64 {
        t_us / COLUMN_US
    }

    /// The columns kept.
    pub(super) fn columns(&self) -> std::ops::Range<u64> {
        self.first..self.first + COLUMNS
    }

    /// Counts one at instant `t_us` in `row` (the last row for a row past it).
    pub(super) fn add(&mut self, t_us: u64, row: usize) {
        if self.rows == 0 {
            return;
        }
        let col = Grid::column(t_us);
        let end = self.first + COLUMNS;
        if col >= end {
            // Slide: drop the oldest columns, open empty ones.
            let by = ((col + 1 - end).min(COLUMNS) * self.rows as u64) as usize;
            self.cells.drain(..by);
            self.cells.resize(self.rows * COLUMNS as usize, 0);
            self.first = col + 1 - COLUMNS;
        }
        if let Some(i) = col.checked_sub(self.first) {
            self.cells[i as usize * self.rows + row.min(self.rows - 1)] += 1;
        }
    }

    /// The count in `row` of column `col` (0 outside the grid).
    pub(super) fn get(&self, col: u64, row: usize) -> u32 {
        match col.checked_sub(self.first) {
            Some(i) if i < COLUMNS && row < self.rows => self.cells[i as usize * self.rows + row],
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_keeps_the_latest_columns_and_slides() {
        let mut g = Grid::new(2);
        g.add(10, 0);
        g.add(60_000, 1);
        g.add(60_001, 5);
        assert_eq!((g.get(0, 0), g.get(1, 1)), (1, 2));
        // 50 columns later the first two are gone.
        g.add(COLUMN_US * 49, 0);
        assert_eq!(g.columns(), 2..50);
        assert_eq!((g.get(0, 0), g.get(1, 1), g.get(49, 0)), (0, 0, 1));
        // Far later: everything before is dropped.
        g.add(COLUMN_US * 1_000, 1);
        assert_eq!((g.get(49, 0), g.get(1_000, 1)), (0, 1));
        Grid::new(0).add(5, 3);
    }
}
