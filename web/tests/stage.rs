//! The stage's group boxes and a pattern action's form, mounted alone in headless Chrome
//! on a 200-node fixture (built here, never in the catalog), clicked as a person would.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::time::Duration;

use playground_core::sim::action::Action;
use playground_core::sim::clock::WallTime;
use playground_core::sim::network::LinkConfig;
use playground_core::sim::node::{NodeId, NodeStatus, TROUBLE};
use playground_core::sim::scenario::{ParamSpec, VerbSpec};
use playground_core::sim::snapshot::{NodeSnapshot, Snapshot};
use playground_core::sim::time::SimTime;
use playground_core::sim::topology::Topology;
use playground_core::Registry;
use playground_web::components::actions::{VerbForm, VerbFormProps};
use playground_web::components::stage::{Stage, StageProps};
use playground_web::layout::{StageLayout, STAGE_WIDTH};
use playground_web::model::Command;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};
use yew::platform::time::sleep;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Twenty clients and a balancer, then 3 zones of 12 hosts of 5 instances (201 nodes).
fn fleet() -> (Vec<&'static str>, Topology) {
    let mut roles = vec!["client"; 20];
    roles.push("balancer");
    let mut t = Topology::default();
    for z in 1..=3 {
        let zone = t.group(format!("z{z}"), "zone", None);
        for h in 1..=12 {
            let host = t.group(format!("h{z}-{h}"), "host", Some(zone));
            for _ in 0..5 {
                t.place(NodeId(roles.len() as u32), host);
                roles.push("instance");
            }
        }
    }
    (roles, t)
}

fn snapshot(roles: &[&'static str]) -> Snapshot {
    let nodes = roles
        .iter()
        .enumerate()
        .map(|(i, role)| NodeSnapshot {
            id: NodeId(i as u32),
            name: format!("n{i}"),
            role,
            status: match i {
                22 => NodeStatus::Crashed,
                200 => NodeStatus::Absent,
                _ => NodeStatus::Up,
            },
            wall_clock: WallTime(0),
            skew_us: 0,
            drift_ppm: 0,
            headline: "ok".to_string(),
            fields: if i == 30 {
                vec![(TROUBLE, "fails every request (500)".to_string())]
            } else {
                Vec::new()
            },
            busy: u32::from(i == 20),
            queued: if i == 20 { 3 } else { 0 },
            timers: Vec::new(),
        })
        .collect();
    Snapshot {
        time: SimTime::ZERO,
        steps: 0,
        events: 0,
        nodes,
        in_flight: Vec::new(),
        cut_links: Vec::new(),
        facts: Vec::new(),
        link: LinkConfig::default(),
        tables: Vec::new(),
        plots: Vec::new(),
    }
}

fn mount<C: BaseComponent>(props: C::Properties) -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    root
}

fn find(root: &Element, testid: &str) -> Element {
    root.query_selector(&format!("[data-testid=\"{testid}\"]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no {testid}"))
}

fn click(element: &Element) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    element.dispatch_event(&event).unwrap();
}

async fn settle() {
    sleep(Duration::from_millis(30)).await;
}

fn recorder() -> (Rc<RefCell<Vec<Command>>>, Callback<Command>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    (seen, Callback::from(move |c| sink.borrow_mut().push(c)))
}

#[wasm_bindgen_test]
async fn group_boxes_fold_select_and_count_their_members() {
    let (roles, topology) = fleet();
    let (seen, on) = recorder();
    let stage = |collapsed: BTreeSet<usize>, on: Callback<Command>| StageProps {
        snapshot: Rc::new(snapshot(&roles)),
        layout: Rc::new(StageLayout::new(
            &roles,
            &topology,
            &[],
            &collapsed,
            STAGE_WIDTH,
        )),
        pattern: Registry::standard().patterns()[0],
        selected: None,
        selected_msg: None,
        selected_group: None,
        group: BTreeSet::new(),
        path: None,
        on,
    };
    let root = mount::<Stage>(stage(BTreeSet::new(), on.clone()));
    settle().await;
    // Every group is a labelled box; every node is drawn, small, with its text on hover.
    assert_eq!(
        find(&root, "collapse-h1-1").text_content().unwrap(),
        "▾ host h1-1"
    );
    assert_eq!(root.query_selector_all(".group").unwrap().length(), 39);
    assert_eq!(
        root.query_selector_all(".node.compact").unwrap().length(),
        201
    );
    let title = find(&root, "node-n20")
        .query_selector("title")
        .unwrap()
        .unwrap();
    assert_eq!(
        title.text_content().unwrap(),
        "n20 (balancer), up, ok, 1 busy, 3 queued"
    );
    assert!(
        find(&root, "queue-n20").is_connected(),
        "a queue bar on a node with work"
    );
    // A node up but in trouble is marked even drawn small, and says what is wrong.
    let failing = find(&root, "node-n30");
    assert!(failing.get_attribute("class").unwrap().contains("trouble"));
    assert!(failing.text_content().unwrap().contains('⚠'));
    assert!(failing
        .get_attribute("aria-label")
        .unwrap()
        .contains("fails every request"));
    let healthy = find(&root, "node-n31");
    assert!(!healthy.get_attribute("class").unwrap().contains("trouble"));
    let absent = find(&root, "node-n200");
    assert!(absent.get_attribute("class").unwrap().contains("absent"));
    assert!(absent.text_content().unwrap().contains("not in the run"));
    // The label folds; the box selects.
    click(&find(&root, "collapse-h1-1"));
    click(&find(&root, "group-select-h1-1"));
    assert_eq!(
        *seen.borrow(),
        [Command::ToggleCollapse(1), Command::SelectGroup(1)],
        "the label folds without also selecting"
    );
    // Folded: one box with its count, its members not drawn.
    let root = mount::<Stage>(stage(BTreeSet::from([1]), on));
    settle().await;
    let folded = find(&root, "group-h1-1");
    assert!(folded.get_attribute("class").unwrap().contains("collapsed"));
    assert!(
        folded.text_content().unwrap().contains("5 nodes · 4 up"),
        "n22 crashed"
    );
    assert!(root
        .query_selector("[data-testid=\"node-n22\"]")
        .unwrap()
        .is_none());
    assert_eq!(root.query_selector_all(".node").unwrap().length(), 196);
}

#[wasm_bindgen_test]
async fn a_verb_form_applies_its_argument_from_the_slider() {
    let (seen, on) = recorder();
    let spec = VerbSpec {
        name: "slow",
        label: "Slow down",
        help: "Each request takes this many times longer.",
        roles: &["instance"],
        arg: Some(ParamSpec {
            name: "factor",
            label: "Factor",
            min: 2,
            max: 20,
            default: 10,
            unit: "×",
            step: 2,
        }),
    };
    let root = mount::<VerbForm>(VerbFormProps {
        node: "i7".into(),
        spec,
        on,
    });
    settle().await;
    let form = find(&root, "verb-slow");
    assert!(form.text_content().unwrap().contains("Each request takes"));
    let slider: HtmlInputElement = find(&root, "verb-arg-slow").dyn_into().unwrap();
    assert_eq!(
        (slider.min(), slider.max(), slider.value()),
        ("2".into(), "20".into(), "10".into())
    );
    slider.set_value("14");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let input = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    slider.dispatch_event(&input).unwrap();
    settle().await;
    assert!(form.text_content().unwrap().contains("14 ×"));
    click(&find(&root, "verb-apply-slow"));
    assert_eq!(
        *seen.borrow(),
        [Command::Act(Action::Command {
            node: "i7".into(),
            verb: "slow".into(),
            arg: 14
        })]
    );
}
