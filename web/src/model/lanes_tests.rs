//! Tests of the diagram's lanes on the "balance-host-failure" story: lanes ordered by
//! group, a collapsed group folded into one lane with its members' events, the arrows
//! inside it dropped, and the lanes computed once per collapsed set.

use std::rc::Rc;

use playground_core::sim::node::NodeId;
use playground_core::sim::time::SimTime;

use super::{Command, Playground};
use crate::url::parse_query;

fn open(session: &str) -> Playground {
    Playground::open(parse_query(&format!("?s={session}")), false)
}

fn group(p: &Playground, name: &str) -> usize {
    p.engine()
        .topology()
        .groups()
        .iter()
        .position(|g| g.name == name)
        .unwrap_or_else(|| panic!("no group {name}"))
}

fn node(p: &Playground, name: &str) -> NodeId {
    let i = p.engine().names().iter().position(|n| n == name);
    NodeId(i.unwrap_or_else(|| panic!("no node {name}")) as u32)
}

/// The events and arrows of the whole run (the window opened over all of it).
fn whole_run(p: &Playground) -> (Vec<playground_core::sim::run::EventInfo>, Vec<super::Arrow>) {
    let events = p.events_between(SimTime::ZERO, p.end().plus_micros(1));
    let arrows = p.arrows(&events);
    (events, arrows)
}

#[test]
fn lanes_are_ordered_by_group_and_loose_nodes_by_role() {
    let p = open("v1~balance-host-failure~seed.1");
    let lanes = p.lanes();
    let names = p.engine().names();
    assert_eq!(lanes.len(), names.len(), "nothing folded: a lane per node");
    let topology = p.engine().topology();
    // Loose nodes (clients, balancers) first, then every group's members together.
    let grouped: Vec<Option<usize>> = (0..lanes.len())
        .map(|lane| {
            let i = lanes.of_node.iter().position(|&l| l == lane).unwrap();
            topology.group_of(NodeId(i as u32))
        })
        .collect();
    let first_grouped = grouped.iter().position(Option::is_some).unwrap();
    assert!(grouped[..first_grouped].iter().all(Option::is_none));
    for w in grouped[first_grouped..].windows(3) {
        assert!(
            !(w[0] == w[2] && w[0] != w[1]),
            "a group's lanes are together: {grouped:?}"
        );
    }
    // Zone z1's hosts (h1, h3, …) come before zone z2's, though hosts alternate zones.
    let (h1, h2, h3) = (group(&p, "h1"), group(&p, "h2"), group(&p, "h3"));
    let lane_of_first = |g: usize| lanes.bands.iter().find(|b| b.group == g).unwrap().first;
    assert!(lane_of_first(h1) < lane_of_first(h3) && lane_of_first(h3) < lane_of_first(h2));
    let z1 = lanes
        .bands
        .iter()
        .find(|b| b.group == group(&p, "z1"))
        .unwrap();
    assert_eq!((z1.depth, z1.label.as_str()), (0, "zone z1"));
    assert!(lanes.bands.iter().any(|b| b.group == h1 && b.depth == 1));
}

#[test]
fn a_collapsed_group_maps_its_members_to_one_lane_and_drops_arrows_inside_it() {
    let mut p = open("v1~balance-host-failure~seed.1");
    let h1 = group(&p, "h1");
    let (_, open_arrows) = whole_run(&p);
    let members = p.engine().topology().members(h1, p.engine().names().len());
    assert_eq!(members.len(), 5);
    let before = p.lanes().len();

    p.apply(Command::ToggleCollapse(h1));
    let lanes = p.lanes();
    assert_eq!(lanes.len(), before - 4, "five members, one lane");
    let lane = lanes.lane_of(members[0]);
    assert!(members.iter().all(|&m| lanes.lane_of(m) == lane));
    assert_eq!(lanes.lanes[lane].name, "host h1 (5)");
    assert_eq!(lanes.lanes[lane].group, Some(h1));
    assert!(
        lanes.bands.iter().all(|b| b.group != h1),
        "a folded group has no bracket"
    );
    let b1 = lanes.lane_of(node(&p, "b1"));
    assert_ne!(b1, lane);

    let (events, arrows) = whole_run(&p);
    let on_lane = events
        .iter()
        .filter(|e| e.node.is_some_and(|n| lanes.lane_of(n) == lane))
        .count();
    assert!(
        on_lane > 0,
        "the members' events are drawn on the group's lane"
    );
    // Arrows between a member and the balancer end on the group's lane; none is drawn
    // from the group's lane to itself.
    assert!(arrows
        .iter()
        .any(|a| a.to_lane == lane && a.from_lane == b1));
    assert!(arrows
        .iter()
        .all(|a| a.to_lane < lanes.len() && a.from_lane < lanes.len()));
    let inside = |a: &super::Arrow| {
        let msg = p.engine().message(a.msg).unwrap();
        members.contains(&msg.from) && members.contains(&msg.to)
    };
    assert!(!arrows.iter().any(inside));
    assert_eq!(
        arrows.len(),
        open_arrows.len() - open_arrows.iter().filter(|a| inside(a)).count(),
        "only the arrows inside the group are dropped"
    );
}

#[test]
fn folding_a_zone_folds_its_hosts_and_the_lanes_are_computed_once() {
    let mut p = open("v1~balance-host-failure~seed.1~p.instances.200");
    let lanes = p.lanes();
    assert_eq!(lanes.len(), 203);
    p.apply(Command::Tick(16.0));
    p.apply(Command::StepForward);
    assert!(Rc::ptr_eq(&lanes, &p.lanes()), "not per frame");

    let (z1, z2, h1) = (group(&p, "z1"), group(&p, "z2"), group(&p, "h1"));
    p.apply(Command::ToggleCollapse(h1));
    p.apply(Command::ToggleCollapse(z1));
    let folded = p.lanes();
    assert!(Rc::ptr_eq(&folded, &p.lanes()));
    let zone = folded
        .lanes
        .iter()
        .position(|l| l.group == Some(z1))
        .unwrap();
    assert_eq!(folded.lanes[zone].name, "zone z1 (100)");
    assert!(
        folded.lanes.iter().all(|l| l.group != Some(h1)),
        "a host inside a folded zone folds with it"
    );
    assert_eq!(folded.lane_of(node(&p, "i1")), zone);
    p.apply(Command::ToggleCollapse(z2));
    assert_eq!(p.lanes().len(), 3 + 2, "the loose nodes and two zones");
    // The stage folds the same groups.
    let layout = p.stage_layout(crate::layout::STAGE_WIDTH);
    assert!(layout.groups[z1].collapsed && layout.groups[z2].collapsed);
}

#[test]
fn a_run_without_groups_keeps_a_lane_per_node() {
    let p = open("v1~lamport-skew~seed.1");
    let lanes = p.lanes();
    assert_eq!(lanes.len(), p.engine().names().len());
    assert!(lanes.bands.is_empty() && lanes.lanes.iter().all(|l| l.group.is_none()));
}
