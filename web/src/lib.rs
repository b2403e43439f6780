//! The playground's browser front end: Yew components over the simulation core.
//!
//! `main.rs` only mounts [`App`]; everything else lives here so `wasm-bindgen-test` can
//! mount components in a real browser.

mod app;

pub use app::App;
