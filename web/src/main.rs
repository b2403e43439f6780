//! Mounts the playground on the page's body.

fn main() {
    playground_web::install_panic_banner();
    yew::Renderer::<playground_web::App>::new().render();
}
