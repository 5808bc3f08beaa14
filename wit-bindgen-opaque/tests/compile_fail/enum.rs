#[wit_bindgen_opaque::opaque_rep]
pub enum NotAStruct {
    A(u32),
}

fn main() {}
