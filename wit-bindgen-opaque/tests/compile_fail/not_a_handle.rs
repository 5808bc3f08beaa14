#[wit_bindgen_opaque::opaque_rep]
pub struct NotAHandle(String);

fn main() {}
