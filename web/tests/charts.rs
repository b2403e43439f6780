//! In headless Chrome: the metrics charts of a pattern that declares metrics draw their
//! axes, units and legends, and clicking one moves the cursor there.

#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use playground_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::platform::time::sleep;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts the app on the session `query` names; the app stays mounted (one test).
async fn open(query: &str) -> Element {
    let window = web_sys::window().unwrap();
    let path = window.location().pathname().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{query}")),
        )
        .unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    sleep(Duration::from_millis(50)).await;
    root
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn texts(root: &Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.text_content())
        .collect()
}

#[wasm_bindgen_test]
async fn a_chart_has_axes_units_and_a_legend_and_clicking_it_seeks() {
    let root = open("?s=v1~balance-slow-instance~seed.1").await;
    let latency = find(&root, "[data-testid=chart-latency]");
    assert_eq!(
        find(&latency, "[data-testid=chart-unit]")
            .text_content()
            .unwrap(),
        "ms"
    );
    let y_ticks = texts(&latency, "text.y");
    assert!((2..=4).contains(&y_ticks.len()), "{y_ticks:?}");
    assert_eq!(y_ticks[0], "0");
    let x_ticks = texts(&latency, "text.x");
    assert!(
        x_ticks.len() >= 2 && x_ticks[1].ends_with("ms"),
        "{x_ticks:?}"
    );
    let legend = find(&latency, "[data-testid=chart-legend]")
        .text_content()
        .unwrap();
    assert!(legend.contains("p50") && legend.contains("p99"), "{legend}");
    // A counter is a rate; a per-node metric has a strip with its colour scale.
    let served = find(&root, "[data-testid=chart-served]");
    assert_eq!(
        find(&served, "[data-testid=chart-unit]")
            .text_content()
            .unwrap(),
        "requests/s"
    );
    let scale = find(&served, "[data-testid=heat-legend]")
        .text_content()
        .unwrap();
    assert!(
        scale.starts_with("0 ") && scale.ends_with("requests/s"),
        "{scale}"
    );
    assert!(served
        .query_selector("[data-testid=heat-strip] rect")
        .unwrap()
        .is_some());
    // Its rows are named, each of the thirteen nodes (not only the first and the last).
    let rows = texts(&find(&served, "[data-testid=heat-strip]"), "text.y");
    assert_eq!(rows.len(), 13, "{rows:?}");
    assert!(
        rows[0] == "c1" && rows.contains(&"i3".to_string()),
        "{rows:?}"
    );

    // Every chart's cursor starts at 0; a click three quarters across seeks there.
    let time = || find(&root, "[data-testid=time]").text_content().unwrap();
    assert!(time().starts_with("t = 0.000ms"), "{}", time());
    let plot = find(&latency, "[data-testid=chart-plot]");
    let rect = plot.get_bounding_client_rect();
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((rect.left() + rect.width() * 0.75) as i32);
    init.set_client_y((rect.top() + rect.height() / 2.0) as i32);
    let click = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    plot.dispatch_event(&click).unwrap();
    sleep(Duration::from_millis(50)).await;
    assert!(!time().starts_with("t = 0.000ms"), "{}", time());
    let cursors = root
        .query_selector_all("[data-testid=chart-cursor]")
        .unwrap();
    assert_eq!(cursors.length(), 4, "one cursor line per chart");
    for i in 0..cursors.length() {
        let line: Element = cursors.item(i).unwrap().dyn_into().unwrap();
        let x: f64 = line.get_attribute("x1").unwrap().parse().unwrap();
        assert!((x - 270.0).abs() < 3.0, "every cursor at the click: {x}");
    }
    // The readout follows the cursor to the bucket clicked.
    let readout = find(&latency, "[data-testid=chart-readout]")
        .text_content()
        .unwrap();
    assert!(
        readout.contains("p50") && readout.contains(" ms"),
        "{readout}"
    );
}
