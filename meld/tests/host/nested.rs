//! The host functions of `test:host/files` that pass handles inside
//! compound types (`nested-handles.wat`), defined with dynamic values.

use super::common::files::{Host, file as new_file, rep};
use wasmtime::component::{LinkerInstance, Val};

/// Defines `open`, `list-files`, `pick`, `give` and `wrap`.
pub fn define(files: &mut LinkerInstance<'_, Host>) -> wasmtime::Result<()> {
    files.func_new("open", |mut cx, _, params, results| {
        let Val::U32(n) = params[0] else {
            wasmtime::bail!("open: {params:?}")
        };
        results[0] = if n == 0 {
            cx.data_mut().log.push("open(0) = err".to_string());
            Val::Result(Err(Some(Box::new(Val::Enum("not-found".into())))))
        } else {
            Val::Result(Ok(Some(Box::new(new_file(&mut cx, n, "open")?))))
        };
        Ok(())
    })?;
    files.func_new("list-files", |mut cx, _, params, results| {
        let Val::U32(n) = params[0] else {
            wasmtime::bail!("list-files: {params:?}")
        };
        let list = (0..n)
            .map(|i| new_file(&mut cx, 10 * n + i, "list-files"))
            .collect::<wasmtime::Result<Vec<_>>>()?;
        results[0] = Val::List(list);
        Ok(())
    })?;
    files.func_new("pick", |mut cx, _, params, results| {
        let picked = match &params[0] {
            Val::Option(Some(f)) => Some(rep(&mut cx, f)?),
            _ => None,
        };
        cx.data_mut().log.push(format!("pick({picked:?})"));
        results[0] = Val::U32(picked.map_or(0, |(r, _)| 1000 + r));
        Ok(())
    })?;
    files.func_new("give", |mut cx, _, params, results| {
        let Val::Tuple(fields) = &params[0] else {
            wasmtime::bail!("give: {params:?}")
        };
        let Val::U32(n) = fields[0] else {
            wasmtime::bail!("give: {params:?}")
        };
        let (r, owned) = rep(&mut cx, &fields[1])?;
        let file = cx.data_mut().files.remove(&r);
        cx.data_mut()
            .log
            .push(format!("give({n}, rep {r}, owned {owned}) = {file:?}"));
        results[0] = Val::U32(n + r);
        Ok(())
    })?;
    files.func_new("wrap", |mut cx, _, params, results| {
        let Val::U32(n) = params[0] else {
            wasmtime::bail!("wrap: {params:?}")
        };
        let f = new_file(&mut cx, n, "wrap")?;
        results[0] = Val::Record(vec![("f".to_string(), f)]);
        Ok(())
    })?;
    Ok(())
}
