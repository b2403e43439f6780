//! Every switch a story offers teaches something: at the story's default seed and
//! parameters, the run holds every guarantee with all switches on, and switching any one
//! offered switch off breaks at least one guarantee at a named event. (Each pattern's own
//! tests pin which guarantee and which event; this test keeps a new story or switch from
//! offering a switch that breaks nothing.)

use playground_core::sim::checker::PropertyKind;
use playground_core::{Registry, Session};

/// The guarantees a run of `session` breaks, as `(property, trace line of the event)`.
fn broken(registry: &Registry, session: &Session) -> Vec<(&'static str, String)> {
    let mut run = registry.start(session).expect("the session starts");
    run.engine_mut().run_to_end(2_000_000);
    let engine = run.engine();
    engine
        .properties()
        .iter()
        .zip(engine.violations())
        .filter(|(p, _)| p.kind == PropertyKind::Guarantee)
        .filter_map(|(p, v)| v.map(|v| (p.id, engine.trace_line(v.event))))
        .collect()
}

#[test]
fn every_offered_switch_breaks_a_guarantee_at_the_default_seed() {
    let registry = Registry::standard();
    let mut checked = 0;
    for story in registry.scenarios() {
        let on = Session::new(story.id(), 1);
        assert_eq!(
            broken(&registry, &on),
            Vec::new(),
            "{} breaks a guarantee with every switch on",
            story.id()
        );
        for switch in story.offered_switches() {
            let off = on.clone().with_switch_off(switch.name);
            let breaches = broken(&registry, &off);
            assert!(
                !breaches.is_empty(),
                "{} offers `{}`, but switching it off breaks no guarantee at seed 1",
                story.id(),
                switch.name
            );
            assert!(breaches.iter().all(|(_, line)| !line.is_empty()));
            checked += 1;
        }
    }
    // Every pattern offers a switch in at least one story.
    assert!(checked >= registry.patterns().len(), "{checked} switches");
}
