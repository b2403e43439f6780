//! The stage's layout for a whole run, computed once per topology (and per collapsed
//! groups and stage width), never per frame.
//!
//! A small flat run is laid out by `flat.rs` (role columns, a hub in the middle, or a
//! ring: whichever keeps every link clear of other nodes). A run with groups, or
//! with many nodes, is packed instead (`pack.rs`): the nodes outside every group come
//! first, then the groups as nested boxes. Nodes shrink with the run's size ([`Scale`]). A
//! collapsed group is one box; its members are drawn, and their messages start and end,
//! there.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::rc::Rc;

use playground_core::sim::node::NodeId;
use playground_core::sim::topology::Topology;

use super::flat::{clear, flat, footprints};
use super::pack::{pack, Loose};
use super::{Point, NODE_HALF_HEIGHT, NODE_HALF_WIDTH};

/// How large nodes are drawn, chosen by the number of nodes; ordered from the most
/// written on a node to the least.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scale {
    /// Up to [`FULL_MAX`] nodes: name, headline and role written on the node.
    Full,
    /// A small flat run on a narrow stage: the name and the headline in short, no
    /// caption; the rest on hover and focus.
    Brief,
    /// Up to [`MEDIUM_MAX`] nodes: the name only; the rest on hover and focus.
    Medium,
    /// More: a small square with a mark; its text on hover and focus.
    Compact,
}

/// The width of one character of a node's headline (11 px monospace).
pub const HEADLINE_CHAR_WIDTH: f64 = 6.62;

/// `text` cut to at most `chars` characters, its last one replaced by "…" when cut, and
/// whether it was cut.
pub fn fit_chars(text: &str, chars: usize) -> (String, bool) {
    if text.chars().count() <= chars {
        return (text.to_string(), false);
    }
    let mut cut: String = text.chars().take(chars.saturating_sub(1)).collect();
    cut.push('…');
    (cut, true)
}

/// `text` cut to at most `chars` characters by an "…" in its middle, keeping its start
/// and its end (where a state's number usually is: "follo…gen 2"), and whether it was
/// cut.
pub fn fit_middle(text: &str, chars: usize) -> (String, bool) {
    let count = text.chars().count();
    if count <= chars {
        return (text.to_string(), false);
    }
    let kept = chars.saturating_sub(1);
    let tail = kept / 2;
    let mut cut: String = text.chars().take(kept - tail).collect();
    cut.push('…');
    cut.extend(text.chars().skip(count - tail));
    (cut, true)
}

/// How many characters of a headline fit across a box `half_w` wide on each side (see
/// [`Scale::headline_chars`]).
pub fn headline_chars_across(half_w: f64) -> usize {
    ((2.0 * half_w - 10.0) / HEADLINE_CHAR_WIDTH).floor() as usize
}

/// The most nodes drawn at [`Scale::Full`].
pub const FULL_MAX: usize = 12;
/// The most nodes drawn at [`Scale::Medium`].
pub const MEDIUM_MAX: usize = 40;
/// The tallest a stage of groups is laid out at `scale`, as a share of its width. A
/// desktop's 720-unit stage fits 1400×900 beside the controls at its own size up to
/// about 460 px (0.62): taller at full size, its nodes are drawn briefly, which keeps
/// their state. Brief nodes give way to names only when the stage would be drawn at
/// under four fifths of its size (0.8), or when names only is no shorter.
fn max_height(scale: Scale) -> f64 {
    match scale {
        Scale::Full => 0.62,
        _ => 0.8,
    }
}

impl Scale {
    /// The scale for a run of `nodes` nodes.
    pub fn for_nodes(nodes: usize) -> Scale {
        match nodes {
            0..=FULL_MAX => Scale::Full,
            n if n <= MEDIUM_MAX => Scale::Medium,
            _ => Scale::Compact,
        }
    }

    /// Half the width and half the height of a node's box.
    pub fn half(self) -> (f64, f64) {
        match self {
            Scale::Full => (NODE_HALF_WIDTH, NODE_HALF_HEIGHT),
            Scale::Brief => (48.0, 19.0),
            Scale::Medium => (34.0, 15.0),
            Scale::Compact => (8.0, 8.0),
        }
    }

    /// How many characters of a node's name fit across its box (bold sans-serif: 15 px
    /// at full size, about 10.5 px a character; 12 px brief, 11.5 px medium, about 8.4).
    pub fn name_chars(self) -> usize {
        match self {
            Scale::Full => 11,
            Scale::Brief => 10,
            Scale::Medium => 7,
            Scale::Compact => 1,
        }
    }

    /// How many characters of a node's headline fit across its box (11 px monospace,
    /// 6.62 px a character, 5 px clear of each side: a font's glyphs drawn at another
    /// scale may be a little wider). At full size, 20: a pattern's headlines are
    /// written to fit in that.
    pub fn headline_chars(self) -> usize {
        let (half_w, _) = self.half();
        headline_chars_across(half_w)
    }

    /// The space one node takes in a grid: its box and room around it (for the role
    /// line and badges at full size).
    pub(super) fn cell(self) -> (f64, f64) {
        match self {
            Scale::Full => (156.0, 96.0),
            Scale::Brief => (108.0, 50.0),
            Scale::Medium => (78.0, 40.0),
            Scale::Compact => (22.0, 24.0),
        }
    }

    /// The size of a collapsed group's box.
    pub(super) fn collapsed(self) -> (f64, f64) {
        match self {
            Scale::Full => (150.0, 60.0),
            Scale::Brief | Scale::Medium | Scale::Compact => (96.0, 40.0),
        }
    }

    /// Room above a group's content for its label, and around it.
    pub(super) fn group_chrome(self) -> (f64, f64) {
        match self {
            Scale::Full => (22.0, 10.0),
            Scale::Brief | Scale::Medium | Scale::Compact => (16.0, 6.0),
        }
    }
}

/// A box on the stage: its center and half sizes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spot {
    /// Its center.
    pub center: Point,
    /// Half its width.
    pub half_w: f64,
    /// Half its height.
    pub half_h: f64,
}

impl Spot {
    /// The box from the origin to `(width, height)`: a whole stage or block.
    pub fn from_origin(width: f64, height: f64) -> Spot {
        Spot {
            center: Point {
                x: width / 2.0,
                y: height / 2.0,
            },
            half_w: width / 2.0,
            half_h: height / 2.0,
        }
    }

    /// Whether `self` and `other` overlap (touching edges do not).
    pub fn overlaps(&self, other: &Spot) -> bool {
        (self.center.x - other.center.x).abs() < self.half_w + other.half_w - 1e-9
            && (self.center.y - other.center.y).abs() < self.half_h + other.half_h - 1e-9
    }

    /// Whether `inner` lies wholly inside `self`.
    pub fn contains(&self, inner: &Spot) -> bool {
        inner.center.x - inner.half_w >= self.center.x - self.half_w - 1e-9
            && inner.center.x + inner.half_w <= self.center.x + self.half_w + 1e-9
            && inner.center.y - inner.half_h >= self.center.y - self.half_h - 1e-9
            && inner.center.y + inner.half_h <= self.center.y + self.half_h + 1e-9
    }

    /// Its left edge.
    pub fn left(&self) -> f64 {
        self.center.x - self.half_w
    }

    /// Its top edge.
    pub fn top(&self) -> f64 {
        self.center.y - self.half_h
    }
}

/// One group as the stage draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupBox {
    /// Its index in the topology.
    pub index: usize,
    /// Its name, as actions name it (`h1`).
    pub name: String,
    /// Its label: kind and name (`host h1`).
    pub label: String,
    /// Where it is drawn.
    pub spot: Spot,
    /// How many groups it sits in.
    pub depth: usize,
    /// Drawn as one box with its member count.
    pub collapsed: bool,
    /// Drawn at all (not inside a collapsed group).
    pub visible: bool,
    /// Every node nested in it, in id order.
    pub members: Vec<NodeId>,
}

/// Where everything on the stage goes for one run.
#[derive(Clone, Debug, PartialEq)]
pub struct StageLayout {
    /// Width of the view box.
    pub width: f64,
    /// Height of the view box.
    pub height: f64,
    /// How large nodes are.
    pub scale: Scale,
    /// Each node's box, by node index.
    pub nodes: Vec<Spot>,
    /// The collapsed group each node is drawn in, if any (the outermost one).
    pub hidden_in: Vec<Option<usize>>,
    /// Every group, by index.
    pub groups: Vec<GroupBox>,
    /// The links to draw, between anchors (see [`StageLayout::anchor`]), each once.
    pub links: Vec<(Point, Point)>,
    /// Whether a node's caption shows its wall clock (a small flat run: a packed stage
    /// has no room for it beside the role).
    pub walls: bool,
    /// What each node takes on the stage, by node index: its box, and at full size its
    /// caption and badge line (a message's label stays off all of them).
    pub footprints: Vec<Spot>,
    /// The same links as one SVG path (`M x y L x y …`), written once and shared by
    /// every frame.
    pub links_path: Rc<str>,
}

impl StageLayout {
    /// The layout of a run whose nodes have roles `roles`, in a stage `width` units wide;
    /// `talks` are the node pairs that exchange messages in the run: no line between
    /// two of them passes through a third node (and a run without declared links draws
    /// them as its links, see [`link_ends`]).
    pub fn new(
        roles: &[&str],
        topology: &Topology,
        talks: &[(usize, usize)],
        collapsed: &BTreeSet<usize>,
        width: f64,
    ) -> StageLayout {
        let n = roles.len();
        let group_count = topology.groups().len();
        let small_flat = group_count == 0 && Scale::for_nodes(n) == Scale::Full;
        let ends = link_ends(roles, topology, talks, small_flat);
        let traffic = traffic(&ends, talks, n);
        let (width, height, scale, nodes, frames) = if small_flat {
            let (height, scale, nodes) = flat(roles, &traffic, width);
            (width, height, scale, nodes, Vec::new())
        } else {
            let width = width.max(240.0);
            // The first arrangement of the loose nodes whose links all pass them by (with
            // every group open, so folding one does not move them); full-size nodes that
            // fit none are drawn by name only.
            let covered: Vec<bool> = (0..n)
                .map(|i| topology.group_of(NodeId(i as u32)).is_some())
                .collect();
            let open = BTreeSet::new();
            // Up to [`MEDIUM_MAX`] nodes are drawn with their state when that keeps the
            // stage short enough to be read at its own size (see [`max_height`]), by
            // name only otherwise.
            let first = Scale::for_nodes(n);
            let scales = match first {
                Scale::Full => vec![Scale::Full, Scale::Brief, Scale::Medium],
                Scale::Medium => vec![Scale::Brief, Scale::Medium],
                _ => vec![first],
            };
            // Each scale's first arrangement whose links pass every node by, and its
            // height.
            let arranged: Vec<(Scale, Loose, f64)> = scales
                .into_iter()
                .filter_map(|scale| {
                    [Loose::Bands, Loose::TallBands, Loose::Row, Loose::Chain]
                        .into_iter()
                        .find_map(|loose| {
                            let (_, h, spots, _) =
                                pack(roles, topology, &open, width, scale, loose, &traffic);
                            let feet = footprints(roles, &spots, scale, false);
                            clear(&spots, &feet, &traffic, &covered).then_some((scale, loose, h))
                        })
                })
                .collect();
            // The largest scale short enough to be read at its own size; when none is,
            // the shortest (a stage fitted to the page draws a tall one's text small).
            let short = arranged
                .iter()
                .find(|a| a.2 <= max_height(a.0) * width)
                .or_else(|| {
                    arranged
                        .iter()
                        .reduce(|best, a| if a.2 < best.2 { a } else { best })
                });
            let (scale, loose) =
                short.map_or((first, Loose::Bands), |&(scale, loose, _)| (scale, loose));
            let (w, h, nodes, frames) =
                pack(roles, topology, collapsed, width, scale, loose, &traffic);
            (w, h, scale, nodes, frames)
        };
        let mut groups: Vec<GroupBox> = topology
            .groups()
            .iter()
            .enumerate()
            .map(|(i, g)| GroupBox {
                index: i,
                name: g.name.clone(),
                label: format!("{} {}", g.kind, g.name),
                spot: frames.get(i).copied().flatten().unwrap_or(Spot {
                    center: Point { x: 0.0, y: 0.0 },
                    half_w: 0.0,
                    half_h: 0.0,
                }),
                depth: 0,
                collapsed: collapsed.contains(&i),
                visible: true,
                members: topology.members(i, n),
            })
            .collect();
        for i in 0..groups.len() {
            let mut at = topology.groups()[i].parent;
            while let Some(p) = at {
                groups[i].depth += 1;
                if groups[p].collapsed {
                    groups[i].visible = false;
                }
                at = topology.groups()[p].parent;
            }
        }
        // The outermost collapsed group around each node.
        let hidden_in = (0..n)
            .map(|i| {
                topology
                    .ancestors(NodeId(i as u32))
                    .filter(|g| groups[*g].collapsed)
                    .last()
            })
            .collect();
        let walls = small_flat && scale == Scale::Full;
        let mut layout = StageLayout {
            width,
            height,
            scale,
            footprints: footprints(roles, &nodes, scale, walls),
            nodes,
            hidden_in,
            groups,
            links: Vec::new(),
            walls,
            links_path: Rc::from(""),
        };
        layout.links = layout.links_between(roles.len(), &ends);
        let mut path = String::new();
        for (a, b) in &layout.links {
            let _ = write!(path, "M{:.1} {:.1}L{:.1} {:.1}", a.x, a.y, b.x, b.y);
        }
        layout.links_path = Rc::from(path);
        layout
    }

    /// Where a node's messages start and end: its own box, or its collapsed group's.
    pub fn anchor(&self, node: NodeId) -> Spot {
        match self.hidden_in.get(node.index()).copied().flatten() {
            Some(g) => self.groups[g].spot,
            None => self.nodes.get(node.index()).copied().unwrap_or(Spot {
                center: Point { x: 0.0, y: 0.0 },
                half_w: 0.0,
                half_h: 0.0,
            }),
        }
    }

    /// Whether a node is drawn as itself (not folded into a collapsed group).
    pub fn shows(&self, node: NodeId) -> bool {
        self.hidden_in
            .get(node.index())
            .is_some_and(Option::is_none)
    }

    /// The links between anchors of the node pairs `ends`, each once (a collapsed group's
    /// members share its box).
    fn links_between(&self, n: usize, ends: &[(usize, usize)]) -> Vec<(Point, Point)> {
        let key = |i: usize| match self.hidden_in[i] {
            Some(g) => n + g,
            None => i,
        };
        let mut seen = BTreeSet::new();
        let mut links = Vec::new();
        for &(a, b) in ends {
            let (ka, kb) = (key(a), key(b));
            if ka != kb && seen.insert((ka.min(kb), ka.max(kb))) {
                let at = |i: usize| self.anchor(NodeId(i as u32)).center;
                links.push((at(a), at(b)));
            }
        }
        links
    }
}

/// The pairs kept clear of third nodes: the drawn links and the pairs that talk, each
/// once, the lower index first.
pub(super) fn traffic(
    ends: &[(usize, usize)],
    talks: &[(usize, usize)],
    n: usize,
) -> Vec<(usize, usize)> {
    let pairs: BTreeSet<(usize, usize)> = ends
        .iter()
        .chain(talks)
        .filter(|&&(a, b)| a != b && a < n && b < n)
        .map(|&(a, b)| (a.min(b), a.max(b)))
        .collect();
    pairs.into_iter().collect()
}

/// The node pairs the stage links: the declared links; with none declared, in a small
/// flat run, the pairs that exchange messages (`talks`: same roles or not, e.g. servers
/// electing a leader), or every pair of nodes of different roles when no message was
/// sent (and nothing at scale).
pub(super) fn link_ends(
    roles: &[&str],
    topology: &Topology,
    talks: &[(usize, usize)],
    small_flat: bool,
) -> Vec<(usize, usize)> {
    let n = roles.len();
    if topology.links().is_empty() {
        if !small_flat {
            return Vec::new();
        }
        let talks: Vec<(usize, usize)> = talks
            .iter()
            .copied()
            .filter(|&(a, b)| a != b && a < n && b < n)
            .collect();
        if !talks.is_empty() {
            return talks;
        }
        return (0..n)
            .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
            .filter(|&(i, j)| roles[i] != roles[j])
            .collect();
    }
    topology
        .links()
        .iter()
        .map(|&(a, b)| (a.index(), b.index()))
        .filter(|&(a, b)| a < n && b < n)
        .collect()
}
