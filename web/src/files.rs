//! The browser's side of exports and imports (web glue, like `browser.rs`): offering a
//! file for download through a Blob URL, the drawn diagram as a standalone SVG (its
//! styles inlined), and reading a chosen JSON file with the browser's own parser.

use gloo::events::EventListener;
use wasm_bindgen::{JsCast, JsValue};

use crate::model::ImportFields;

/// Offers `text` as a file named `name` of type `mime`.
pub fn download(name: &str, mime: &str, text: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(name);
    document.body()?.append_child(&link).ok()?;
    link.click();
    link.remove();
    web_sys::Url::revoke_object_url(&url).ok()
}

/// The style properties an SVG file needs to look as the diagram does on the page.
const STYLES: [&str; 14] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
    "visibility",
    "display",
];

/// The SVG namespace.
const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The space-time diagrams on the page as one SVG document, each element carrying its
/// computed style (the page's stylesheet does not travel with the file): run A's alone,
/// or, when `labels` names two runs, both stacked on one time axis under their labels.
pub fn diagram_svg(labels: &[&str]) -> Option<String> {
    let window = web_sys::window()?;
    let document = window.document()?;
    let found = document.query_selector_all("[data-testid=diagram]").ok()?;
    let mut copies = Vec::new();
    for i in 0..found.length().min(labels.len().max(1) as u32) {
        let svg: web_sys::Element = found.item(i)?.dyn_into().ok()?;
        copies.push((styled_copy(&window, &svg)?, view_box(&svg)?));
    }
    let root = match copies.as_slice() {
        [(one, _)] => one.clone(),
        _ => {
            let root = document.create_element_ns(Some(SVG_NS), "svg").ok()?;
            let width = copies.iter().map(|(_, (w, _))| *w).fold(0.0, f64::max);
            let mut y = 0.0;
            for ((copy, (w, h)), label) in copies.iter().zip(labels) {
                let text = document.create_element_ns(Some(SVG_NS), "text").ok()?;
                for (name, value) in [
                    ("x", "4".to_string()),
                    ("y", (y + 16.0).to_string()),
                    ("style", "font:600 14px sans-serif;fill:#222".to_string()),
                ] {
                    text.set_attribute(name, &value).ok()?;
                }
                text.set_text_content(Some(label));
                root.append_child(&text).ok()?;
                for (name, value) in [("y", y + 24.0), ("width", *w), ("height", *h)] {
                    copy.set_attribute(name, &value.to_string()).ok()?;
                }
                root.append_child(copy).ok()?;
                y += 24.0 + h + 12.0;
            }
            root.set_attribute("viewBox", &format!("0 0 {width} {y}"))
                .ok()?;
            root
        }
    };
    root.set_attribute("xmlns", SVG_NS).ok()?;
    let text = web_sys::XmlSerializer::new()
        .ok()?
        .serialize_to_string(&root)
        .ok()?;
    Some(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}\n"
    ))
}

/// An SVG's view box width and height, rounded up to whole units (parsing a float
/// would bring the float parser's tables, about 15 kB, into the bundle).
fn view_box(svg: &web_sys::Element) -> Option<(f64, f64)> {
    let text = svg.get_attribute("viewBox")?;
    let mut numbers = text.split_whitespace().skip(2).map(|n| {
        let (whole, fraction) = n.split_once('.').unwrap_or((n, ""));
        let up = u32::from(fraction.bytes().any(|d| d != b'0'));
        whole.parse::<u32>().ok().map(|w| f64::from(w + up))
    });
    Some((numbers.next()??, numbers.next()??))
}

/// A deep copy of `svg` with every element's computed style inlined.
fn styled_copy(window: &web_sys::Window, svg: &web_sys::Element) -> Option<web_sys::Element> {
    let copy: web_sys::Element = svg.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    let originals = svg.query_selector_all("*").ok()?;
    let copies = copy.query_selector_all("*").ok()?;
    for i in 0..originals.length().min(copies.length()) {
        let (Some(from), Some(to)) = (originals.item(i), copies.item(i)) else {
            continue;
        };
        let (Ok(from), Ok(to)) = (
            from.dyn_into::<web_sys::Element>(),
            to.dyn_into::<web_sys::Element>(),
        ) else {
            continue;
        };
        let Ok(Some(computed)) = window.get_computed_style(&from) else {
            continue;
        };
        let mut style = String::new();
        for name in STYLES {
            if let Ok(value) = computed.get_property_value(name) {
                if !value.is_empty() {
                    style.push_str(name);
                    style.push(':');
                    style.push_str(&value);
                    style.push(';');
                }
            }
        }
        let _ = to.set_attribute("style", &style);
    }
    Some(copy)
}

/// Reads the file chosen in `input` and hands `done` what an import needs from it (or
/// why it could not read it).
pub fn read_export(
    input: &web_sys::HtmlInputElement,
    done: impl Fn(Result<ImportFields, String>) + 'static,
) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    let Ok(reader) = web_sys::FileReader::new() else {
        return done(Err("the browser cannot read files here".to_string()));
    };
    let listener = EventListener::once(&reader, "loadend", {
        let reader = reader.clone();
        move |_| {
            let text = reader.result().ok().and_then(|r| r.as_string());
            done(match text {
                Some(text) => fields(&text),
                None => Err("the browser could not read it".to_string()),
            })
        }
    });
    // The listener lives as long as the reader needs it: it fires once.
    listener.forget();
    if reader.read_as_text(&file).is_err() {
        input.set_value("");
    }
}

/// The fields an import reads, from a JSON text parsed by the browser.
fn fields(text: &str) -> Result<ImportFields, String> {
    let value = js_sys::JSON::parse(text).map_err(|_| "it is not JSON".to_string())?;
    if !value.is_object() {
        return Err("it is not a JSON object".to_string());
    }
    let get = |name: &str| js_sys::Reflect::get(&value, &JsValue::from_str(name)).ok();
    Ok(ImportFields {
        format: get("format").and_then(|v| v.as_string()),
        version: get("version").and_then(|v| v.as_f64()),
        session: get("session").and_then(|v| v.as_string()),
        fingerprint: get("fingerprint").and_then(|v| v.as_string()),
    })
}
