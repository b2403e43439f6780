//! Mounts the playground.
fn main() {}
