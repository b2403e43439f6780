//! The playground's browser front end: Yew components over the simulation core.
//!
//! `main.rs` only mounts [`App`]; everything lives here so `wasm-bindgen-test` can mount
//! components in a real browser. [`model`] holds the state and commands with no Yew in it,
//! [`layout`] the geometry, [`url`] the address format; all three are tested natively.

mod app;
mod browser;
pub mod components;
mod files;
mod in_view;
pub mod keys;
pub mod layout;
mod logview;
mod memo;
pub mod model;
pub mod url;

pub use app::App;
pub use browser::install_panic_banner;
