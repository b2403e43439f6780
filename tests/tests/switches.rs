//! Every switch a story offers teaches something: at the story's default seed and
//! parameters, the run holds every guarantee with all switches on, and switching any one
//! offered switch off breaks at least one guarantee at a named event. (Each pattern's own
//! tests pin which guarantee and which event; this test keeps a new story or switch from
//! offering a switch that breaks nothing.)

use playground_core::{Registry, Session};
use playground_tests::guarantee_breaches;

#[test]
fn every_offered_switch_breaks_a_guarantee_at_the_default_seed() {
    let registry = Registry::standard();
    let mut checked = 0;
    for story in registry.scenarios() {
        let on = Session::new(story.id(), 1);
        assert!(
            guarantee_breaches(&registry, &on).is_empty(),
            "{} breaks a guarantee with every switch on",
            story.id()
        );
        for switch in story.offered_switches() {
            let off = on.clone().with_switch_off(switch.name);
            let breaches = guarantee_breaches(&registry, &off);
            assert!(
                !breaches.is_empty(),
                "{} offers `{}`, but switching it off breaks no guarantee at seed 1",
                story.id(),
                switch.name
            );
            assert!(breaches.iter().all(|b| !b.line.is_empty()));
            checked += 1;
        }
    }
    // Every pattern offers a switch in at least one story.
    assert!(checked >= registry.patterns().len(), "{checked} switches");
}
