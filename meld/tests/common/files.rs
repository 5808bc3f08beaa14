//! The host resource `file` of `test:host/files` as the tests' logging
//! hosts provide it: a marker type, the host's state (its log and each live
//! file's number), and a linker defining `file` with a destructor that
//! logs `drop(rep R) = file N`. Each test binary adds the functions its
//! WAT imports.

use std::collections::HashMap;
use wasmtime::component::{
    Component, Instance, Linker, LinkerInstance, Resource, ResourceType, Val,
};
use wasmtime::{AsContextMut, Store};

/// The host's resource type.
pub struct File;

/// The host's state: the call log and each live file's number.
#[derive(Default)]
pub struct Host {
    /// What the host saw, in order.
    pub log: Vec<String>,
    /// Each live file's number, by rep.
    pub files: HashMap<u32, u32>,
    next: u32,
}

impl Host {
    /// A new file of number `n`, logged as `{what}: new(n) = rep R`;
    /// returns its rep (101, 102, ... in order of creation).
    pub fn new_file(&mut self, n: u32, what: &str) -> u32 {
        self.next += 1;
        let rep = 100 + self.next;
        self.files.insert(rep, n);
        self.log.push(format!("{what}: new({n}) = rep {rep}"));
        rep
    }

    /// The number of the live file `f` names (`None` if it has none),
    /// which the host forgets if `take`; logged as
    /// `{what}(rep R, owned O) = N`.
    pub fn number(&mut self, what: &str, f: &Resource<File>, take: bool) -> Option<u32> {
        let n = if take {
            self.files.remove(&f.rep())
        } else {
            self.files.get(&f.rep()).copied()
        };
        self.log.push(format!(
            "{what}(rep {}, owned {}) = {n:?}",
            f.rep(),
            f.owned()
        ));
        n
    }
}

impl AsMut<Host> for Host {
    fn as_mut(&mut self) -> &mut Host {
        self
    }
}

/// A new file as [`Host::new_file`] makes it, as an own handle to pass to
/// the guest.
pub fn file<T: AsMut<Host> + 'static>(
    mut store: impl AsContextMut<Data = T>,
    n: u32,
    what: &str,
) -> wasmtime::Result<Val> {
    let rep = store.as_context_mut().data_mut().as_mut().new_file(n, what);
    let r = Resource::<File>::new_own(rep).try_into_resource_any(store)?;
    Ok(Val::Resource(r))
}

/// The rep and ownership of a handle of `file` passed to the host.
pub fn rep(store: impl AsContextMut, v: &Val) -> wasmtime::Result<(u32, bool)> {
    let Val::Resource(r) = v else {
        wasmtime::bail!("not a handle: {v:?}")
    };
    let r = r.try_into_resource::<File>(store)?;
    Ok((r.rep(), r.owned()))
}

/// A linker whose `test:host/files` defines `file`, its destructor logging
/// `drop(rep R) = file N` (the number it forgets, `None` if the file was
/// taken already), and what `define` adds.
pub fn linker<T: AsMut<Host> + 'static>(
    define: impl FnOnce(&mut LinkerInstance<'_, T>) -> wasmtime::Result<()>,
) -> wasmtime::Result<Linker<T>> {
    let engine = super::engine()?;
    let mut linker = Linker::<T>::new(&engine);
    let mut files = linker.instance("test:host/files")?;
    files.resource("file", ResourceType::host::<File>(), |mut cx, rep| {
        let host = cx.data_mut().as_mut();
        let n = host.files.remove(&rep);
        host.log.push(format!("drop(rep {rep}) = file {n:?}"));
        Ok(())
    })?;
    define(&mut files)?;
    Ok(linker)
}

/// Defines `[constructor]file`: a new file logged as `ctor`.
pub fn constructor<T: AsMut<Host> + 'static>(
    files: &mut LinkerInstance<'_, T>,
) -> wasmtime::Result<()> {
    files.func_wrap("[constructor]file", |mut cx, (n,): (u32,)| {
        let rep = cx.data_mut().as_mut().new_file(n, "ctor");
        Ok((Resource::<File>::new_own(rep),))
    })
}

/// `bytes` instantiated with `linker` in a new store holding `data`.
pub fn instantiate<T: 'static>(
    linker: &Linker<T>,
    bytes: &[u8],
    data: T,
) -> wasmtime::Result<(Store<T>, Instance)> {
    let component = Component::new(linker.engine(), bytes)?;
    let mut store = Store::new(linker.engine(), data);
    let instance = linker.instantiate(&mut store, &component)?;
    Ok((store, instance))
}
