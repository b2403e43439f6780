//! The views. Each takes plain data and a `Callback<Command>`; none mutates the model.

pub mod actions;
pub mod catalog;
pub mod charts;
pub mod compare;
pub mod controls;
pub mod diagram;
pub mod diagram_panel;
pub mod diagram_tools;
pub mod embed;
pub mod guide;
pub mod help;
pub mod inspector;
pub mod lineage;
pub mod log;
pub mod notices;
pub mod path;
pub mod plots;
pub mod properties;
pub mod query;
pub mod settings;
pub mod stage;
pub mod stage_parts;
pub mod status;
pub mod tables;
pub mod timeline;
pub mod transfer;
