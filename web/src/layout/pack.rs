//! Packing a run with groups or many nodes: the nodes outside every group first (as
//! [`Loose`] says), then the groups as nested boxes, each holding its own nodes in a grid
//! and its inner groups in rows (shelf packing).

use std::collections::BTreeSet;

use playground_core::sim::node::NodeId;
use playground_core::sim::topology::Topology;

use super::stage::{Scale, Spot};
use super::Point;

/// A packed block: its size, and its nodes and groups relative to its top-left corner.
#[derive(Default)]
struct Block {
    w: f64,
    h: f64,
    nodes: Vec<(usize, Point)>,
    groups: Vec<(usize, Spot)>,
}

impl Block {
    /// Adds `other` with its top-left corner at `(x, y)`.
    fn put(&mut self, other: Block, x: f64, y: f64) {
        let shift = |p: Point| Point {
            x: p.x + x,
            y: p.y + y,
        };
        self.nodes
            .extend(other.nodes.into_iter().map(|(i, p)| (i, shift(p))));
        self.groups.extend(other.groups.into_iter().map(|(g, s)| {
            (
                g,
                Spot {
                    center: shift(s.center),
                    ..s
                },
            )
        }));
        self.w = self.w.max(x + other.w);
        self.h = self.h.max(y + other.h);
    }
}

/// Space between blocks.
const GAP: f64 = 8.0;

/// Lays nodes out in a grid of at most `cols` columns.
fn grid(nodes: &[usize], cols: usize, scale: Scale) -> Block {
    let (cw, ch) = scale.cell();
    let cols = cols.clamp(1, nodes.len().max(1));
    let rows = nodes.len().div_ceil(cols);
    Block {
        w: cols as f64 * cw,
        h: rows as f64 * ch,
        nodes: nodes
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let (row, col) = (k / cols, k % cols);
                (
                    i,
                    Point {
                        x: (col as f64 + 0.5) * cw,
                        y: (row as f64 + 0.5) * ch,
                    },
                )
            })
            .collect(),
        groups: Vec::new(),
    }
}

/// Places blocks left to right, starting a new row when one would pass `max_w`.
fn shelves(blocks: Vec<Block>, max_w: f64) -> Block {
    let mut out = Block::default();
    let (mut x, mut y, mut row_h) = (0.0, 0.0, 0.0f64);
    for block in blocks {
        if x > 0.0 && x + block.w > max_w {
            x = 0.0;
            y += row_h + GAP;
            row_h = 0.0;
        }
        let (w, h) = (block.w, block.h);
        out.put(block, x, y);
        x += w + GAP;
        row_h = row_h.max(h);
    }
    out
}

/// The tree the packer walks: each group's inner groups and its own nodes.
struct Tree<'a> {
    roles: &'a [&'a str],
    topology: &'a Topology,
    collapsed: &'a BTreeSet<usize>,
    scale: Scale,
    /// Nodes placed directly in each group, in id order.
    direct: Vec<Vec<usize>>,
    /// How the nodes outside every group are arranged.
    loose: Loose,
    /// The linked node pairs.
    ends: &'a [(usize, usize)],
}

/// How the nodes outside every group are arranged above the groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Loose {
    /// One centered band per role, close together.
    Bands,
    /// The same, a node's height apart, so links leave them steeply.
    TallBands,
    /// One row, the node with the most links in the middle, a node's height above the
    /// groups.
    Row,
    /// One row in which nodes that talk to each other sit side by side, so no line
    /// between two of them passes a third, a node's height above the groups.
    Chain,
}

/// `nodes` in a chain: from the one with the fewest partners among them, each next the
/// first left whose partner is the last placed (else the first left), so pairs that
/// talk sit side by side wherever the pairs allow it.
fn chain(nodes: &[usize], ends: &[(usize, usize)]) -> Vec<usize> {
    let talk = |a: usize, b: usize| ends.contains(&(a.min(b), a.max(b)));
    let partners = |n: usize| nodes.iter().filter(|&&m| m != n && talk(n, m)).count();
    let mut left = nodes.to_vec();
    let mut out = Vec::with_capacity(nodes.len());
    let mut next = (0..left.len()).min_by_key(|&k| (partners(left[k]), k));
    while let Some(k) = next {
        let node = left.remove(k);
        out.push(node);
        next = left
            .iter()
            .position(|&m| talk(node, m))
            .or((!left.is_empty()).then_some(0));
    }
    out
}

impl Tree<'_> {
    /// A group's box with everything inside it, at most `max_w` wide.
    fn group(&self, g: usize, max_w: f64) -> Block {
        let (label, pad) = self.scale.group_chrome();
        let mut out = Block::default();
        if self.collapsed.contains(&g) {
            let (w, h) = self.scale.collapsed();
            out.w = w;
            out.h = h;
        } else {
            let inner_w = (max_w - 2.0 * pad).max(self.scale.cell().0);
            let content = self.content(Some(g), inner_w);
            out.w = content.w.max(self.scale.collapsed().0 - 2.0 * pad) + 2.0 * pad;
            out.h = content.h + label + pad;
            out.put(content, pad, label);
        }
        out.groups.push((g, Spot::from_origin(out.w, out.h)));
        out
    }

    /// What sits directly in `parent` (the stage when `None`): its nodes, then its groups.
    fn content(&self, parent: Option<usize>, max_w: f64) -> Block {
        let (cw, _) = self.scale.cell();
        let fit = ((max_w / cw).floor() as usize).max(1);
        let mut out = Block::default();
        let children: Vec<Block> = self
            .topology
            .groups()
            .iter()
            .enumerate()
            .filter(|(_, group)| group.parent == parent)
            .map(|(i, _)| self.group(i, max_w))
            .collect();
        let children = (!children.is_empty()).then(|| shelves(children, max_w));
        let y = match parent {
            Some(g) => {
                let nodes = &self.direct[g];
                if nodes.is_empty() {
                    0.0
                } else {
                    let cols = fit.min((nodes.len() as f64).sqrt().ceil().max(6.0) as usize);
                    let block = grid(nodes, cols, self.scale);
                    let y = block.h + GAP;
                    out.put(block, 0.0, 0.0);
                    y
                }
            }
            None => {
                let loose = self.direct.last().map_or(&[][..], |v| v.as_slice());
                let placed = children.as_ref().map_or(&[][..], |c| c.nodes.as_slice());
                self.loose_block(&mut out, loose, max_w, fit, placed)
            }
        };
        if let Some(children) = children {
            out.put(children, 0.0, y);
        }
        out
    }

    fn role(&self, node: usize) -> &str {
        self.roles[node]
    }

    /// Puts the nodes outside every group into `out` as [`Loose`] says, each band (or the
    /// row) centered over the nodes in groups it links to (`placed`: where they sit
    /// below); returns where the groups start.
    fn loose_block(
        &self,
        out: &mut Block,
        loose: &[usize],
        max_w: f64,
        fit: usize,
        placed: &[(usize, Point)],
    ) -> f64 {
        let (cw, ch) = self.scale.cell();
        if loose.is_empty() {
            return 0.0;
        }
        // The left edge of a row of `nodes`: centered over their partners below, or on
        // the stage when they have none there.
        let left = |nodes: &[usize]| {
            let xs: Vec<f64> = self
                .ends
                .iter()
                .filter_map(|&(a, b)| match (nodes.contains(&a), nodes.contains(&b)) {
                    (true, false) => Some(b),
                    (false, true) => Some(a),
                    _ => None,
                })
                .filter_map(|n| placed.iter().find(|(i, _)| *i == n).map(|(_, p)| p.x))
                .collect();
            let width = cw * nodes.len().min(fit) as f64;
            let center = if xs.is_empty() {
                max_w / 2.0
            } else {
                xs.iter().sum::<f64>() / xs.len() as f64
            };
            (center - width / 2.0).clamp(0.0, (max_w - width).max(0.0))
        };
        if matches!(self.loose, Loose::Row | Loose::Chain) {
            let degree = |n: usize| self.ends.iter().filter(|&&(a, b)| a == n || b == n).count();
            let mut row = loose.to_vec();
            if self.loose == Loose::Chain {
                row = chain(&row, self.ends);
            } else if let Some(hub) =
                (0..row.len()).max_by_key(|&k| (degree(row[k]), usize::MAX - k))
            {
                let node = row.remove(hub);
                row.insert(row.len() / 2, node);
            }
            let block = grid(&row, fit, self.scale);
            let h = block.h;
            out.put(block, left(&row), 0.0);
            return h + 2.0 * ch;
        }
        let gap = if self.loose == Loose::TallBands {
            2.0 * ch
        } else {
            GAP / 2.0
        };
        // One band per role, in order of first appearance, so a lone balancer sits above
        // what it balances.
        let mut roles: Vec<&str> = Vec::new();
        for &i in loose {
            let role = self.role(i);
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        let mut y = 0.0;
        for role in roles {
            let band: Vec<usize> = loose
                .iter()
                .copied()
                .filter(|&i| self.role(i) == role)
                .collect();
            let block = grid(&band, fit, self.scale);
            let h = block.h;
            out.put(block, left(&band), y);
            y += h + gap;
        }
        y + if self.loose == Loose::TallBands {
            0.0
        } else {
            GAP / 2.0
        }
    }
}

/// Packs a run with groups or many nodes into a stage `width` wide, its loose nodes
/// arranged as `loose` says; returns the width, the height, every node's box and every
/// group's frame (by index).
pub(super) fn pack(
    roles: &[&str],
    topology: &Topology,
    collapsed: &BTreeSet<usize>,
    width: f64,
    scale: Scale,
    loose: Loose,
    ends: &[(usize, usize)],
) -> (f64, f64, Vec<Spot>, Vec<Option<Spot>>) {
    let groups = topology.groups().len();
    let mut direct = vec![Vec::new(); groups + 1];
    for i in 0..roles.len() {
        let g = topology.group_of(NodeId(i as u32)).unwrap_or(groups);
        direct[g.min(groups)].push(i);
    }
    let tree = Tree {
        roles,
        topology,
        collapsed,
        scale,
        direct,
        loose,
        ends,
    };
    let margin = 8.0;
    let content = tree.content(None, width - 2.0 * margin);
    let x0 = ((width - content.w) / 2.0).max(margin);
    let (hw, hh) = scale.half();
    let mut nodes = vec![
        Spot {
            center: Point { x: 0.0, y: 0.0 },
            half_w: hw,
            half_h: hh,
        };
        roles.len()
    ];
    for (i, p) in content.nodes {
        nodes[i].center = Point {
            x: p.x + x0,
            y: p.y + margin,
        };
    }
    let mut frames = vec![None; groups];
    for (g, s) in content.groups {
        frames[g] = Some(Spot {
            center: Point {
                x: s.center.x + x0,
                y: s.center.y + margin,
            },
            ..s
        });
    }
    let height = (content.h + 2.0 * margin).max(120.0);
    (width.max(content.w + 2.0 * margin), height, nodes, frames)
}
