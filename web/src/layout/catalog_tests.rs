//! Every story's stage, as it opens, at the desktop and the phone width: no drawn link,
//! and no pair of nodes that exchange messages in the story's run (same roles or not),
//! passes through a third node's box, and no two nodes (with their captions) overlap.

use std::collections::BTreeSet;

use playground_core::patterns::Registry;
use playground_core::sim::node::NodeId;

use super::flat::{clear, footprints, inside};
use super::{Scale, Spot, StageLayout, PHONE_STAGE_WIDTH, STAGE_WIDTH};
use crate::model::stage::talking_pairs;
use crate::model::Playground;
use crate::url::parse_query;
use playground_core::sim::topology::Topology;

/// What is wrong with one story's stage at `width`, if anything.
fn fault(id: &str, width: f64) -> Option<String> {
    let p = Playground::open(parse_query(&format!("?s=v1~{id}~seed.1")), false);
    let run = p.run();
    let nodes = run.scenario().nodes(run.config());
    let roles: Vec<&str> = nodes.iter().map(|n| n.role).collect();
    let topology = run.engine().topology();
    let layout = p.stage_layout(width);
    // Every pair that talks, and every declared link.
    let mut ends: BTreeSet<(usize, usize)> = talking_pairs(run.engine()).into_iter().collect();
    ends.extend(
        topology
            .links()
            .iter()
            .map(|&(a, b)| (a.index().min(b.index()), a.index().max(b.index()))),
    );
    let ends: Vec<(usize, usize)> = ends.into_iter().collect();
    let feet = footprints(&roles, &layout.nodes, layout.scale, layout.walls);
    if !inside(&feet, layout.width, layout.height) {
        return Some(format!("{id} at {width}: a node leaves the stage"));
    }
    if width == STAGE_WIDTH && layout.width > width {
        return Some(format!(
            "{id} at {width}: the stage is {} wide",
            layout.width
        ));
    }
    let covered: Vec<bool> = (0..roles.len())
        .map(|i| topology.group_of(NodeId(i as u32)).is_some())
        .collect();
    (!clear(&layout.nodes, &feet, &ends, &covered)).then(|| {
        let crossing = ends.iter().find_map(|&(a, b)| {
            let k = (0..roles.len()).find(|&k| {
                k != a
                    && k != b
                    && !covered[k]
                    && super::flat::crosses(
                        layout.nodes[a].center,
                        layout.nodes[b].center,
                        &layout.nodes[k],
                    )
            })?;
            Some(format!(
                "{} -> {} passes through {}",
                nodes[a].name, nodes[b].name, nodes[k].name
            ))
        });
        format!(
            "{id} at {width} ({:?}): {}",
            layout.scale,
            crossing.unwrap_or_else(|| "two nodes overlap".into())
        )
    })
}

/// On a phone every small flat story of up to eight nodes is drawn whole at its own size
/// or larger in the panel, with each node's state written on it (full size or brief).
#[test]
fn a_phone_draws_small_flat_stories_whole_with_their_state() {
    let (panel_w, panel_h) = crate::model::stage::PHONE_PANEL;
    let mut faults = Vec::new();
    for story in Registry::standard().scenarios() {
        let p = Playground::open(parse_query(&format!("?s=v1~{}~seed.1", story.id())), false);
        let run = p.run();
        if !run.engine().topology().groups().is_empty() || run.engine().names().len() > 8 {
            continue;
        }
        let l = p.stage_layout(PHONE_STAGE_WIDTH);
        let drawn = (panel_w / l.width).min(panel_h / l.height);
        if drawn < 0.95 || l.scale > Scale::Brief {
            faults.push(format!(
                "{}: {:?} {:.0}x{:.0}, drawn at {drawn:.2}",
                story.id(),
                l.scale,
                l.width,
                l.height
            ));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn no_story_draws_a_link_through_a_node_or_nodes_over_each_other() {
    let mut faults = Vec::new();
    for story in Registry::standard().scenarios() {
        for width in [STAGE_WIDTH, PHONE_STAGE_WIDTH] {
            faults.extend(fault(story.id(), width));
        }
    }
    assert!(
        faults.is_empty(),
        "{} faults:\n{}",
        faults.len(),
        faults.join("\n")
    );
}

#[test]
fn the_check_sees_a_link_behind_a_node_and_captions_that_collide() {
    let at = |x: f64, y: f64| Spot {
        center: super::Point { x, y },
        half_w: 66.0,
        half_h: 28.0,
    };
    // s1 above s2 above the hub: s1's link to the hub passes behind s2.
    let spots = [at(100.0, 50.0), at(100.0, 150.0), at(100.0, 250.0)];
    let roles = ["system", "system", "hub"];
    let feet = footprints(&roles, &spots, Scale::Full, false);
    assert!(clear(&spots, &feet, &[(1, 2)], &[]));
    assert!(!clear(&spots, &feet, &[(0, 2)], &[]));
    assert!(
        clear(&spots, &feet, &[(0, 2)], &[false, true, false]),
        "covered by a group"
    );
    // Side by side, 140 apart: the boxes clear, the captions with wall clocks do not.
    let spots = [at(100.0, 50.0), at(240.0, 50.0)];
    let roles = ["server", "server"];
    assert!(clear(
        &spots,
        &footprints(&roles, &spots, Scale::Full, false),
        &[],
        &[]
    ));
    assert!(!clear(
        &spots,
        &footprints(&roles, &spots, Scale::Full, true),
        &[],
        &[]
    ));
}

#[test]
fn servers_that_talk_to_each_other_are_not_stacked_in_a_column() {
    // Three servers electing a leader and a client: without the pairs that talk, the
    // servers stand in one column and s1 -> s3 passes behind s2.
    let roles = ["server", "server", "server", "client"];
    let talks = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)];
    for width in [STAGE_WIDTH, PHONE_STAGE_WIDTH] {
        let layout = |talks: &[(usize, usize)]| {
            StageLayout::new(&roles, &Topology::default(), talks, &BTreeSet::new(), width)
        };
        let keeps_clear = |l: &StageLayout| {
            let feet = footprints(&roles, &l.nodes, l.scale, l.walls);
            clear(&l.nodes, &feet, &talks, &[])
        };
        assert!(!keeps_clear(&layout(&[])), "a column at {width}");
        let laid_out = layout(&talks);
        assert!(keeps_clear(&laid_out), "at {width}");
        assert_eq!(
            laid_out.links.len(),
            talks.len(),
            "the pairs that talk are drawn"
        );
    }
}

/// At the desktop width every story of up to [`super::stage::MEDIUM_MAX`] nodes writes
/// each node's state on it (a failing instance's "500s", a management node's role and
/// term), except these: the pods' stages with state would be drawn at under four fifths
/// of their size, and the leader crash (every management node talks to every other
/// node) has no arrangement with state where links pass the nodes by.
const NAMES_ONLY: [&str; 3] = [
    "consistent-leader-crash",
    "pods-readiness",
    "pods-node-failure",
];

#[test]
fn a_desktop_stage_writes_each_node_s_state_where_it_fits() {
    let mut by_name = Vec::new();
    for story in Registry::standard().scenarios() {
        let p = Playground::open(parse_query(&format!("?s=v1~{}~seed.1", story.id())), false);
        let n = p.run().engine().names().len();
        let l = p.stage_layout(STAGE_WIDTH);
        if n <= super::stage::MEDIUM_MAX && l.scale > Scale::Brief {
            by_name.push(story.id().to_string());
        }
    }
    assert_eq!(by_name, NAMES_ONLY, "drawn by name only");
}

/// No stage of groups at the desktop width is laid out taller than four fifths of its
/// width (the page would draw its text at under about four fifths of its size; full-size
/// nodes in a 756-unit stage were drawn at 7 px).
#[test]
fn a_desktop_stage_of_groups_is_not_drawn_tiny_when_smaller_nodes_fit() {
    let mut tall = Vec::new();
    for story in Registry::standard().scenarios() {
        let p = Playground::open(parse_query(&format!("?s=v1~{}~seed.1", story.id())), false);
        let l = p.stage_layout(STAGE_WIDTH);
        if !p.run().engine().topology().groups().is_empty() && l.height > 0.8 * l.width {
            tall.push(format!("{}: {:?} {:.0}", story.id(), l.scale, l.height));
        }
    }
    assert!(tall.is_empty(), "{tall:?}");
}

/// On a phone, brief nodes with room beside them grow wider, so a hybrid clock's whole
/// headline ("hlc 09:00:00.102+6", 18 characters) is written, not cut in its middle.
#[test]
fn a_phone_s_brief_nodes_take_the_width_they_have() {
    let p = Playground::open(parse_query("?s=v1~hybrid-transaction~seed.1"), false);
    let l = p.stage_layout(PHONE_STAGE_WIDTH);
    assert_eq!(l.scale, Scale::Brief);
    for spot in &l.nodes {
        assert!(
            super::headline_chars_across(spot.half_w) >= 18,
            "{spot:?} fits {}",
            super::headline_chars_across(spot.half_w)
        );
    }
}
