//! Tests of the stage layout: nothing overlaps, nodes sit inside their groups, 200 nodes
//! fit the desktop and the phone stage, collapsing folds members into one box.

use std::collections::BTreeSet;

use playground_core::sim::node::NodeId;
use playground_core::sim::topology::Topology;

use super::stage::HEADLINE_CHAR_WIDTH;
use super::*;

/// A load-balancing shape: `clients` clients and one balancer outside every group, then
/// `zones` zones of `hosts` hosts of `per_host` instances; the balancer is linked to every
/// instance and every client to the balancer.
fn fleet(
    clients: usize,
    zones: usize,
    hosts: usize,
    per_host: usize,
) -> (Vec<&'static str>, Topology) {
    let mut roles = vec!["client"; clients];
    roles.push("balancer");
    let lb = NodeId(clients as u32);
    let mut t = Topology::default();
    for c in 0..clients {
        t.link(NodeId(c as u32), lb);
    }
    for z in 0..zones {
        let zone = t.group(format!("z{}", z + 1), "zone", None);
        for h in 0..hosts {
            let host = t.group(format!("h{}-{}", z + 1, h + 1), "host", Some(zone));
            let first = roles.len();
            roles.extend(std::iter::repeat_n("instance", per_host));
            for i in first..roles.len() {
                t.place(NodeId(i as u32), host);
                t.link(lb, NodeId(i as u32));
            }
        }
    }
    (roles, t)
}

fn check_no_overlap_and_nesting(layout: &StageLayout, topology: &Topology) {
    let shown: Vec<(usize, &Spot)> = layout
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| layout.shows(NodeId(*i as u32)))
        .collect();
    for (k, (i, a)) in shown.iter().enumerate() {
        for (j, b) in &shown[k + 1..] {
            assert!(!a.overlaps(b), "nodes {i} and {j} overlap: {a:?} {b:?}");
        }
        let stage = Spot::from_origin(layout.width, layout.height);
        assert!(stage.contains(a), "node {i} leaves the stage: {a:?}");
        if let Some(g) = topology.group_of(NodeId(*i as u32)) {
            let frame = &layout.groups[g].spot;
            assert!(
                frame.contains(a),
                "node {i} is outside group {g}: {a:?} {frame:?}"
            );
        }
    }
    let visible: Vec<&GroupBox> = layout.groups.iter().filter(|g| g.visible).collect();
    for (k, a) in visible.iter().enumerate() {
        if let Some(p) = topology.groups()[a.index].parent {
            assert!(
                layout.groups[p].spot.contains(&a.spot),
                "{} leaves its parent",
                a.name
            );
        }
        for b in &visible[k + 1..] {
            let nested = topology.contains(a.index, b.index) || topology.contains(b.index, a.index);
            assert!(
                nested || !a.spot.overlaps(&b.spot),
                "{} and {} overlap",
                a.name,
                b.name
            );
        }
    }
}

#[test]
fn two_hundred_nodes_fit_the_desktop_stage_without_overlap() {
    let (roles, t) = fleet(20, 3, 12, 5);
    assert_eq!(roles.len(), 201);
    let layout = StageLayout::new(&roles, &t, &[], &BTreeSet::new(), STAGE_WIDTH);
    assert_eq!(layout.scale, Scale::Compact);
    assert_eq!(layout.width, STAGE_WIDTH);
    assert!(layout.height < 700.0, "too tall: {}", layout.height);
    check_no_overlap_and_nesting(&layout, &t);
    // The balancer sits below the clients and above every zone.
    let lb = layout.nodes[20].center.y;
    assert!(layout.nodes[0].center.y < lb);
    assert!(layout.groups.iter().all(|g| g.spot.top() > lb));
    assert_eq!(layout.links.len(), 20 + 180, "every declared link, once");
}

#[test]
fn two_hundred_nodes_fit_a_phone_stage() {
    let (roles, t) = fleet(20, 3, 12, 5);
    let layout = StageLayout::new(&roles, &t, &[], &BTreeSet::new(), 360.0);
    assert_eq!(layout.width, 360.0, "nothing is wider than the phone");
    check_no_overlap_and_nesting(&layout, &t);
    assert!(layout.height < 1_400.0, "too tall: {}", layout.height);
}

#[test]
fn a_small_grouped_run_keeps_full_size_nodes_inside_their_groups() {
    let (roles, t) = fleet(2, 1, 2, 2);
    let layout = StageLayout::new(&roles, &t, &[], &BTreeSet::new(), STAGE_WIDTH);
    assert_eq!(layout.scale, Scale::Full);
    check_no_overlap_and_nesting(&layout, &t);
    assert_eq!(layout.groups[1].label, "host h1-1");
    assert_eq!(layout.groups[1].depth, 1);
    assert_eq!(layout.groups[0].members.len(), 4);
}

#[test]
fn a_collapsed_group_folds_its_members_and_inner_groups_into_one_box() {
    let (roles, t) = fleet(20, 3, 12, 5);
    let open = StageLayout::new(&roles, &t, &[], &BTreeSet::new(), STAGE_WIDTH);
    let zone = 0;
    let layout = StageLayout::new(&roles, &t, &[], &BTreeSet::from([zone]), STAGE_WIDTH);
    check_no_overlap_and_nesting(&layout, &t);
    assert!(
        layout.height < open.height,
        "collapsing gives the room back"
    );
    let first = NodeId(21);
    assert!(!layout.shows(first) && open.shows(first));
    assert_eq!(layout.anchor(first), layout.groups[zone].spot);
    assert!(
        !layout.groups[1].visible,
        "a host of the collapsed zone is hidden"
    );
    assert!(layout.groups[zone].visible && layout.groups[zone].collapsed);
    // The balancer's 60 links into the zone are one link to its box.
    assert_eq!(layout.links.len(), 20 + 1 + 120);
}

#[test]
fn nodes_shrink_with_the_run() {
    assert_eq!(Scale::for_nodes(5), Scale::Full);
    assert_eq!(Scale::for_nodes(30), Scale::Medium);
    assert_eq!(Scale::for_nodes(200), Scale::Compact);
    assert!(Scale::Compact.half().0 < Scale::Medium.half().0);
}

#[test]
fn a_small_flat_run_keeps_its_role_columns_and_role_links() {
    let roles = ["client", "server", "server"];
    for width in [STAGE_WIDTH, 360.0] {
        let layout = StageLayout::new(&roles, &Topology::default(), &[], &BTreeSet::new(), width);
        let c: Vec<Point> = layout.nodes.iter().map(|s| s.center).collect();
        assert!(c[0].x < c[1].x && c[1].x == c[2].x, "{c:?}");
        assert!(c[1].y < c[2].y, "{c:?}");
        assert_eq!(layout.width, width);
        assert!(layout.walls && layout.scale == Scale::Full);
        assert_eq!(
            layout.links.len(),
            2,
            "client to each server, not server to server"
        );
    }
    let mut declared = Topology::default();
    declared.link(NodeId(1), NodeId(2));
    let layout = StageLayout::new(&roles, &declared, &[], &BTreeSet::new(), STAGE_WIDTH);
    assert_eq!(
        layout.links,
        [(layout.nodes[1].center, layout.nodes[2].center)],
        "only the declared link"
    );
}

#[test]
fn a_large_flat_run_is_packed_in_role_bands_with_no_links() {
    let mut roles = vec!["client"; 30];
    roles.extend(vec!["server"; 170]);
    let t = Topology::default();
    let layout = StageLayout::new(&roles, &t, &[], &BTreeSet::new(), STAGE_WIDTH);
    check_no_overlap_and_nesting(&layout, &t);
    assert!(layout.links.is_empty(), "no 5,100 role pairs at scale");
    assert!(layout.nodes[29].center.y < layout.nodes[30].center.y);
}

#[test]
fn messages_leave_and_reach_box_edges_of_any_size() {
    let small = |x| Spot {
        center: Point { x, y: 0.0 },
        half_w: 8.0,
        half_h: 8.0,
    };
    let big = Spot {
        half_w: 40.0,
        ..small(100.0)
    };
    assert_eq!(along_spots(small(0.0), big, 0).x, 8.0);
    assert_eq!(along_spots(small(0.0), big, 1000).x, 60.0);
}

#[test]
fn names_and_headlines_are_cut_to_their_box() {
    assert_eq!(
        Scale::Full.headline_chars(),
        20,
        "what headlines are written for"
    );
    assert_eq!(
        fit_chars("LEADER · gen 2", Scale::Full.headline_chars()),
        ("LEADER · gen 2".to_string(), false)
    );
    let (cut, was_cut) = fit_chars("map 7 #2, reduce 0 #1", Scale::Brief.headline_chars());
    assert!(was_cut && cut.ends_with('…'), "{cut}");
    assert_eq!(cut.chars().count(), Scale::Brief.headline_chars());
    let brief = Scale::Brief.headline_chars();
    let (cut, was_cut) = fit_middle("hlc 09:00:00.044+1", brief);
    assert!(
        was_cut && cut.starts_with("hlc") && cut.ends_with("044+1"),
        "{cut}"
    );
    assert_eq!(cut.chars().count(), brief);
    assert_eq!(
        fit_middle("LEADER·gen 2", brief),
        ("LEADER·gen 2".into(), false)
    );
    for scale in [Scale::Full, Scale::Brief, Scale::Medium] {
        let (half_w, _) = scale.half();
        let across = scale.headline_chars() as f64 * HEADLINE_CHAR_WIDTH;
        assert!(across + 8.0 <= 2.0 * half_w, "{scale:?}: {across}");
    }
}
