//! Where the diagram's labels go: a greedy placement over the window, most important
//! first. Each label offers a few spots (beside its event, along its arrow); it takes the
//! first whose box overlaps neither a label placed before it nor an event's mark, or it
//! is not drawn (its event or arrow still names it on hover, and a chosen event's label
//! comes first). Boxes are kept in columns of the plot, so a check looks at its
//! neighbours only, not at every label of a crowded window.

/// About how wide one character of the diagram's 12 px text is, in pixels.
pub const CHAR_WIDTH: f64 = 7.2;
/// How far a label's box reaches above its baseline, and below it.
const ASCENT: f64 = 10.0;
const DESCENT: f64 = 3.0;
/// The width of one column of the index.
const COLUMN: f64 = 64.0;
/// Room kept clear on each side of a placed label, so two labels never run into one
/// word ("r343r366").
const GAP: f64 = 4.0;

/// A rectangle: left, top, right, bottom.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect(pub f64, pub f64, pub f64, pub f64);

impl Rect {
    /// Whether the two share more than an edge.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.0 < o.2 && o.0 < self.2 && self.1 < o.3 && o.1 < self.3
    }

    /// The box of `chars` characters of text starting at `x` on baseline `y`.
    pub fn text(x: f64, y: f64, chars: usize) -> Rect {
        Rect(x, y - ASCENT, x + chars as f64 * CHAR_WIDTH, y + DESCENT)
    }
}

/// How important a label is: lower ranks are placed first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// A property broke here.
    Breach,
    /// The event chosen for its causality (clicked, or walked to with [ and ]).
    Chosen,
    /// A person's action.
    Action,
    /// The pattern's own event.
    Note,
    /// A message lost or dropped, a node retired.
    Loss,
    /// A run of repetitive messages drawn as one mark.
    Repeat,
    /// A message on the highlighted path or causality.
    Focused,
    /// Any other message.
    Message,
}

/// A label that wants a place.
#[derive(Clone, Debug, PartialEq)]
pub struct Wanted<T> {
    /// How important it is.
    pub rank: Rank,
    /// How far (in pixels) it is from the cursor: nearer first within a rank.
    pub distance: f64,
    /// Where it may start (left x, baseline), best first.
    pub spots: Vec<(f64, f64)>,
    /// Its length in characters.
    pub chars: usize,
    /// What the caller draws there.
    pub item: T,
}

/// Boxes already taken, indexed by column.
#[derive(Debug, Default)]
pub struct Taken {
    left: f64,
    columns: Vec<Vec<Rect>>,
}

impl Taken {
    /// An empty index for boxes from `left` rightwards.
    pub fn new(left: f64) -> Taken {
        Taken {
            left,
            columns: Vec::new(),
        }
    }

    fn span(&self, r: &Rect) -> std::ops::RangeInclusive<usize> {
        let column = |x: f64| ((x - self.left).max(0.0) / COLUMN) as usize;
        column(r.0)..=column(r.2)
    }

    /// Marks `r` as taken.
    pub fn take(&mut self, r: Rect) {
        let span = self.span(&r);
        if self.columns.len() <= *span.end() {
            self.columns.resize(span.end() + 1, Vec::new());
        }
        for c in span {
            self.columns[c].push(r);
        }
    }

    /// Whether `r` overlaps a box taken before.
    pub fn clashes(&self, r: &Rect) -> bool {
        self.span(r)
            .filter_map(|c| self.columns.get(c))
            .any(|column| column.iter().any(|t| t.overlaps(r)))
    }
}

/// Places `wanted` (most important first, then nearest the cursor) in `taken` between
/// `left` and `right`: each label gets its first spot that is inside and free, or none.
/// Returns each placed item with where it starts (left x, baseline).
pub fn place<T>(
    wanted: Vec<Wanted<T>>,
    taken: &mut Taken,
    left: f64,
    right: f64,
) -> Vec<(T, f64, f64)> {
    // Sorted as plain numbers: rank, then whole pixels from the cursor, then the order
    // given (a sort of this one type would cost the bundle a few kB).
    let mut order: Vec<u64> = wanted
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let distance = w.distance.clamp(0.0, f64::from(0xFF_FFFF)) as u64;
            (w.rank as u64) << 56 | distance << 32 | i as u64
        })
        .collect();
    order.sort_unstable();
    let mut wanted: Vec<Option<Wanted<T>>> = wanted.into_iter().map(Some).collect();
    let mut placed = Vec::with_capacity(wanted.len());
    for i in order {
        let Some(w) = wanted[(i & 0xFFFF_FFFF) as usize].take() else {
            continue;
        };
        let spot = w.spots.iter().find_map(|&(x, y)| {
            let r = Rect::text(x, y, w.chars);
            (r.0 >= left && r.2 <= right && !taken.clashes(&r)).then_some((r, x, y))
        });
        if let Some((r, x, y)) = spot {
            taken.take(Rect(r.0 - GAP, r.1, r.2 + GAP, r.3));
            placed.push((w.item, x, y));
        }
    }
    placed
}

/// The box of a callout naming the mark at `(x, y)` in `chars` characters, on a plot
/// from `left`, `width` wide, whose lanes start at `top`: above the mark (below it near
/// the top), as wide as its text or the plot, and inside the plot.
pub fn callout(left: f64, width: f64, top: f64, (x, y): (f64, f64), chars: usize) -> Rect {
    let w = (chars as f64 * CHAR_WIDTH * 0.92 + 10.0).min(width);
    // (Not `clamp`: a text as wide as the plot makes its bounds equal but for rounding.)
    let x0 = (x - w / 2.0).min(left + width - w).max(left);
    let y0 = if y - 36.0 < top { y + 12.0 } else { y - 36.0 };
    Rect(x0, y0, x0 + w, y0 + 22.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: Rank = Rank::Message;
    const N: Rank = Rank::Note;

    /// Places labels 6 characters long, given as (rank, distance, x) and numbered from
    /// 1, each with a spot at baselines 50 and 70, on a plot 500 wide with `taken` taken.
    fn placed(labels: &[(Rank, f64, f64)], taken: &[Rect]) -> Vec<(u32, f64, f64)> {
        let mut index = Taken::new(0.0);
        for r in taken {
            index.take(*r);
        }
        let wanted = labels
            .iter()
            .zip(1..)
            .map(|(&(rank, distance, x), item)| Wanted {
                rank,
                distance,
                spots: vec![(x, 50.0), (x, 70.0)],
                chars: 6,
                item,
            })
            .collect();
        place(wanted, &mut index, 0.0, 500.0)
    }

    #[test]
    fn a_label_takes_its_next_spot_or_none() {
        let placed = placed(&[(M, 0.0, 10.0), (M, 1.0, 12.0), (M, 2.0, 14.0)], &[]);
        let got: Vec<(u32, f64)> = placed.iter().map(|p| (p.0, p.2)).collect();
        assert_eq!(got, [(1, 50.0), (2, 70.0)], "the third has no free spot");
    }

    #[test]
    fn labels_on_one_line_keep_a_gap_between_them() {
        // Six characters are 43.2 px: the second label would start where the first ends.
        let width = 6.0 * CHAR_WIDTH;
        let placed = placed(&[(M, 0.0, 10.0), (M, 1.0, 10.0 + width)], &[]);
        let got: Vec<(u32, f64)> = placed.iter().map(|p| (p.0, p.2)).collect();
        assert_eq!(got, [(1, 50.0), (2, 70.0)], "the second moves down a line");
        let placed = placed_far(width + GAP);
        assert_eq!(placed.len(), 2);
        assert!(placed.iter().all(|p| p.2 == 50.0), "{placed:?}");
    }

    /// Two labels on baseline 50 only, the second `offset` to the right of the first.
    fn placed_far(offset: f64) -> Vec<(u32, f64, f64)> {
        let wanted = [10.0, 10.0 + offset]
            .into_iter()
            .zip(1..)
            .map(|(x, item)| Wanted {
                rank: M,
                distance: 0.0,
                spots: vec![(x, 50.0)],
                chars: 6,
                item,
            })
            .collect();
        place(wanted, &mut Taken::new(0.0), 0.0, 500.0)
    }

    #[test]
    fn important_and_near_labels_go_first() {
        let placed = placed(&[(M, 0.0, 10.0), (N, 9.0, 10.0), (N, 3.0, 10.0)], &[]);
        let order: Vec<u32> = placed.iter().map(|p| p.0).collect();
        assert_eq!(
            order,
            [3, 2],
            "notes before messages, the nearer note first"
        );
    }

    #[test]
    fn a_callout_stays_inside_the_plot_however_long() {
        // The left edge and width the page met (a rounding error made `clamp` panic).
        let left = 290.001_409_747_061_13;
        let plot = |r: Rect| r.0 >= left && r.2 <= left + 310.0 + 1e-9;
        for chars in [4, 40, 400] {
            for x in [290.0, 450.0, 600.0] {
                let r = callout(left, 310.0, 22.0, (x, 100.0), chars);
                assert!(plot(r), "{r:?}");
            }
        }
        assert!(
            callout(0.0, 500.0, 22.0, (10.0, 30.0), 5).1 > 30.0,
            "below near the top"
        );
    }

    #[test]
    fn labels_stay_inside_and_off_taken_boxes() {
        let placed = placed(
            &[(N, 0.0, 50.0), (N, 0.0, 480.0), (N, 0.0, 200.0)],
            &[Rect(0.0, 0.0, 100.0, 100.0)],
        );
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].0, 3);
    }
}
