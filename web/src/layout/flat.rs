//! The stage of a small flat run (no groups, few nodes): the first of a few candidate
//! arrangements in which no drawn link passes through a third node's box and no two
//! nodes (with their captions) overlap, at the stage's width.
//!
//! The candidates, in order: one column per role (a role of more than three nodes takes
//! two), in order of first appearance; the same with the busiest lone node (a hub, a
//! broker) moved to the middle column; the nodes on an ellipse, where no chord passes
//! through a third point; the columns as rows, top to bottom (a phone), a lone node
//! zigzagging; last, the ring in other orders (nodes taking turns by role; the busiest
//! node in its middle; two nodes swapped), for runs where nearly every pair talks.
//! Each is tried at a few heights (from a shorter one on a phone); a stage
//! that fits none at full size draws its nodes at [`Scale::Brief`] (name and state in
//! short), [`Scale::Medium`] (name only), or as marks.

use std::f64::consts::PI;

use super::stage::{Scale, Spot};
use super::{Point, PHONE_STAGE_WIDTH};

/// The shortest and tallest stage (SVG units) a flat run is laid out in; heights are
/// tried in steps of [`HEIGHT_STEP`].
const HEIGHTS: (f64, f64) = (300.0, 480.0);
/// How much taller each try is.
const HEIGHT_STEP: f64 = 60.0;
/// The tallest a phone's stage of full-size nodes is laid out.
const PHONE_FULL_HEIGHT: f64 = 240.0;
/// Characters in a full-size node's caption beside its role: ` · wall 09:00:00.000`.
const WALL_CHARS: usize = 20;
/// About how wide one character of a caption is (11 px sans-serif, with a margin).
const CHAR_WIDTH: f64 = 6.3;

/// Where the nodes of a small flat run go in a stage `width` wide: the height, the scale
/// and each node's box.
pub(super) fn flat(
    roles: &[&str],
    links: &[(usize, usize)],
    width: f64,
) -> (f64, Scale, Vec<Spot>) {
    for scale in [Scale::Full, Scale::Brief, Scale::Medium, Scale::Compact] {
        // Smaller nodes are short, and so is a phone's first screen: their stage may be
        // too.
        let mut height = if scale == Scale::Full && width > PHONE_STAGE_WIDTH {
            HEIGHTS.0
        } else {
            HEIGHTS.0 - 2.0 * HEIGHT_STEP
        };
        // A phone's panel is short: full-size nodes that need a taller stage are drawn
        // briefly instead, so the whole stage is read at its own size.
        let tallest = if scale == Scale::Full && width <= PHONE_STAGE_WIDTH {
            PHONE_FULL_HEIGHT
        } else {
            HEIGHTS.1
        };
        while height <= tallest {
            for centers in candidates(roles, links, width, height, scale) {
                let spots: Vec<Spot> = centers.iter().map(|&c| box_at(c, scale)).collect();
                let feet = footprints(roles, &spots, scale, true);
                if inside(&feet, width, height) && clear(&spots, &feet, links, &[]) {
                    let spots = if scale == Scale::Brief {
                        widened(spots, links, width, height)
                    } else {
                        spots
                    };
                    return (height, scale, spots);
                }
            }
            height += HEIGHT_STEP;
        }
    }
    // Never reached by the catalog (a test checks every story); a readable fallback.
    let by_id: Vec<usize> = (0..roles.len()).collect();
    let centers = ring(&by_id, roles.len(), width, HEIGHTS.1, Scale::Compact);
    let spots = centers.iter().map(|&c| box_at(c, Scale::Compact)).collect();
    (HEIGHTS.1, Scale::Compact, spots)
}

/// Brief boxes made as wide as their places allow, up to half as wide again (a brief
/// headline cut in its middle can hide the number that matters: "hlc 09…102+6").
fn widened(spots: Vec<Spot>, links: &[(usize, usize)], width: f64, height: f64) -> Vec<Spot> {
    let (half_w, _) = Scale::Brief.half();
    [0.5, 0.375, 0.25, 0.125]
        .into_iter()
        .map(|more| {
            spots
                .iter()
                .map(|s| Spot {
                    half_w: half_w * (1.0 + more),
                    ..*s
                })
                .collect::<Vec<Spot>>()
        })
        .find(|wide| inside(wide, width, height) && clear(wide, wide, links, &[]))
        .unwrap_or(spots)
}

/// A node's box at `center`.
fn box_at(center: Point, scale: Scale) -> Spot {
    let (half_w, half_h) = scale.half();
    Spot {
        center,
        half_w,
        half_h,
    }
}

/// What each node takes on the stage: its box, and at full size the caption under it
/// (role, and the wall clock when `walls`) and the badge line above it.
pub(super) fn footprints(roles: &[&str], spots: &[Spot], scale: Scale, walls: bool) -> Vec<Spot> {
    spots
        .iter()
        .zip(roles)
        .map(|(s, role)| match scale {
            Scale::Full => {
                let chars = role.chars().count() + if walls { WALL_CHARS } else { 0 };
                Spot {
                    center: Point {
                        x: s.center.x,
                        y: s.center.y,
                    },
                    half_w: s.half_w.max(chars as f64 * CHAR_WIDTH / 2.0),
                    half_h: s.half_h + 17.0,
                }
            }
            Scale::Brief | Scale::Medium | Scale::Compact => *s,
        })
        .collect()
}

/// Whether every footprint lies inside a stage `width` by `height`.
pub(super) fn inside(footprints: &[Spot], width: f64, height: f64) -> bool {
    let stage = Spot::from_origin(width, height);
    footprints.iter().all(|f| stage.contains(f))
}

/// Whether no two footprints overlap and no link from one node's center to another's
/// passes through a third node's box, leaving out the boxes `covered` marks (a node in a
/// group: the group's box is drawn over the links, so none shows there).
pub(super) fn clear(
    spots: &[Spot],
    footprints: &[Spot],
    links: &[(usize, usize)],
    covered: &[bool],
) -> bool {
    let apart = footprints
        .iter()
        .enumerate()
        .all(|(i, a)| footprints[i + 1..].iter().all(|b| !a.overlaps(b)));
    apart
        && links.iter().all(|&(a, b)| {
            spots.iter().enumerate().all(|(k, s)| {
                k == a
                    || k == b
                    || covered.get(k) == Some(&true)
                    || !crosses(spots[a].center, spots[b].center, s)
            })
        })
}

/// Whether the segment from `p` to `q` passes through the box `s` (touching its edge
/// does not count).
pub(super) fn crosses(p: Point, q: Point, s: &Spot) -> bool {
    // Liang–Barsky: clip the segment's parameter range to the box's slabs.
    let (dx, dy) = (q.x - p.x, q.y - p.y);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (delta, near, far) in [
        (
            dx,
            s.center.x - s.half_w + 0.5 - p.x,
            s.center.x + s.half_w - 0.5 - p.x,
        ),
        (
            dy,
            s.center.y - s.half_h + 0.5 - p.y,
            s.center.y + s.half_h - 0.5 - p.y,
        ),
    ] {
        if delta.abs() < 1e-9 {
            if near > 0.0 || far < 0.0 {
                return false;
            }
            continue;
        }
        let (a, b) = (near / delta, far / delta);
        t0 = t0.max(a.min(b));
        t1 = t1.min(a.max(b));
        if t0 > t1 {
            return false;
        }
    }
    true
}

/// The arrangements tried for a stage `width` by `height`, best first.
fn candidates(
    roles: &[&str],
    links: &[(usize, usize)],
    width: f64,
    height: f64,
    scale: Scale,
) -> Vec<Vec<Point>> {
    let columns = role_columns(roles);
    let mut out = vec![place_columns(&columns, roles.len(), width, height)];
    let hubbed = hub_in_the_middle(&columns, links);
    if let Some(hubbed) = &hubbed {
        out.push(place_columns(hubbed, roles.len(), width, height));
    }
    let by_id: Vec<usize> = (0..roles.len()).collect();
    out.push(ring(&by_id, roles.len(), width, height, scale));
    // On a narrow stage, the same bands as rows, top to bottom.
    let cell = match scale {
        Scale::Full => WALL_CHARS as f64 * CHAR_WIDTH + 40.0,
        Scale::Brief => 108.0,
        Scale::Medium | Scale::Compact => 80.0,
    };
    let fit = ((width / cell).floor() as usize).max(1);
    for bands in [Some(columns), hubbed].into_iter().flatten() {
        for zigzag in [false, true] {
            out.push(place_rows(&bands, roles.len(), fit, zigzag, width, height));
        }
    }
    // Last, rings in other orders, each turned a slot at a time: a link between two
    // nodes near the ellipse's ends may clip the box between them, with other nodes
    // there not.
    // Then the node of most links in the middle of the ring of the others, whose links
    // to it all run inward.
    let n = roles.len();
    let by_id: Vec<usize> = (0..n).collect();
    let degree = |i: usize| links.iter().filter(|&&(a, b)| a == i || b == i).count();
    let hub = (0..n).max_by_key(|&i| (degree(i), usize::MAX - i));
    for centred in [None, hub] {
        for order in [by_id.clone(), interleaved(roles)] {
            let order: Vec<usize> = order.into_iter().filter(|&i| Some(i) != centred).collect();
            for shift in 0..order.len() {
                let turned: Vec<usize> = (0..order.len())
                    .map(|k| order[(k + shift) % order.len()])
                    .collect();
                let mut centers = ring(&turned, n, width, height, scale);
                if let Some(hub) = centred {
                    centers[hub] = Point {
                        x: width / 2.0,
                        y: height / 2.0,
                    };
                }
                out.push(centers);
            }
        }
    }
    // Last, the hub's ring with two of its nodes swapped, each pair in turn.
    if let Some(hub) = hub {
        let order: Vec<usize> = (0..n).filter(|&i| i != hub).collect();
        for a in 0..order.len() {
            for b in a + 1..order.len() {
                let mut swapped = order.clone();
                swapped.swap(a, b);
                let mut centers = ring(&swapped, n, width, height, scale);
                centers[hub] = Point {
                    x: width / 2.0,
                    y: height / 2.0,
                };
                out.push(centers);
            }
        }
    }
    out
}

/// The centers of `bands` as rows down the height, a band of more than `fit` nodes
/// taking several rows, each row's nodes spread across the width; with `zigzag`, a lone
/// node sits left of the middle in one row and right of it in the next, so a link that
/// skips rows passes beside the rows between.
fn place_rows(
    bands: &[Vec<usize>],
    n: usize,
    fit: usize,
    zigzag: bool,
    width: f64,
    height: f64,
) -> Vec<Point> {
    let rows: Vec<&[usize]> = bands.iter().flat_map(|band| band.chunks(fit)).collect();
    let mut out = vec![Point { x: 0.0, y: 0.0 }; n];
    let row_height = height / rows.len().max(1) as f64;
    for (r, row) in rows.iter().enumerate() {
        let cell = width / row.len() as f64;
        let shift = match (zigzag && row.len() == 1, r % 2) {
            (false, _) => 0.0,
            (true, 0) => -width / 5.0,
            (true, _) => width / 5.0,
        };
        for (c, &i) in row.iter().enumerate() {
            out[i] = Point {
                x: cell * (c as f64 + 0.5) + shift,
                y: row_height * (r as f64 + 0.5),
            };
        }
    }
    out
}

/// One column per role in order of first appearance; a role of more than three nodes
/// takes two columns.
fn role_columns(roles: &[&str]) -> Vec<Vec<usize>> {
    let mut order: Vec<&str> = Vec::new();
    for role in roles {
        if !order.contains(role) {
            order.push(role);
        }
    }
    let mut columns = Vec::new();
    for role in order {
        let members: Vec<usize> = (0..roles.len()).filter(|&i| roles[i] == role).collect();
        if members.len() > 3 {
            let (a, b) = members.split_at(members.len().div_ceil(2));
            columns.push(a.to_vec());
            columns.push(b.to_vec());
        } else {
            columns.push(members);
        }
    }
    columns
}

/// The columns with the lone node of most links (a hub) moved to the middle, when it is
/// not there already.
fn hub_in_the_middle(columns: &[Vec<usize>], links: &[(usize, usize)]) -> Option<Vec<Vec<usize>>> {
    let degree = |n: usize| links.iter().filter(|&&(a, b)| a == n || b == n).count();
    let (at, _) = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.len() == 1)
        .max_by_key(|(i, c)| (degree(c[0]), usize::MAX - i))?;
    let middle = columns.len() / 2;
    if at == middle || columns.len() < 3 {
        return None;
    }
    let mut out = columns.to_vec();
    let hub = out.remove(at);
    out.insert(middle.min(out.len()), hub);
    Some(out)
}

/// The centers of `columns` spread across the width, each column's nodes spread down
/// the height.
fn place_columns(columns: &[Vec<usize>], n: usize, width: f64, height: f64) -> Vec<Point> {
    let mut out = vec![Point { x: 0.0, y: 0.0 }; n];
    let column_width = width / columns.len().max(1) as f64;
    for (c, column) in columns.iter().enumerate() {
        let row_height = height / column.len().max(1) as f64;
        for (r, &i) in column.iter().enumerate() {
            out[i] = Point {
                x: column_width * (c as f64 + 0.5),
                y: row_height * (r as f64 + 0.5),
            };
        }
    }
    out
}

/// The centers of `n` nodes, those of `order` on the largest ellipse that keeps every
/// node inside the stage, `order[0]` at the left, the rest clockwise in `order`.
fn ring(order: &[usize], n: usize, width: f64, height: f64, scale: Scale) -> Vec<Point> {
    let (cell_w, cell_h) = match scale {
        Scale::Full => (WALL_CHARS as f64 * CHAR_WIDTH + 60.0, 90.0),
        Scale::Brief => (108.0, 48.0),
        Scale::Medium => (80.0, 40.0),
        Scale::Compact => (30.0, 30.0),
    };
    let (rx, ry) = ((width - cell_w) / 2.0, (height - cell_h) / 2.0);
    let mut out = vec![Point { x: 0.0, y: 0.0 }; n];
    let slots = order.len() as f64;
    for (slot, &node) in order.iter().enumerate() {
        let angle = PI + PI / slots + 2.0 * PI * slot as f64 / slots;
        out[node] = Point {
            x: width / 2.0 + rx.max(0.0) * angle.cos(),
            y: height / 2.0 + ry.max(0.0) * angle.sin(),
        };
    }
    out
}

/// The nodes taking turns by role (the first of each role, then the second …), so two
/// nodes of one role, which often talk to the same others, are not neighbours on a
/// ring.
fn interleaved(roles: &[&str]) -> Vec<usize> {
    let columns = role_columns(roles);
    let mut bands: Vec<Vec<usize>> = Vec::new();
    for column in columns {
        match bands.iter_mut().find(|b| roles[b[0]] == roles[column[0]]) {
            Some(band) => band.extend(column),
            None => bands.push(column),
        }
    }
    let longest = bands.iter().map(Vec::len).max().unwrap_or(0);
    (0..longest)
        .flat_map(|k| bands.iter().filter_map(move |b| b.get(k).copied()))
        .collect()
}
