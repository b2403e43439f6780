//! Mounts the playground on the page's body.

fn main() {
    yew::Renderer::<playground_web::App>::new().render();
}
