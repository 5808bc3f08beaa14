#[wit_bindgen_opaque::opaque_rep]
pub struct TwoFields(u32, u32);

fn main() {}
