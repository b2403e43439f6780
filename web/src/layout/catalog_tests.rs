//! Every story's stage, as it opens, at the desktop and the phone width: no drawn link
//! passes through a third node's box, and no two nodes (with their captions) overlap.

use std::collections::BTreeSet;

use playground_core::patterns::Registry;
use playground_core::sim::node::NodeId;
use playground_core::Session;

use super::flat::{clear, footprints, inside};
use super::stage::link_ends;
use super::{Scale, StageLayout, PHONE_STAGE_WIDTH, STAGE_WIDTH};

/// What is wrong with one story's stage at `width`, if anything.
fn fault(id: &str, width: f64) -> Option<String> {
    let registry = Registry::standard();
    let run = registry.start(&Session::new(id, 1)).ok()?;
    let nodes = run.scenario().nodes(run.config());
    let roles: Vec<&str> = nodes.iter().map(|n| n.role).collect();
    let topology = run.engine().topology();
    let layout = StageLayout::new(&roles, topology, &BTreeSet::new(), width);
    let small_flat = topology.groups().is_empty() && Scale::for_nodes(roles.len()) == Scale::Full;
    let ends = link_ends(&roles, topology, small_flat);
    let feet = footprints(&roles, &layout.nodes, layout.scale, layout.walls);
    if !inside(&feet, layout.width, layout.height) {
        return Some(format!("{id} at {width}: a node leaves the stage"));
    }
    if layout.width > width {
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

/// Stories whose nodes outside every group still have a link drawn through one of them
/// (a row of clients or balancers, each linked to many nodes below) in every arrangement
/// the packer tries. Left to do; each entry must still fail, so fixing one means
/// removing it here.
const KNOWN: [&str; 4] = [
    "balance-stale-load",
    "gateway-spof",
    "pods-readiness",
    "pods-node-failure",
];

#[test]
fn no_story_draws_a_link_through_a_node_or_nodes_over_each_other() {
    let registry = Registry::standard();
    let faults: Vec<String> = registry
        .scenarios()
        .iter()
        .filter(|s| !KNOWN.contains(&s.id()))
        .flat_map(|s| [STAGE_WIDTH, PHONE_STAGE_WIDTH].map(|w| fault(s.id(), w)))
        .flatten()
        .collect();
    for id in KNOWN {
        let still = [STAGE_WIDTH, PHONE_STAGE_WIDTH]
            .iter()
            .any(|&w| fault(id, w).is_some());
        assert!(still, "{id} passes now: take it off the known list");
    }
    assert!(
        faults.is_empty(),
        "{} faults:\n{}",
        faults.len(),
        faults.join("\n")
    );
}
