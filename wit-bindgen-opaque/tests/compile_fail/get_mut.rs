wit_bindgen_opaque::generate!({
    world: "reexporter",
    inline: "
        package test:mini;
        interface inner { resource cell { constructor(v: u32); } }
        interface outer { resource cell { constructor(v: u32); get: func() -> u32; } }
        world reexporter { import inner; export outer; }
    ",
    opaque_reps: ["test:mini/outer/cell"],
});

use exports::test::mini::outer::Cell;

#[wit_bindgen_opaque::opaque_rep]
pub struct MyCell(test::mini::inner::Cell);

pub fn poke(c: &mut Cell) {
    let _ = c.get_mut::<MyCell>();
}

fn main() {}
