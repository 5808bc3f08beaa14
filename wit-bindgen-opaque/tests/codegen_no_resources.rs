//! A world with no resources at all compiles.

wit_bindgen_opaque::generate!({ world: "no-resources", path: "tests/wit" });

struct Component;
impl Guest for Component {
    fn run(x: u32) -> u32 {
        x
    }
}
export!(Component);
