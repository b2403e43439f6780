//! The whole app, mounted in headless Chrome and driven by `data-testid`.

#![cfg(target_arch = "wasm32")]

#[path = "support/page.rs"]
mod page;

use std::time::Duration;

use page::{document, fire, open, settle, Page};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;
use yew::platform::time::sleep;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn shows_catalog_stage_diagram_invariants_and_caption() {
    let page = open("").await;
    for id in [
        "catalog",
        "stage",
        "diagram",
        "invariants",
        "log",
        "about",
        "caption",
        "node-s1",
    ] {
        assert!(page.find(id).is_some(), "{id} is shown");
    }
    assert!(page.text("about").contains("Lamport clock"));
    assert!(page
        .text("caption")
        .contains("wall clock runs 40 ms behind"));
    assert!(
        page.search(&["s=v1~lamport-skew~seed.1"])
            .await
            .contains("s=v1~lamport-skew~seed.1"),
        "the address holds the session"
    );
}

#[wasm_bindgen_test]
async fn step_step_back_play_and_scrub() {
    let page = open("").await;
    assert_eq!(page.step(), 0);
    page.click("step-forward").await;
    page.click("step-forward").await;
    assert_eq!(page.step(), 2);
    page.click("step-back").await;
    assert_eq!(page.step(), 1);
    page.set_input("scrubber", "20000", "input").await;
    assert!(page.text("time").starts_with("t = 20.000ms"));
    let at_20 = page.step();
    assert!(at_20 > 5);
    page.click("play").await;
    sleep(Duration::from_millis(400)).await;
    page.click("play").await;
    assert!(page.step() >= at_20);
    assert!(
        !page.text("time").starts_with("t = 20.000ms"),
        "playing moved the cursor"
    );
}

#[wasm_bindgen_test]
async fn node_faults_from_the_node_menu() {
    let page = open("").await;
    page.set_input("scrubber", "6000", "input").await;
    page.click("node-s1").await;
    assert!(page.find("node-menu").is_some());
    page.click("crash").await;
    assert_eq!(page.text("node-status"), "crashed");
    assert!(page
        .get("node-s1")
        .get_attribute("class")
        .unwrap()
        .contains("crashed"));
    assert!(
        page.text("node-s1").contains("CRASHED"),
        "not by color alone"
    );
    assert!(
        page.find("info-banner").is_some(),
        "acting in the past says so"
    );
    page.click("restart").await;
    assert_eq!(page.text("node-status"), "up");
    page.click("pause").await;
    assert_eq!(page.text("node-status"), "paused");
    assert!(page.text("node-s1").contains("PAUSED"));
    page.click("resume").await;
    page.click("skew-back").await;
    assert!(page.text("node-menu").contains("skew -10.000 ms"));
    let search = page.search(&["crash.s1", "skew.s1.-10000"]).await;
    assert!(
        search.contains("crash.s1") && search.contains("skew.s1.-10000"),
        "{search}"
    );
}

#[wasm_bindgen_test]
async fn partition_heal_and_message_faults() {
    let page = open("").await;
    page.set_input("scrubber", "6000", "input").await;
    page.click("node-c1").await;
    page.click("toggle-group").await;
    page.click("node-s1").await;
    page.click("toggle-group").await;
    page.click("partition-both").await;
    assert!(page.count("cut-link") >= 2, "cut links are drawn");
    page.click("heal").await;
    assert_eq!(page.count("cut-link"), 0);
    let msg = page
        .root
        .query_selector("[data-testid^=\"msg-\"]")
        .unwrap()
        .expect("a message in flight at 6 ms");
    let id = msg.get_attribute("data-testid").unwrap();
    page.click(&id).await;
    assert!(page.wait_for("message-menu").await.is_some());
    page.click("drop-message").await;
    assert!(
        page.find(&id).is_none(),
        "the dropped message left the stage"
    );
    assert!(page.search(&["drop."]).await.contains("drop."));
}

#[wasm_bindgen_test]
async fn switching_the_mechanism_off_turns_the_guarantee_red() {
    let page = open("").await;
    assert_eq!(
        page.get("property-0").get_attribute("data-status").unwrap(),
        "holds"
    );
    page.click("switch-carry-clock").await;
    assert!(page
        .search(&["off.carry-clock"])
        .await
        .contains("off.carry-clock"));
    assert!(
        !page.text("property-0").contains("VIOLATED"),
        "a breach still ahead is not revealed"
    );
    page.click("run-on-0").await;
    assert_eq!(
        page.get("property-0").get_attribute("data-status").unwrap(),
        "violated"
    );
    assert_eq!(
        page.get("chip-0").get_attribute("data-status").unwrap(),
        "violated",
        "the status strip shows it too"
    );
    assert!(page.text("property-0").contains("VIOLATED"));
    page.reveal("diagram").await;
    assert!(page.count("violation-mark") >= 1, "marked on the diagram");
    assert!(page.count("mark-breaks") >= 1, "marked in the replay table");
}

#[wasm_bindgen_test]
async fn the_address_round_trips_the_session() {
    let first = open("?s=v1~lamport-concurrent~seed.9~4000.crash.s2").await;
    assert!(first.text("about").contains("Concurrent writes"));
    first.set_input("scrubber", "100000", "input").await;
    let end_text = first.text("time");
    let share = first
        .get("share-url")
        .dyn_into::<HtmlInputElement>()
        .unwrap()
        .value();
    assert!(
        share.contains("?s=v1~lamport-concurrent~seed.9~4000.crash.s2&t="),
        "{share}"
    );
    drop(first);
    let query = share.split_once('?').map(|(_, q)| format!("?{q}")).unwrap();
    let second = open(&query).await;
    assert_eq!(second.text("time"), end_text, "opens at the instant shared");
}

#[wasm_bindgen_test]
async fn a_broken_address_shows_a_banner_and_the_default() {
    let page = open("?s=v1~no-such-thing~seed.1").await;
    let banner = page.text("error-banner");
    assert!(
        banner.contains("there is no scenario `no-such-thing`"),
        "{banner}"
    );
    assert!(banner.contains("Showing the default scenario"));
    assert!(page.find("stage").is_some());
    assert!(
        page.search(&["lamport-skew"])
            .await
            .contains("lamport-skew"),
        "the address now holds the fallback"
    );
}

#[wasm_bindgen_test]
async fn embed_mode_shows_one_panel_at_a_time_and_the_controls() {
    let page = open("?embed&s=v1~lamport-concurrent~seed.2").await;
    assert!(page.find("embed").is_some());
    for id in [
        "stage",
        "embed-tab-diagram",
        "embed-tab-invariants",
        "embed-tab-facts",
        "play",
        "scrubber",
    ] {
        assert!(page.find(id).is_some(), "{id} is in the embed");
    }
    for id in [
        "catalog",
        "log",
        "diagram",
        "invariants",
        "share-url",
        "embed-tab-charts",
    ] {
        assert!(page.find(id).is_none(), "{id} is not in the embed");
    }
    page.click("embed-tab-invariants").await;
    assert!(page.find("invariants").is_some() && page.find("stage").is_none());
}

#[wasm_bindgen_test]
async fn the_embed_button_gives_an_iframe_snippet() {
    let page = open("").await;
    page.click("embed").await;
    let snippet = page
        .get("embed-snippet")
        .dyn_into::<web_sys::HtmlTextAreaElement>()
        .unwrap()
        .value();
    assert!(snippet.starts_with("<iframe src=\"") && snippet.contains("?embed&s=v1~lamport-skew"));
}

#[wasm_bindgen_test]
async fn keyboard_steps_and_opens_help() {
    let page = open("").await;
    let key = |k: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(k);
        init.set_bubbles(true);
        let event =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        document().dispatch_event(&event).unwrap();
    };
    // The page listens for keys once its first render's effects have run; after a long
    // suite that can take longer than one settle, so wait for the first step to land.
    key("ArrowRight");
    settle().await;
    for _ in 0..50 {
        if page.step() == 1 {
            break;
        }
        sleep(Duration::from_millis(20)).await;
        if page.step() == 0 {
            key("ArrowRight");
        }
    }
    assert_eq!(page.step(), 1, "{}", page.text("time"));
    key("ArrowRight");
    settle().await;
    assert_eq!(page.step(), 2);
    key("ArrowLeft");
    settle().await;
    assert_eq!(page.step(), 1);
    key("?");
    settle().await;
    assert!(page.text("help").contains("Play or pause"));
    let focused = || {
        document()
            .active_element()
            .and_then(|e| e.get_attribute("data-testid"))
            .unwrap_or_default()
    };
    assert_eq!(focused(), "close-help", "focus moves into the dialog");
    key("Escape");
    settle().await;
    assert!(page.find("help").is_none());
    assert_eq!(focused(), "help-button", "and back to its opener");
}

#[wasm_bindgen_test]
async fn one_way_partition_hold_release_delay_and_link_sliders() {
    let page = open("").await;
    page.set_input("scrubber", "6000", "input").await;
    page.click("node-c1").await;
    page.click("toggle-group").await;
    page.click("partition-oneway").await;
    assert_eq!(
        page.count("cut-link"),
        3,
        "c1 to each of the three others, one way"
    );
    assert!(
        page.text("node-c1").contains("SIDE A") && page.text("node-s1").contains("SIDE B"),
        "each side is written, not only colored: {} / {}",
        page.text("node-c1"),
        page.text("node-s1")
    );
    assert!(page
        .search(&["oneway.c1.c2-s1-s2"])
        .await
        .contains("oneway.c1.c2-s1-s2"));
    page.click("heal").await;

    let first_message = |page: &Page| {
        page.root
            .query_selector("[data-testid^=\"msg-\"]")
            .unwrap()
            .expect("a message in flight")
            .get_attribute("data-testid")
            .unwrap()
    };
    let id = first_message(&page);
    page.click(&id).await;
    page.click("hold-message").await;
    assert!(page.text(&id).contains("❚❚"), "a held message says so");
    page.set_input("scrubber", "30000", "input").await;
    assert!(page.find(&id).is_some(), "still held 24 ms later");
    page.click("release-message").await;
    assert!(page.find(&id).is_none(), "delivered once released");
    let search = page.search(&["hold.", "release."]).await;
    assert!(
        search.contains("hold.") && search.contains("release."),
        "{search}"
    );

    page.set_input("scrubber", "6000", "input").await;
    let id = first_message(&page);
    page.click(&id).await;
    if page.find("message-menu").is_none() {
        page.click(&id).await; // it was still selected from before: that click deselected it
    }
    page.click("delay-message").await;
    assert!(page.search(&["delay."]).await.contains("delay."));

    page.set_input("latency", "40", "change").await;
    page.set_input("loss", "20", "change").await;
    let link = "link.all.all.1000.40000.20.100.0.1";
    let search = page.search(&[link]).await;
    assert!(search.contains(link), "{search}");
    assert!(page.text("settings").contains("Latency up to 40 ms"));
    assert!(page.text("settings").contains("Loss 20 %"));
}

#[wasm_bindgen_test]
async fn the_diagram_pans_and_zooms() {
    let page = open("?s=v1~generation-pause~seed.1").await;
    page.reveal("diagram").await;
    let ticks = |page: &Page| page.text("diagram");
    let before = ticks(&page);
    page.click("pan-later").await;
    assert_ne!(ticks(&page), before, "the window moved");
    page.click("pan-earlier").await;
    page.click("zoom-in").await;
    assert_ne!(ticks(&page), before);
}

#[wasm_bindgen_test]
async fn reads_a_transaction_as_of_a_timestamp_from_the_ui() {
    let page = open("?s=v1~hybrid-transaction~seed.1").await;
    page.set_input("scrubber", "1000000", "input").await;
    assert!(
        page.text("node-s2").contains("hlc "),
        "the hybrid clock is on the stage"
    );
    // s2's wall clock runs 30 ms behind s1's: both are shown under their nodes.
    let wall_ms = |node: &str| -> f64 {
        let text = page.text(node);
        let time = text.split("wall ").nth(1).expect("a wall clock").trim();
        time.rsplit(':').next().unwrap().parse::<f64>().unwrap() * 1000.0
    };
    assert!((wall_ms("node-s1") - wall_ms("node-s2") - 30.0).abs() < 1.5);
    let ask = |value: &'static str| {
        let page = &page;
        async move {
            let input: HtmlInputElement = page.get("query-input").dyn_into().unwrap();
            input.set_value(value);
            fire(&input.form().unwrap(), "submit");
            settle().await;
        }
    };
    // T1 commits at 09:00:00.046587+3 in this run (see tests/golden/hybrid-transaction.txt).
    ask("09:00:00.046587+3").await;
    let at = page.text("query-answer");
    for value in ["x=1 (T1", "y=1 (T1", "z=1 (T1"] {
        assert!(at.contains(value), "{at}");
    }
    ask("09:00:00.046587+2").await;
    let before = page.text("query-answer");
    assert_eq!(before.matches("nothing yet").count(), 3, "{before}");
    ask("nine o'clock").await;
    assert!(page.text("query-error").contains("not a time"));
    // Clocks can be changed live: s3 drifts 1% faster from here on.
    page.set_input("scrubber", "30000", "input").await;
    page.click("node-s3").await;
    let before = page.text("wall-clock");
    page.click("drift-faster").await;
    let after = page.text("wall-clock");
    assert!(
        before.contains("drift +2000 ppm") && after.contains("drift +12000 ppm"),
        "{before} / {after}"
    );
    assert!(page
        .search(&["drift.s3.12000"])
        .await
        .contains("drift.s3.12000"));
}

#[wasm_bindgen_test]
async fn plays_the_lost_response_and_the_retry_is_answered_from_the_session() {
    let page = open("?s=v1~idempotent-lost-response~seed.1").await;
    // Play at 100x until the retry has been answered (at 108 ms).
    page.play_fast_until(|page| page.now_ms() > 110.0).await;
    // Playback stopped (how far past 110 ms depends on the machine's frame time).
    assert!(page.text("play").contains("Play"), "{}", page.text("play"));
    assert!(page.now_ms() > 110.0, "{}", page.text("time"));
    // Playback stops at a frame, maybe past the next request (r3 at ~150 ms under load):
    // look at 110 ms exactly.
    page.set_input("scrubber", "110000", "input").await;
    page.reveal("log").await;
    assert!(
        page.text("log").contains("r2 answered from the session"),
        "{}",
        page.text("log")
    );
    let facts = page.text("facts");
    assert!(facts.contains("Applied more than oncenone"), "{facts}");
    assert!(
        page.text("node-s1").contains("counter 2"),
        "{}",
        page.text("node-s1")
    );
    page.click("switch-keep-sessions").await;
    page.set_input("scrubber", "2000000", "input").await;
    assert!(
        page.text("facts").contains("c1's op 2 ×2"),
        "{}",
        page.text("facts")
    );
    assert_eq!(
        page.get("property-0").get_attribute("data-status").unwrap(),
        "violated"
    );
}

#[wasm_bindgen_test]
async fn plays_the_old_leader_returning_to_its_step_down() {
    let page = open("?s=v1~generation-pause~seed.1").await;
    page.set_input("scrubber", "1000000", "input").await;
    assert!(page.text("node-s1").contains("PAUSED"));
    assert!(
        page.text("node-s1").contains("LEADER · gen 1"),
        "{}",
        page.text("node-s1")
    );
    assert!(
        page.text("node-s2").contains("LEADER · gen 2"),
        "{}",
        page.text("node-s2")
    );
    // Play at 100x through the resume at 1300 ms.
    page.set_input("scrubber", "1290000", "input").await;
    page.play_fast_until(|page| page.text("node-s1").contains("follower"))
        .await;
    assert!(
        page.text("node-s1").contains("follower · gen 2"),
        "{}",
        page.text("node-s1")
    );
    assert!(!page.text("node-s1").contains("PAUSED"));
    assert!(page.text("caption").contains("steps down"));
    // s1's own events, with the routine ones (sends, deliveries) filtered out.
    page.choose("log-node", "1").await;
    page.click("log-kind-sends").await;
    page.click("log-kind-deliveries").await;
    page.reveal("log").await;
    assert!(
        page.text("log").contains("steps down: learned gen 2"),
        "{}",
        page.text("log")
    );
    assert_eq!(
        page.get("property-1").get_attribute("data-status").unwrap(),
        "holds"
    );
}

#[wasm_bindgen_test]
async fn plays_a_data_owner_crash_and_the_client_is_redirected() {
    let page = open("?s=v1~consistent-data-failover~seed.1").await;
    for node in ["node-c1", "node-m1", "node-m3", "node-d1", "node-d6"] {
        assert!(page.find(node).is_some(), "{node} is on the stage");
    }
    page.set_input("scrubber", "300000", "input").await;
    assert!(
        page.text("node-d1").contains("owns p1"),
        "{}",
        page.text("node-d1")
    );
    // Play at 100x through the crash, the lease expiry and the redirected write (about
    // 860 ms).
    page.play_fast_until(|page| page.now_ms() > 950.0).await;
    assert!(page.text("node-d1").contains("CRASHED"));
    let owners = page.text("facts");
    assert!(owners.contains("p1→d2"), "{owners}");
    assert!(
        page.text("node-d2").contains("owns p1"),
        "{}",
        page.text("node-d2")
    );
    // Time travel back to just after the redirected write to read it in the log.
    page.set_input("scrubber", "900000", "input").await;
    page.reveal("log").await;
    assert!(
        page.text("log").contains("wrote p1=2 on d2"),
        "{}",
        page.text("log")
    );
    assert_eq!(
        page.get("property-1").get_attribute("data-status").unwrap(),
        "holds"
    );
}

#[wasm_bindgen_test]
async fn a_paused_page_keeps_the_log_below_the_window_current() {
    let page = open("?s=v1~generation-crash~seed.1").await;
    page.reveal("log").await;
    let window = web_sys::window().unwrap();
    window.scroll_to_with_x_and_y(0.0, 0.0);
    settle().await;
    // The log is well below the window now (else this test would show nothing).
    let top = page.get("log").get_bounding_client_rect().top();
    let height = window.inner_height().unwrap().as_f64().unwrap();
    assert!(
        top > height + 200.0,
        "the log starts at {top}, the window is {height} tall"
    );
    // Paused, a seek redraws it there: find-in-page and screen readers meet the run's
    // present, not the instant it was last seen.
    page.set_input("scrubber", "1450000", "input").await;
    assert!(
        page.text("log").contains("RESTART s1"),
        "{}",
        page.text("log")
    );
}
