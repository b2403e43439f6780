//! Tests of the stage's commands on the load-balancing stories: pattern actions,
//! membership and group faults land in the link and replay; groups fold and cut off.

use std::rc::Rc;

use playground_core::sim::action::Action;
use playground_core::sim::node::NodeStatus;
use playground_core::sim::time::SimTime;

use super::{Command, Playground, Tone};
use crate::layout::{Scale, STAGE_WIDTH};
use crate::url::parse_query;

fn open(session: &str) -> Playground {
    Playground::open(parse_query(&format!("?s={session}")), false)
}

fn status(p: &Playground, name: &str) -> NodeStatus {
    p.snapshot()
        .nodes
        .iter()
        .find(|n| n.name == name)
        .map(|n| n.status)
        .unwrap_or_else(|| panic!("no node {name}"))
}

/// The link the page now holds, opened afresh, gives the same run.
fn replays(p: &mut Playground) -> String {
    let text = p.session().encode();
    let mut again = open(&text);
    assert!(again.notices().is_empty(), "{:?}", again.notices());
    p.apply(Command::Fingerprint);
    again.apply(Command::Fingerprint);
    assert_eq!(p.fingerprint(), again.fingerprint(), "{text}");
    text
}

#[test]
fn a_pattern_action_lands_in_the_link_and_replays() {
    let mut p = open("v1~balance-slow-instance~seed.1");
    p.apply(Command::Scrub(SimTime::from_millis(100)));
    p.apply(Command::Act(Action::Command {
        node: "i3".into(),
        verb: "slow".into(),
        arg: 5,
    }));
    assert!(
        p.notices().iter().all(|n| n.tone != Tone::Error),
        "{:?}",
        p.notices()
    );
    let text = replays(&mut p);
    assert!(text.contains("do.i3.slow.5"), "{text}");
}

#[test]
fn a_refused_pattern_action_says_why_and_changes_nothing() {
    let mut p = open("v1~balance-slow-instance~seed.1");
    let before = p.session().clone();
    p.apply(Command::Act(Action::Command {
        node: "c1".into(),
        verb: "slow".into(),
        arg: 5,
    }));
    let notice = p.notices().last().expect("a notice");
    assert_eq!(notice.tone, Tone::Error);
    assert!(notice.text.contains("instance"), "{}", notice.text);
    assert_eq!(p.session(), &before);
    p.apply(Command::Act(Action::Command {
        node: "i1".into(),
        verb: "slow".into(),
        arg: 99,
    }));
    assert!(p
        .notices()
        .last()
        .unwrap()
        .text
        .contains("between 1 and 50"));
}

#[test]
fn an_absent_node_joins_and_a_present_one_retires() {
    let mut p = open("v1~balance-scale-out~seed.1");
    p.apply(Command::Scrub(SimTime::from_millis(50)));
    assert_eq!(
        status(&p, "i9"),
        NodeStatus::Absent,
        "a spare starts outside"
    );
    p.apply(Command::Act(Action::Join("i9".into())));
    p.apply(Command::Act(Action::Retire("i1".into())));
    p.apply(Command::Scrub(SimTime::from_millis(60)));
    assert_eq!(status(&p, "i9"), NodeStatus::Up);
    assert_eq!(status(&p, "i1"), NodeStatus::Absent);
    let text = replays(&mut p);
    assert!(
        text.contains("join.i9") && text.contains("retire.i1"),
        "{text}"
    );
}

#[test]
fn a_group_crash_takes_every_member_and_replays() {
    let mut p = open("v1~balance-host-failure~seed.1");
    p.apply(Command::Scrub(SimTime::from_millis(100)));
    p.apply(Command::Act(Action::Crash("h1".into())));
    p.apply(Command::StepForward);
    for i in 1..=5 {
        assert_eq!(status(&p, &format!("i{i}")), NodeStatus::Crashed);
    }
    assert_eq!(status(&p, "i6"), NodeStatus::Up, "h2 is another host");
    let text = replays(&mut p);
    assert!(text.contains("crash.h1"), "{text}");
}

#[test]
fn a_group_is_cut_off_from_the_rest_named_briefly() {
    let mut p = open("v1~balance-host-failure~seed.1~p.instances.200");
    p.apply(Command::Scrub(SimTime::from_millis(100)));
    let h1 = p
        .engine()
        .topology()
        .groups()
        .iter()
        .position(|g| g.name == "h1");
    p.apply(Command::IsolateGroup {
        group: h1.unwrap(),
        one_way: false,
    });
    let snap = p.snapshot();
    let i1 = snap.nodes.iter().find(|n| n.name == "i1").unwrap().id;
    let b1 = snap.nodes.iter().find(|n| n.name == "b1").unwrap().id;
    assert!(snap.cut_links.contains(&(b1, i1)) && snap.cut_links.contains(&(i1, b1)));
    let text = replays(&mut p);
    // h1 against the other hosts of its zone, the other zone and the loose nodes.
    assert!(text.len() < 400, "{} characters: {text}", text.len());
    assert!(
        text.contains("h1") && text.contains("z2") && text.contains("b1"),
        "{text}"
    );
}

#[test]
fn the_layout_is_computed_once_and_folds_a_group() {
    let mut p = open("v1~balance-host-failure~seed.1~p.instances.200");
    let layout = p.stage_layout(STAGE_WIDTH);
    assert_eq!(layout.scale, Scale::Compact);
    assert_eq!(layout.nodes.len(), 203);
    for (i, a) in layout.nodes.iter().enumerate() {
        assert!(
            layout.nodes[i + 1..].iter().all(|b| !a.overlaps(b)),
            "node {i} overlaps"
        );
        assert!(a.left() >= 0.0 && a.center.x + a.half_w <= layout.width);
    }
    p.apply(Command::Tick(16.0));
    p.apply(Command::StepForward);
    assert!(
        Rc::ptr_eq(&layout, &p.stage_layout(STAGE_WIDTH)),
        "not per frame"
    );
    let z1 = p
        .engine()
        .topology()
        .groups()
        .iter()
        .position(|g| g.name == "z1")
        .unwrap();
    p.apply(Command::ToggleCollapse(z1));
    let folded = p.stage_layout(STAGE_WIDTH);
    assert!(folded.groups[z1].collapsed && folded.height < layout.height);
    p.apply(Command::ToggleCollapse(z1));
    assert!(!p.stage_layout(STAGE_WIDTH).groups[z1].collapsed);
}

#[test]
fn selecting_a_group_and_a_node_exclude_each_other() {
    let mut p = open("v1~balance-host-failure~seed.1");
    p.apply(Command::SelectGroup(2));
    assert_eq!(p.selected_group(), Some(2));
    p.apply(Command::SelectNode(playground_core::sim::node::NodeId(0)));
    assert_eq!((p.selected_group(), p.selected().is_some()), (None, true));
    p.apply(Command::SelectGroup(2));
    assert_eq!((p.selected_group(), p.selected()), (Some(2), None));
    p.apply(Command::SelectGroup(2));
    assert_eq!(p.selected_group(), None, "again to deselect");
    p.apply(Command::SelectGroup(999));
    assert_eq!(p.selected_group(), None, "no such group");
}
