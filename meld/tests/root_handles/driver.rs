//! The host side of `root_handles`: a driver calling root exports by name
//! and logging what they return (handles by ownership only) or that they
//! trapped, and a host providing the resource `file` of `test:host/files`.

use super::common::files::{self, File};
use wasmtime::Store;
use wasmtime::component::{Instance, Linker, Resource, Val};

/// A store, an instance and a log of the calls made through it.
pub struct Driver<T: 'static> {
    pub store: Store<T>,
    instance: Instance,
}

impl<T: Log> Driver<T> {
    pub fn new(linker: &Linker<T>, bytes: &[u8], data: T) -> wasmtime::Result<Self> {
        let (store, instance) = files::instantiate(linker, bytes, data)?;
        Ok(Driver { store, instance })
    }

    /// Calls root export `name`, logging its result or trap (with `what`
    /// describing the arguments); returns the result, `None` on a trap.
    pub fn call(&mut self, name: &str, what: &str, args: &[Val]) -> wasmtime::Result<Option<Val>> {
        let f = (self.instance.get_func(&mut self.store, name))
            .ok_or_else(|| wasmtime::format_err!("no export {name}"))?;
        let mut out = vec![Val::Bool(false); f.ty(&self.store).results().len()];
        let outcome = f.call(&mut self.store, args, &mut out);
        let line = match &outcome {
            Ok(()) => format!("{name}({what}) = {}", out.first().map_or("()".into(), show)),
            // wasmtime reports some misuse as errors, meld as traps.
            Err(_) => format!("{name}({what}) trapped"),
        };
        let line = self.store.data_mut().note(line);
        self.store.data_mut().log().push(line);
        Ok(outcome.ok().and(out.pop()))
    }

    /// Drops `handle` from the host, logging whether wasmtime allowed it
    /// (not while it is lent).
    pub fn drop_handle(&mut self, what: &str, handle: &Val) -> wasmtime::Result<()> {
        let Val::Resource(r) = handle else {
            wasmtime::bail!("{what} is not a handle: {handle:?}")
        };
        let outcome = match r.resource_drop(&mut self.store) {
            Ok(()) => "ok".to_string(),
            Err(e) => format!("{e}"),
        };
        let line = format!("host drops {what}: {outcome}");
        self.store.data_mut().log().push(line);
        Ok(())
    }
}

/// Store data keeping a log.
pub trait Log {
    fn log(&mut self) -> &mut Vec<String>;
    /// Completes a call's log line.
    fn note(&mut self, line: String) -> String {
        line
    }
}

impl Log for Vec<String> {
    fn log(&mut self) -> &mut Vec<String> {
        self
    }
}

/// `n` u32 arguments counting from `from`.
pub fn numbers(from: u32, n: u32) -> impl Iterator<Item = Val> {
    (from..from + n).map(Val::U32)
}

/// `v` for the log: handles by ownership (`Debug` would print wasmtime's
/// internal indices).
fn show(v: &Val) -> String {
    let all = |vs: &[Val]| vs.iter().map(show).collect::<Vec<_>>().join(", ");
    match v {
        Val::Resource(r) if r.owned() => "own".to_string(),
        Val::Resource(_) => "borrow".to_string(),
        Val::Tuple(vs) => format!("({})", all(vs)),
        Val::List(vs) => format!("[{}]", all(vs)),
        Val::Option(None) => "none".to_string(),
        Val::Option(Some(v)) => format!("some({})", show(v)),
        Val::U32(x) => x.to_string(),
        other => format!("{other:?}"),
    }
}

/// The host: the files' host (its log and each live file's number) and
/// the reads so far (not logged one by one: a list has 20 000).
#[derive(Default)]
pub struct Host {
    pub host: files::Host,
    reads: u32,
}

impl AsMut<files::Host> for Host {
    fn as_mut(&mut self) -> &mut files::Host {
        &mut self.host
    }
}

impl Log for Host {
    fn log(&mut self) -> &mut Vec<String> {
        &mut self.host.log
    }
    fn note(&mut self, line: String) -> String {
        format!("{line} after {} reads", self.reads)
    }
}

/// A linker with the host's `test:host/files`: `file` (logging its
/// destructor) and its `read` (the file's number plus one).
fn host() -> wasmtime::Result<Linker<Host>> {
    files::linker::<Host>(|files| {
        files.func_wrap("[method]file.read", |mut cx, (f,): (Resource<File>,)| {
            let host = cx.data_mut();
            host.reads += 1;
            let n = host.host.files.get(&f.rep()).copied();
            Ok((n.map_or(0, |n| n + 1),))
        })
    })
}

impl Driver<Host> {
    /// A host file of number `n`, as a handle to pass to the guest.
    pub fn file(&mut self, n: u32) -> wasmtime::Result<Val> {
        files::file(&mut self.store, n, "host")
    }

    pub fn host(bytes: &[u8]) -> wasmtime::Result<Self> {
        Driver::new(&host()?, bytes, Host::default())
    }

    /// The log, once driving is done.
    pub fn into_log(self) -> Vec<String> {
        self.store.into_data().host.log
    }
}
