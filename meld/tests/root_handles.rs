//! Root exports passing handles in the two shapes that need the boundary
//! module to look into memory, driven from the host with wasmtime's
//! component API (`tests/root_handles/*.wat`):
//!
//! - parameters passed through memory (more than 16 core values: the
//!   lifted function receives one pointer to them, written by the lift into
//!   the callee's memory) holding own and borrow handles of a resource the
//!   composition defines and of a resource imported from the host, with
//!   results returned through memory too;
//! - borrows of a host resource inside lists (empty, one, several with a
//!   repeat, 20 000), which the callee overwrites and frees during the call:
//!   the host's lends must all end with the call, observed by the host
//!   dropping its resources afterwards (wasmtime refuses while one is lent)
//!   and by wasmtime's check that no borrow remains at the end of the call.
//!
//! Keeping a borrow past the call traps in both forms. The composed and the
//! fused (`--component`) forms must observe the same: results (inner handle
//! numbers included), host calls and destructor runs.

use anyhow::{Result, ensure};
use common::files::File;
use common::trial;
use driver::{Driver, Log, numbers};
use libtest_mimic::Arguments;
use wasmtime::component::{Linker, ResourceType, Val};

mod common;
#[path = "root_handles/driver.rs"]
mod driver;

/// The borrows in the long list.
const MANY: usize = 20_000;

fn main() {
    let args = Arguments::from_args();
    let trials = vec![
        trial("root_handles::spilled_defined_handles", spilled_defined),
        trial(
            "root_handles::spilled_defined_borrow_held",
            spilled_defined_held,
        ),
        trial("root_handles::listed_host_borrows", listed_host_borrows),
        trial("root_handles::listed_host_borrow_held", move || {
            held("hold-last", "trapped after 2 reads")
        }),
        trial("root_handles::spilled_host_handles", spilled_host),
        trial("root_handles::spilled_host_borrow_held", move || {
            held("spill-hold", "trapped after 1 reads")
        }),
    ];
    libtest_mimic::run(&args, trials).exit();
}

/// Drives the spilled exports of `spilled.wat` (a resource defined by the
/// composition): own and borrow handles, an option of a borrow and a list
/// of owns among the parameters, an own handle returned through memory.
fn drive_spilled(bytes: &[u8]) -> wasmtime::Result<Vec<String>> {
    let mut d = Driver::new(&Linker::new(&common::engine()?), bytes, Vec::new())?;
    let new = |d: &mut Driver<Vec<String>>, x: u32| {
        d.call("[constructor]r", &format!("{x}"), &[Val::U32(x)])?
            .ok_or_else(|| wasmtime::format_err!("the constructor trapped"))
    };
    let a = new(&mut d, 5)?;
    d.call(
        "spill-own",
        "1..=17, own 5",
        &numbers(1, 17).chain([a]).collect::<Vec<_>>(),
    )?;
    d.call("dropped", "", &[])?;
    let b = new(&mut d, 7)?;
    let args: Vec<Val> = numbers(1, 17).chain([b.clone()]).collect();
    d.call("spill-borrow", "1..=17, borrow 7", &args)?;
    d.call("[method]r.get", "7", std::slice::from_ref(&b))?;
    let (c, e) = (new(&mut d, 9)?, new(&mut d, 11)?);
    let some = Val::Option(Some(Box::new(b.clone())));
    let args: Vec<Val> = [some]
        .into_iter()
        .chain(numbers(1, 14))
        .chain([Val::List(vec![c, e])])
        .collect();
    d.call(
        "spill-mixed",
        "some(borrow 7), 1..=14, [own 9, own 11]",
        &args,
    )?;
    d.call("dropped", "", &[])?;
    let args: Vec<Val> = [Val::Option(None)]
        .into_iter()
        .chain(numbers(2, 14))
        .chain([Val::List(vec![])])
        .collect();
    d.call("spill-mixed", "none, 2..=15, []", &args)?;
    let f = new(&mut d, 13)?;
    let args: Vec<Val> = numbers(3, 17).chain([f]).collect();
    let back = d.call("spill-back", "3..=19, own 13", &args)?;
    let Some(Val::Tuple(back)) = back else {
        wasmtime::bail!("spill-back returned {back:?}")
    };
    d.call("[method]r.get", "returned", &back[..1])?;
    d.drop_handle("returned", &back[0])?;
    d.call("dropped", "", &[])?;
    d.drop_handle("7", &b)?;
    d.call("dropped", "", &[])?;
    Ok(d.store.into_data())
}

fn spilled_defined() -> Result<()> {
    let composed = common::assemble("root_handles", "spilled.wat")?;
    common::composed_and_fused(&composed, drive_spilled, |log| {
        // The sum of the u32s, the leaf's reps × 1000 and the middle's
        // handle numbers × 1 000 000 (of the list's owns: × 100, folded
        // as `r * 7 + rep + 100 * handle`).
        let want = [
            "[constructor]r(5) = own",
            "spill-own(1..=17, own 5) = 1005153",
            "dropped() = 1",
            "[constructor]r(7) = own",
            "spill-borrow(1..=17, borrow 7) = 1007153",
            "[method]r.get(7) = 7",
            "[constructor]r(9) = own",
            "[constructor]r(11) = own",
            "spill-mixed(some(borrow 7), 1..=14, [own 9, own 11]) = 49349919",
            "dropped() = 3",
            "spill-mixed(none, 2..=15, []) = 119",
            "[constructor]r(13) = own",
            "spill-back(3..=19, own 13) = (own, 3000187)",
            "[method]r.get(returned) = 13",
            "host drops returned: ok",
            "dropped() = 4",
            "host drops 7: ok",
            "dropped() = 5",
        ];
        ensure!(*log == want, "{log:#?}");
        Ok(())
    })?;
    Ok(())
}

/// A borrow kept past a spilled call traps.
fn spilled_defined_held() -> Result<()> {
    let composed = common::assemble("root_handles", "spilled.wat")?;
    let drive = |bytes: &[u8]| -> wasmtime::Result<Vec<String>> {
        let mut d = Driver::new(&Linker::new(&common::engine()?), bytes, Vec::new())?;
        let a = d.call("[constructor]r", "5", &[Val::U32(5)])?;
        let a = a.ok_or_else(|| wasmtime::format_err!("the constructor trapped"))?;
        d.call(
            "spill-hold",
            "1..=17, borrow 5",
            &numbers(1, 17).chain([a]).collect::<Vec<_>>(),
        )?;
        Ok(d.store.into_data())
    };
    common::composed_and_fused(&composed, drive, |log| {
        ensure!(
            log.last().is_some_and(|l| l.ends_with("trapped")),
            "{log:#?}"
        );
        Ok(())
    })?;
    Ok(())
}

/// Drives `read-all` of `host-handles.wat` with lists of borrows of host
/// files: empty, one, several with a repeat, many; then drops the files.
fn drive_lists(bytes: &[u8]) -> wasmtime::Result<Vec<String>> {
    let mut d = Driver::host(bytes)?;
    let files = [d.file(1)?, d.file(2)?, d.file(3)?];
    let [f1, f2, f3] = files.clone();
    d.call("read-all", "[]", &[Val::List(vec![])])?;
    d.call("read-all", "[1]", &[Val::List(vec![f1.clone()])])?;
    let several = vec![f1, f2.clone(), f3.clone(), f2];
    d.call("read-all", "[1, 2, 3, 2]", &[Val::List(several)])?;
    d.call("read-all", "[3; MANY]", &[Val::List(vec![f3; MANY])])?;
    d.call("reallocs", "", &[])?;
    for (n, f) in files.iter().enumerate() {
        d.drop_handle(&format!("file {}", n + 1), f)?;
    }
    Ok(d.into_log())
}

fn listed_host_borrows() -> Result<()> {
    let composed = common::assemble("root_handles", "host-handles.wat")?;
    common::composed_and_fused(&composed, drive_lists, |log| {
        // Per borrow: what the host read (the file's number + 1), the
        // reader's handle × 1000 and the front's handle. One `realloc` per
        // list, the empty one included. The host can drop every file
        // afterwards: no lend outlived its call.
        let want = [
            "host: new(1) = rep 101",
            "host: new(2) = rep 102",
            "host: new(3) = rep 103",
            "read-all([]) = 0 after 0 reads",
            "read-all([1]) = 1003 after 1 reads",
            "read-all([1, 2, 3, 2]) = 4022 after 5 reads",
            "read-all([3; MANY]) = 220090000 after 20005 reads",
            "reallocs() = 4 after 20005 reads",
            "host drops file 1: ok",
            "host drops file 2: ok",
            "host drops file 3: ok",
        ];
        ensure!(*log == want, "{log:#?}");
        Ok(())
    })?;
    Ok(())
}

/// Drives `spill` of `host-handles.wat`: an own file, a borrow and a list
/// of borrows among 18 core values; the own file comes back.
fn drive_spill(bytes: &[u8]) -> wasmtime::Result<Vec<String>> {
    let mut d = Driver::host(bytes)?;
    let (f1, f2) = (d.file(1)?, d.file(2)?);
    for (keep, more) in [(4, vec![f2.clone(), f1.clone()]), (5, vec![])] {
        let k = d.file(keep)?;
        let what = format!("own {keep}, borrow 1, {} borrows, 1..=14", more.len());
        let args: Vec<Val> = [k, f1.clone(), Val::List(more)]
            .into_iter()
            .chain(numbers(1, 14))
            .collect();
        let back = d.call("spill", &what, &args)?;
        let Some(Val::Tuple(back)) = back else {
            wasmtime::bail!("spill returned {back:?}")
        };
        if let Val::Resource(r) = &back[1] {
            let host = r.ty() == ResourceType::host::<File>();
            d.store
                .data_mut()
                .log()
                .push(format!("returned: file {host}, owned {}", r.owned()));
        }
        d.drop_handle("returned", &back[1])?;
    }
    d.drop_handle("file 1", &f1)?;
    d.drop_handle("file 2", &f2)?;
    Ok(d.into_log())
}

fn spilled_host() -> Result<()> {
    let composed = common::assemble("root_handles", "host-handles.wat")?;
    common::composed_and_fused(&composed, drive_spill, |log| {
        // What the host read and the front's and reader's handle numbers
        // (see `spill` in the WAT); the own file comes back to the host.
        let want = [
            "host: new(1) = rep 101",
            "host: new(2) = rep 102",
            "host: new(4) = rep 103",
            "spill(own 4, borrow 1, 2 borrows, 1..=14) = (1015391, own) after 3 reads",
            "returned: file true, owned true",
            "drop(rep 103) = file Some(4)",
            "host drops returned: ok",
            "host: new(5) = rep 104",
            "spill(own 5, borrow 1, 0 borrows, 1..=14) = (1001507, own) after 4 reads",
            "returned: file true, owned true",
            "drop(rep 104) = file Some(5)",
            "host drops returned: ok",
            "host drops file 1: ok",
            "host drops file 2: ok",
        ];
        ensure!(*log == want, "{log:#?}");
        Ok(())
    })?;
    Ok(())
}

/// Export `name` keeps a borrow of a host file past the call: both forms
/// trap (`want` ends the call's log line).
fn held(name: &'static str, want: &'static str) -> Result<()> {
    let composed = common::assemble("root_handles", "host-handles.wat")?;
    let drive = move |bytes: &[u8]| -> wasmtime::Result<Vec<String>> {
        let mut d = Driver::host(bytes)?;
        let (f1, f2) = (d.file(1)?, d.file(2)?);
        match name {
            "hold-last" => d.call(name, "[1, 2]", &[Val::List(vec![f1, f2])])?,
            _ => d.call(
                name,
                "borrow 1, 1..=17",
                &[f1].into_iter().chain(numbers(1, 17)).collect::<Vec<_>>(),
            )?,
        };
        Ok(d.into_log())
    };
    common::composed_and_fused(&composed, drive, |log| {
        ensure!(log.last().is_some_and(|l| l.ends_with(want)), "{log:#?}");
        Ok(())
    })?;
    Ok(())
}
