#[allow(dead_code, clippy::all)]
pub mod test {
    pub mod shapes {
        /// The resource the re-exporter holds a handle to.
        #[allow(dead_code, async_fn_in_trait, unused_imports, clippy::all)]
        pub mod inner {
            #[used]
            #[doc(hidden)]
            static __FORCE_SECTION_REF: fn() = super::super::super::__link_custom_section_describing_imports;
            use super::super::super::_rt;
            #[derive(Debug)]
            #[repr(transparent)]
            pub struct Cell {
                handle: _rt::Resource<Cell>,
            }
            impl Cell {
                #[doc(hidden)]
                pub unsafe fn from_handle(handle: u32) -> Self {
                    Self {
                        handle: unsafe { _rt::Resource::from_handle(handle) },
                    }
                }
                #[doc(hidden)]
                pub fn take_handle(&self) -> u32 {
                    _rt::Resource::take_handle(&self.handle)
                }
                #[doc(hidden)]
                pub fn handle(&self) -> u32 {
                    _rt::Resource::handle(&self.handle)
                }
            }
            unsafe impl _rt::WasmResource for Cell {
                #[inline]
                unsafe fn drop(_handle: u32) {
                    #[cfg(target_arch = "wasm32")]
                    #[link(wasm_import_module = "test:shapes/inner")]
                    unsafe extern "C" {
                        #[link_name = "[resource-drop]cell"]
                        fn drop(_: i32);
                    }
                    #[cfg(not(target_arch = "wasm32"))]
                    unsafe extern "C" fn drop(_: i32) {
                        unreachable!()
                    }
                    unsafe {
                        drop(_handle as i32);
                    }
                }
            }
            impl Cell {
                #[allow(unused_unsafe, clippy::all)]
                #[allow(async_fn_in_trait)]
                pub fn new(v: u32) -> Self {
                    unsafe {
                        #[cfg(target_arch = "wasm32")]
                        #[link(wasm_import_module = "test:shapes/inner")]
                        unsafe extern "C" {
                            #[link_name = "[constructor]cell"]
                            fn wit_import0(_: i32) -> i32;
                        }
                        #[cfg(not(target_arch = "wasm32"))]
                        unsafe extern "C" fn wit_import0(_: i32) -> i32 {
                            unreachable!()
                        }
                        let ret = wit_import0(_rt::as_i32(&v));
                        Cell::from_handle(ret as u32)
                    }
                }
            }
            impl Cell {
                #[allow(unused_unsafe, clippy::all)]
                #[allow(async_fn_in_trait)]
                pub fn get(&self) -> u32 {
                    unsafe {
                        #[cfg(target_arch = "wasm32")]
                        #[link(wasm_import_module = "test:shapes/inner")]
                        unsafe extern "C" {
                            #[link_name = "[method]cell.get"]
                            fn wit_import0(_: i32) -> i32;
                        }
                        #[cfg(not(target_arch = "wasm32"))]
                        unsafe extern "C" fn wit_import0(_: i32) -> i32 {
                            unreachable!()
                        }
                        let ret = wit_import0((self).handle() as i32);
                        ret as u32
                    }
                }
            }
            unsafe impl ::wit_bindgen_opaque::OpaqueRep for Cell {
                fn into_rep(self) -> u32 {
                    self.take_handle()
                }
                unsafe fn from_rep(rep: u32) -> Self {
                    unsafe { Self::from_handle(rep) }
                }
            }
        }
    }
}
#[allow(dead_code, clippy::all)]
pub mod exports {
    pub mod test {
        pub mod shapes {
            /// Every shape an exported resource can appear in.
            #[allow(dead_code, async_fn_in_trait, unused_imports, clippy::all)]
            pub mod outer {
                #[used]
                #[doc(hidden)]
                static __FORCE_SECTION_REF: fn() = super::super::super::super::__link_custom_section_describing_imports;
                use super::super::super::super::_rt;
                #[derive(Debug)]
                #[repr(transparent)]
                pub struct Cell {
                    handle: _rt::Resource<Cell>,
                }
                impl Cell {
                    /// Creates a new resource whose rep is `val`'s rep (its inner
                    /// handle): nothing is allocated.
                    pub fn new<T: GuestCell>(val: T) -> Self {
                        Self::type_guard::<T>();
                        let rep = <T as ::wit_bindgen_opaque::OpaqueRep>::into_rep(val);
                        unsafe {
                            Self::from_handle(
                                T::_resource_new(
                                    ::core::ptr::without_provenance_mut(rep as usize),
                                ),
                            )
                        }
                    }
                    /// Read access to the underlying `T`, rebuilt from the rep
                    /// without taking it (dropping the guard drops nothing).
                    pub fn get<T: GuestCell>(
                        &self,
                    ) -> ::wit_bindgen_opaque::rt::RepGuard<'_, T> {
                        Self::type_guard::<T>();
                        let rep = T::_resource_rep(self.handle()).addr() as u32;
                        unsafe { ::wit_bindgen_opaque::rt::RepGuard::new(rep) }
                    }
                    /// Not available for an opaque-rep resource: calling it is a
                    /// compile error that says why.
                    pub fn get_mut<
                        T: GuestCell + ::wit_bindgen_opaque::rt::GetMutUnsupported<T>,
                    >(&mut self) -> &mut T {
                        unreachable!("`GetMutUnsupported` has no implementations")
                    }
                    /// Consumes this resource and returns the underlying `T`,
                    /// which now owns the inner handle.
                    pub fn into_inner<T: GuestCell>(self) -> T {
                        Self::type_guard::<T>();
                        let rep = T::_resource_rep(self.handle()).addr() as u32;
                        Self::opaque_taken_().mark(rep);
                        drop(self);
                        Self::opaque_taken_().take_if(rep);
                        unsafe { <T as ::wit_bindgen_opaque::OpaqueRep>::from_rep(rep) }
                    }
                    #[doc(hidden)]
                    pub unsafe fn from_handle(handle: u32) -> Self {
                        Self {
                            handle: unsafe { _rt::Resource::from_handle(handle) },
                        }
                    }
                    #[doc(hidden)]
                    pub fn take_handle(&self) -> u32 {
                        _rt::Resource::take_handle(&self.handle)
                    }
                    #[doc(hidden)]
                    pub fn handle(&self) -> u32 {
                        _rt::Resource::handle(&self.handle)
                    }
                    #[doc(hidden)]
                    fn type_guard<T: wit_bindgen::rt::Resource>() {
                        use core::any::TypeId;
                        static mut LAST_TYPE: Option<TypeId> = None;
                        unsafe {
                            assert!(! cfg!(target_feature = "atomics"));
                            let id = TypeId::of::<T>();
                            match LAST_TYPE {
                                Some(ty) => {
                                    assert!(
                                        ty == id, "cannot use two types with this resource type"
                                    )
                                }
                                None => LAST_TYPE = Some(id),
                            }
                        }
                    }
                    #[doc(hidden)]
                    pub unsafe fn dtor<T: GuestCell>(handle: *mut u8) {
                        Self::type_guard::<T>();
                        let rep = handle.addr() as u32;
                        if Self::opaque_taken_().take_if(rep) {
                            return;
                        }
                        drop(unsafe {
                            <T as ::wit_bindgen_opaque::OpaqueRep>::from_rep(rep)
                        });
                    }
                    fn as_ptr<T: GuestCell>(&self) -> *mut T::Rep {
                        Cell::type_guard::<T>();
                        T::_resource_rep(self.handle()).cast()
                    }
                    #[doc(hidden)]
                    fn opaque_taken_() -> &'static ::wit_bindgen_opaque::rt::TakenRep {
                        static TAKEN: ::wit_bindgen_opaque::rt::TakenRep = ::wit_bindgen_opaque::rt::TakenRep::new();
                        &TAKEN
                    }
                }
                /// A borrowed version of [`Cell`] which represents a borrowed value
                /// with the lifetime `'a`.
                #[derive(Debug)]
                #[repr(transparent)]
                pub struct CellBorrow<'a> {
                    rep: ::wit_bindgen_opaque::rt::BorrowedRep,
                    _marker: core::marker::PhantomData<&'a Cell>,
                }
                impl<'a> CellBorrow<'a> {
                    #[doc(hidden)]
                    pub unsafe fn lift(rep: *const u8) -> Self {
                        Self {
                            rep: ::wit_bindgen_opaque::rt::BorrowedRep::new(
                                rep.addr() as u32,
                            ),
                            _marker: core::marker::PhantomData,
                        }
                    }
                    /// Gets access to the underlying `T` in this resource, for as
                    /// long as this borrow is held.
                    pub fn get<T: GuestCell>(&self) -> &T {
                        Cell::type_guard::<T>();
                        unsafe { self.rep.get::<T>() }
                    }
                }
                unsafe impl _rt::WasmResource for Cell {
                    #[inline]
                    unsafe fn drop(_handle: u32) {
                        #[cfg(target_arch = "wasm32")]
                        #[link(wasm_import_module = "[export]test:shapes/outer")]
                        unsafe extern "C" {
                            #[link_name = "[resource-drop]cell"]
                            fn drop(_: i32);
                        }
                        #[cfg(not(target_arch = "wasm32"))]
                        unsafe extern "C" fn drop(_: i32) {
                            unreachable!()
                        }
                        unsafe {
                            drop(_handle as i32);
                        }
                    }
                }
                pub struct Pair {
                    pub a: Cell,
                    pub b: u32,
                }
                impl ::core::fmt::Debug for Pair {
                    fn fmt(
                        &self,
                        f: &mut ::core::fmt::Formatter<'_>,
                    ) -> ::core::fmt::Result {
                        f.debug_struct("Pair")
                            .field("a", &self.a)
                            .field("b", &self.b)
                            .finish()
                    }
                }
                pub enum Which {
                    One(Cell),
                    None,
                }
                impl ::core::fmt::Debug for Which {
                    fn fmt(
                        &self,
                        f: &mut ::core::fmt::Formatter<'_>,
                    ) -> ::core::fmt::Result {
                        match self {
                            Which::One(e) => {
                                f.debug_tuple("Which::One").field(e).finish()
                            }
                            Which::None => f.debug_tuple("Which::None").finish(),
                        }
                    }
                }
                /// A second resource, never opted in (stays boxed).
                #[derive(Debug)]
                #[repr(transparent)]
                pub struct Plain {
                    handle: _rt::Resource<Plain>,
                }
                impl Plain {
                    /// Creates a new resource from the specified representation.
                    ///
                    /// This function will create a new resource handle by moving `val` onto
                    /// the heap and then passing that heap pointer to the component model to
                    /// create a handle. The owned handle is then returned as `Plain`.
                    pub fn new<T: GuestPlain>(val: T) -> Self {
                        Self::type_guard::<T>();
                        let rep = <T::Rep as wit_bindgen::rt::ResourceRep<
                            T,
                        >>::rep_new(val);
                        unsafe {
                            let ptr = T::resource_into_raw_(rep);
                            Self::from_handle(T::_resource_new(ptr.cast()))
                        }
                    }
                    /// Gets access to the underlying `T` which represents this resource.
                    pub fn get<T: GuestPlain>(&self) -> &T {
                        let ptr = self.as_ptr::<T>();
                        unsafe {
                            <T::Rep as wit_bindgen::rt::ResourceRep<T>>::rep_as_ref(ptr)
                        }
                    }
                    /// Gets mutable access to the underlying `T` which represents this
                    /// resource.
                    pub fn get_mut<T: GuestPlain>(&mut self) -> &mut T {
                        let ptr = self.as_ptr::<T>();
                        unsafe {
                            <T::Rep as wit_bindgen::rt::ResourceRep<T>>::rep_as_mut(ptr)
                        }
                    }
                    /// Consumes this resource and returns the underlying `T`.
                    pub fn into_inner<T: GuestPlain>(self) -> T {
                        let ptr = self.as_ptr::<T>();
                        unsafe {
                            <T::Rep as wit_bindgen::rt::ResourceRep<T>>::rep_take(ptr)
                        }
                    }
                    #[doc(hidden)]
                    pub unsafe fn from_handle(handle: u32) -> Self {
                        Self {
                            handle: unsafe { _rt::Resource::from_handle(handle) },
                        }
                    }
                    #[doc(hidden)]
                    pub fn take_handle(&self) -> u32 {
                        _rt::Resource::take_handle(&self.handle)
                    }
                    #[doc(hidden)]
                    pub fn handle(&self) -> u32 {
                        _rt::Resource::handle(&self.handle)
                    }
                    #[doc(hidden)]
                    fn type_guard<T: wit_bindgen::rt::Resource>() {
                        use core::any::TypeId;
                        static mut LAST_TYPE: Option<TypeId> = None;
                        unsafe {
                            assert!(! cfg!(target_feature = "atomics"));
                            let id = TypeId::of::<T>();
                            match LAST_TYPE {
                                Some(ty) => {
                                    assert!(
                                        ty == id, "cannot use two types with this resource type"
                                    )
                                }
                                None => LAST_TYPE = Some(id),
                            }
                        }
                    }
                    #[doc(hidden)]
                    pub unsafe fn dtor<T: GuestPlain>(handle: *mut u8) {
                        Self::type_guard::<T>();
                        unsafe {
                            let _rep = T::resource_from_raw_(handle.cast());
                        }
                    }
                    fn as_ptr<T: GuestPlain>(&self) -> *mut T::Rep {
                        Plain::type_guard::<T>();
                        T::_resource_rep(self.handle()).cast()
                    }
                }
                /// A borrowed version of [`Plain`] which represents a borrowed value
                /// with the lifetime `'a`.
                #[derive(Debug)]
                #[repr(transparent)]
                pub struct PlainBorrow<'a> {
                    rep: *const u8,
                    _marker: core::marker::PhantomData<&'a Plain>,
                }
                impl<'a> PlainBorrow<'a> {
                    #[doc(hidden)]
                    pub unsafe fn lift(rep: *const u8) -> Self {
                        Self {
                            rep,
                            _marker: core::marker::PhantomData,
                        }
                    }
                    /// Gets access to the underlying `T` in this resource.
                    pub fn get<T: GuestPlain>(&self) -> &'a T {
                        let ptr = self.as_ptr::<T>();
                        unsafe {
                            <T::Rep as wit_bindgen::rt::ResourceRep<T>>::rep_as_ref(ptr)
                        }
                    }
                    fn as_ptr<T: GuestPlain>(&self) -> *const T::Rep {
                        Plain::type_guard::<T>();
                        self.rep.cast()
                    }
                }
                unsafe impl _rt::WasmResource for Plain {
                    #[inline]
                    unsafe fn drop(_handle: u32) {
                        #[cfg(target_arch = "wasm32")]
                        #[link(wasm_import_module = "[export]test:shapes/outer")]
                        unsafe extern "C" {
                            #[link_name = "[resource-drop]plain"]
                            fn drop(_: i32);
                        }
                        #[cfg(not(target_arch = "wasm32"))]
                        unsafe extern "C" fn drop(_: i32) {
                            unreachable!()
                        }
                        unsafe {
                            drop(_handle as i32);
                        }
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case, unused_unsafe)]
                pub unsafe fn _export_constructor_cell_cabi<T_: GuestCell>(
                    arg0: i32,
                ) -> i32 {
                    unsafe {
                        #[cfg(target_arch = "wasm32")] _rt::run_ctors_once();
                        let result0 = { Cell::new(T_::new(arg0 as u32)) };
                        (result0).take_handle() as i32
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case, unused_unsafe)]
                pub unsafe fn _export_method_cell_get_cabi<T_: GuestCell>(
                    arg0: *mut u8,
                ) -> i32 {
                    unsafe {
                        #[cfg(target_arch = "wasm32")] _rt::run_ctors_once();
                        let result0 = {
                            T_::get(
                                CellBorrow::lift(
                                        core::ptr::with_exposed_provenance(arg0 as u32 as usize),
                                    )
                                    .get(),
                            )
                        };
                        _rt::as_i32(result0)
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case, unused_unsafe)]
                pub unsafe fn _export_method_cell_set_cabi<T_: GuestCell>(
                    arg0: *mut u8,
                    arg1: i32,
                ) {
                    unsafe {
                        #[cfg(target_arch = "wasm32")] _rt::run_ctors_once();
                        {
                            T_::set(
                                CellBorrow::lift(
                                        core::ptr::with_exposed_provenance(arg0 as u32 as usize),
                                    )
                                    .get(),
                                arg1 as u32,
                            )
                        };
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case, unused_unsafe)]
                pub unsafe fn _export_method_cell_merge_cabi<T_: GuestCell>(
                    arg0: *mut u8,
                    arg1: i32,
                ) -> i32 {
                    unsafe {
                        #[cfg(target_arch = "wasm32")] _rt::run_ctors_once();
                        let result0 = {
                            T_::merge(
                                CellBorrow::lift(
                                        core::ptr::with_exposed_provenance(arg0 as u32 as usize),
                                    )
                                    .get(),
                                CellBorrow::lift(
                                    core::ptr::with_exposed_provenance(arg1 as u32 as usize),
                                ),
                            )
                        };
                        (result0).take_handle() as i32
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case, unused_unsafe)]
                pub unsafe fn _export_static_cell_make_cabi<T_: GuestCell>(
                    arg0: i32,
                ) -> i32 {
                    unsafe {
                        #[cfg(target_arch = "wasm32")] _rt::run_ctors_once();
                        let result0 = { T_::make(arg0 as u32) };
                        (result0).take_handle() as i32
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case, unused_unsafe)]
                pub unsafe fn _export_static_cell_take_cabi<T_: GuestCell>(
                    arg0: i32,
                ) -> i32 {
                    unsafe {
                        #[cfg(target_arch = "wasm32")] _rt::run_ctors_once();
                        let result0 = { T_::take(Cell::from_handle(arg0 as u32)) };
                        _rt::as_i32(result0)
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case, unused_unsafe)]
                pub unsafe fn _export_static_cell_many_cabi<T_: GuestCell>(
                    arg0: *mut u8,
                    arg1: usize,
                ) -> *mut u8 {
                    unsafe {
                        #[cfg(target_arch = "wasm32")] _rt::run_ctors_once();
                        let result2 = {
                            let base1 = arg0;
                            let len1 = arg1;
                            let mut result1 = _rt::Vec::with_capacity(len1);
                            for i in 0..len1 {
                                let base = base1.add(i * 4);
                                let e1 = {
                                    let l0 = *base.add(0).cast::<i32>();
                                    Cell::from_handle(l0 as u32)
                                };
                                result1.push(e1);
                            }
                            _rt::cabi_dealloc(base1, len1 * 4, 4);
                            T_::many(result1)
                        };
                        let ptr3 = (&raw mut _RET_AREA.0).cast::<u8>();
                        let vec4 = result2;
                        let len4 = vec4.len();
                        let layout4 = _rt::alloc::Layout::from_size_align(
                                vec4.len() * 4,
                                4,
                            )
                            .unwrap();
                        let (result4, _cleanup4) = wit_bindgen::rt::Cleanup::new(
                            layout4,
                        );
                        if let Some(cleanup) = _cleanup4 {
                            cleanup.forget();
                        }
                        for (i, e) in vec4.into_iter().enumerate() {
                            let base = result4.add(i * 4);
                            {
                                *base.add(0).cast::<i32>() = (e).take_handle() as i32;
                            }
                        }
                        *ptr3.add(::core::mem::size_of::<*const u8>()).cast::<usize>() = len4;
                        *ptr3.add(0).cast::<*mut u8>() = result4;
                        ptr3
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case)]
                pub unsafe fn __post_return_static_cell_many<T_: GuestCell>(
                    arg0: *mut u8,
                ) {
                    unsafe {
                        let l0 = *arg0.add(0).cast::<*mut u8>();
                        let l1 = *arg0
                            .add(::core::mem::size_of::<*const u8>())
                            .cast::<usize>();
                        let base2 = l0;
                        let len2 = l1;
                        _rt::cabi_dealloc(base2, len2 * 4, 4);
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case, unused_unsafe)]
                pub unsafe fn _export_static_cell_lend_cabi<T_: GuestCell>(
                    arg0: *mut u8,
                    arg1: usize,
                ) -> i32 {
                    unsafe {
                        #[cfg(target_arch = "wasm32")] _rt::run_ctors_once();
                        let result2 = {
                            let base1 = arg0;
                            let len1 = arg1;
                            let mut result1 = _rt::Vec::with_capacity(len1);
                            for i in 0..len1 {
                                let base = base1.add(i * 4);
                                let e1 = {
                                    let l0 = *base.add(0).cast::<i32>();
                                    CellBorrow::lift(
                                        core::ptr::with_exposed_provenance(l0 as u32 as usize),
                                    )
                                };
                                result1.push(e1);
                            }
                            _rt::cabi_dealloc(base1, len1 * 4, 4);
                            T_::lend(result1)
                        };
                        _rt::as_i32(result2)
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case, unused_unsafe)]
                pub unsafe fn _export_pack_cabi<T_: Guest>(
                    arg0: i32,
                    arg1: i32,
                ) -> *mut u8 {
                    unsafe {
                        #[cfg(target_arch = "wasm32")] _rt::run_ctors_once();
                        let result0 = {
                            T_::pack(Pair {
                                a: Cell::from_handle(arg0 as u32),
                                b: arg1 as u32,
                            })
                        };
                        let ptr1 = (&raw mut _RET_AREA.0).cast::<u8>();
                        let Pair { a: a2, b: b2 } = result0;
                        *ptr1.add(0).cast::<i32>() = (a2).take_handle() as i32;
                        *ptr1.add(4).cast::<i32>() = _rt::as_i32(b2);
                        ptr1
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case, unused_unsafe)]
                pub unsafe fn _export_maybe_cabi<T_: Guest>(
                    arg0: i32,
                    arg1: i32,
                ) -> *mut u8 {
                    unsafe {
                        #[cfg(target_arch = "wasm32")] _rt::run_ctors_once();
                        let result0 = {
                            T_::maybe(
                                match arg0 {
                                    0 => None,
                                    1 => {
                                        let e = Cell::from_handle(arg1 as u32);
                                        Some(e)
                                    }
                                    _ => _rt::invalid_enum_discriminant(),
                                },
                            )
                        };
                        let ptr1 = (&raw mut _RET_AREA.0).cast::<u8>();
                        match result0 {
                            Ok(e) => {
                                *ptr1.add(0).cast::<u8>() = (0i32) as u8;
                                *ptr1
                                    .add(::core::mem::size_of::<*const u8>())
                                    .cast::<i32>() = (e).take_handle() as i32;
                            }
                            Err(e) => {
                                *ptr1.add(0).cast::<u8>() = (1i32) as u8;
                                let vec2 = (e.into_bytes()).into_boxed_slice();
                                let ptr2 = vec2.as_ptr().cast::<u8>();
                                let len2 = vec2.len();
                                ::core::mem::forget(vec2);
                                *ptr1
                                    .add(2 * ::core::mem::size_of::<*const u8>())
                                    .cast::<usize>() = len2;
                                *ptr1
                                    .add(::core::mem::size_of::<*const u8>())
                                    .cast::<*mut u8>() = ptr2.cast_mut();
                            }
                        };
                        ptr1
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case)]
                pub unsafe fn __post_return_maybe<T_: Guest>(arg0: *mut u8) {
                    unsafe {
                        let l0 = i32::from(*arg0.add(0).cast::<u8>());
                        match l0 {
                            0 => {}
                            _ => {
                                let l1 = *arg0
                                    .add(::core::mem::size_of::<*const u8>())
                                    .cast::<*mut u8>();
                                let l2 = *arg0
                                    .add(2 * ::core::mem::size_of::<*const u8>())
                                    .cast::<usize>();
                                _rt::cabi_dealloc(l1, l2, 1);
                            }
                        }
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case, unused_unsafe)]
                pub unsafe fn _export_pick_cabi<T_: Guest>(
                    arg0: i32,
                    arg1: i32,
                ) -> *mut u8 {
                    unsafe {
                        #[cfg(target_arch = "wasm32")] _rt::run_ctors_once();
                        let result1 = {
                            let v0 = match arg0 {
                                0 => {
                                    let e0 = Cell::from_handle(arg1 as u32);
                                    Which::One(e0)
                                }
                                n => {
                                    debug_assert_eq!(n, 1, "invalid enum discriminant");
                                    Which::None
                                }
                            };
                            T_::pick(v0)
                        };
                        let ptr2 = (&raw mut _RET_AREA.0).cast::<u8>();
                        match result1 {
                            Which::One(e) => {
                                *ptr2.add(0).cast::<u8>() = (0i32) as u8;
                                *ptr2.add(4).cast::<i32>() = (e).take_handle() as i32;
                            }
                            Which::None => {
                                *ptr2.add(0).cast::<u8>() = (1i32) as u8;
                            }
                        }
                        ptr2
                    }
                }
                #[doc(hidden)]
                #[allow(non_snake_case, unused_unsafe)]
                pub unsafe fn _export_constructor_plain_cabi<T_: GuestPlain>() -> i32 {
                    unsafe {
                        #[cfg(target_arch = "wasm32")] _rt::run_ctors_once();
                        let result0 = { Plain::new(T_::new()) };
                        (result0).take_handle() as i32
                    }
                }
                pub trait Guest {
                    type Cell: GuestCell;
                    type Plain: GuestPlain;
                    #[allow(async_fn_in_trait)]
                    fn pack(p: Pair) -> Pair;
                    #[allow(async_fn_in_trait)]
                    fn maybe(
                        c: ::core::option::Option<Cell>,
                    ) -> ::core::result::Result<Cell, _rt::String>;
                    #[allow(async_fn_in_trait)]
                    fn pick(w: Which) -> Which;
                }
                pub trait GuestCell: wit_bindgen::rt::Resource + ::wit_bindgen_opaque::OpaqueRep {
                    #[doc(hidden)]
                    unsafe fn _resource_new(val: *mut u8) -> u32
                    where
                        Self: Sized,
                    {
                        #[cfg(target_arch = "wasm32")]
                        #[link(wasm_import_module = "[export]test:shapes/outer")]
                        unsafe extern "C" {
                            #[link_name = "[resource-new]cell"]
                            fn new(_: *mut u8) -> i32;
                        }
                        #[cfg(not(target_arch = "wasm32"))]
                        unsafe extern "C" fn new(_: *mut u8) -> i32 {
                            unreachable!()
                        }
                        unsafe { new(val) as u32 }
                    }
                    #[doc(hidden)]
                    fn _resource_rep(handle: u32) -> *mut u8
                    where
                        Self: Sized,
                    {
                        #[cfg(target_arch = "wasm32")]
                        #[link(wasm_import_module = "[export]test:shapes/outer")]
                        unsafe extern "C" {
                            #[link_name = "[resource-rep]cell"]
                            fn rep(_: i32) -> *mut u8;
                        }
                        #[cfg(not(target_arch = "wasm32"))]
                        unsafe extern "C" fn rep(_: i32) -> *mut u8 {
                            unreachable!()
                        }
                        unsafe { rep(handle as i32) }
                    }
                    /// Place this resource's representation into a location with a stable pointer,
                    /// returning a pointer to that location.
                    ///
                    /// This method is used to place `val` on the heap, for example, or possibly in
                    /// an arena. The returned pointer must remain valid for the lifetime of this
                    /// resource. The default implementation of this metho will place `val` onto the
                    /// heap with `Box`. The returned pointer will be deallocated by the sibling
                    /// `resource_from_raw_` function.
                    ///
                    /// # Safety
                    ///
                    /// Note that this method is not `unsafe` to call, but it is `unsafe` to
                    /// define. When overriding this method you must additionally override the
                    /// `resource_from_raw_` to insert an appropriate deallocation for the returned
                    /// pointer. In the future this might become a default associated trait bound,
                    /// but that's not stable in Rust right now.
                    #[doc(hidden)]
                    unsafe fn resource_into_raw_(val: Self::Rep) -> *mut Self::Rep {
                        _rt::Box::into_raw(_rt::Box::new(val))
                    }
                    /// Consumes and deallocates a pointer previously returned by
                    /// `resource_into_raw_`.
                    ///
                    /// This function is used to deallocate resources and allocations associated
                    /// with the allocation routine when creating a resource. The default
                    /// implementation of this method will read `handle`'s value and deallocate it
                    /// as a `Box`.
                    ///
                    /// Note that when overriding this method you'll almost surely want to override
                    /// `resource_into_raw_` as well.
                    ///
                    /// # Safety
                    ///
                    /// This method is only safe to call with pointers previously created by
                    /// `resource_into_raw_`. For more information see `Box::from_raw` for examples.
                    #[doc(hidden)]
                    unsafe fn resource_from_raw_(handle: *mut Self::Rep) -> Self::Rep {
                        *unsafe { _rt::Box::from_raw(handle) }
                    }
                    #[allow(async_fn_in_trait)]
                    fn new(v: u32) -> Self;
                    #[allow(async_fn_in_trait)]
                    fn get(&self) -> u32;
                    #[allow(async_fn_in_trait)]
                    fn set(&self, v: u32) -> ();
                    #[allow(async_fn_in_trait)]
                    fn merge(&self, other: CellBorrow<'_>) -> Cell;
                    #[allow(async_fn_in_trait)]
                    fn make(v: u32) -> Cell;
                    #[allow(async_fn_in_trait)]
                    fn take(c: Cell) -> u32;
                    #[allow(async_fn_in_trait)]
                    fn many(cs: _rt::Vec<Cell>) -> _rt::Vec<Cell>;
                    #[allow(async_fn_in_trait)]
                    fn lend(cs: _rt::Vec<CellBorrow<'_>>) -> u32;
                }
                pub trait GuestPlain: wit_bindgen::rt::Resource {
                    #[doc(hidden)]
                    unsafe fn _resource_new(val: *mut u8) -> u32
                    where
                        Self: Sized,
                    {
                        #[cfg(target_arch = "wasm32")]
                        #[link(wasm_import_module = "[export]test:shapes/outer")]
                        unsafe extern "C" {
                            #[link_name = "[resource-new]plain"]
                            fn new(_: *mut u8) -> i32;
                        }
                        #[cfg(not(target_arch = "wasm32"))]
                        unsafe extern "C" fn new(_: *mut u8) -> i32 {
                            unreachable!()
                        }
                        unsafe { new(val) as u32 }
                    }
                    #[doc(hidden)]
                    fn _resource_rep(handle: u32) -> *mut u8
                    where
                        Self: Sized,
                    {
                        #[cfg(target_arch = "wasm32")]
                        #[link(wasm_import_module = "[export]test:shapes/outer")]
                        unsafe extern "C" {
                            #[link_name = "[resource-rep]plain"]
                            fn rep(_: i32) -> *mut u8;
                        }
                        #[cfg(not(target_arch = "wasm32"))]
                        unsafe extern "C" fn rep(_: i32) -> *mut u8 {
                            unreachable!()
                        }
                        unsafe { rep(handle as i32) }
                    }
                    /// Place this resource's representation into a location with a stable pointer,
                    /// returning a pointer to that location.
                    ///
                    /// This method is used to place `val` on the heap, for example, or possibly in
                    /// an arena. The returned pointer must remain valid for the lifetime of this
                    /// resource. The default implementation of this metho will place `val` onto the
                    /// heap with `Box`. The returned pointer will be deallocated by the sibling
                    /// `resource_from_raw_` function.
                    ///
                    /// # Safety
                    ///
                    /// Note that this method is not `unsafe` to call, but it is `unsafe` to
                    /// define. When overriding this method you must additionally override the
                    /// `resource_from_raw_` to insert an appropriate deallocation for the returned
                    /// pointer. In the future this might become a default associated trait bound,
                    /// but that's not stable in Rust right now.
                    #[doc(hidden)]
                    unsafe fn resource_into_raw_(val: Self::Rep) -> *mut Self::Rep {
                        _rt::Box::into_raw(_rt::Box::new(val))
                    }
                    /// Consumes and deallocates a pointer previously returned by
                    /// `resource_into_raw_`.
                    ///
                    /// This function is used to deallocate resources and allocations associated
                    /// with the allocation routine when creating a resource. The default
                    /// implementation of this method will read `handle`'s value and deallocate it
                    /// as a `Box`.
                    ///
                    /// Note that when overriding this method you'll almost surely want to override
                    /// `resource_into_raw_` as well.
                    ///
                    /// # Safety
                    ///
                    /// This method is only safe to call with pointers previously created by
                    /// `resource_into_raw_`. For more information see `Box::from_raw` for examples.
                    #[doc(hidden)]
                    unsafe fn resource_from_raw_(handle: *mut Self::Rep) -> Self::Rep {
                        *unsafe { _rt::Box::from_raw(handle) }
                    }
                    #[allow(async_fn_in_trait)]
                    fn new() -> Self;
                }
                #[doc(hidden)]
                macro_rules! __export_test_shapes_outer_cabi {
                    ($ty:ident with_types_in $($path_to_types:tt)*) => {
                        const _ : () = { #[unsafe (export_name =
                        "test:shapes/outer#[constructor]cell")] unsafe extern "C" fn
                        export_constructor_cell(arg0 : i32,) -> i32 { unsafe {
                        $($path_to_types)*:: _export_constructor_cell_cabi::<<$ty as
                        $($path_to_types)*:: Guest >::Cell > (arg0) } } #[unsafe
                        (export_name = "test:shapes/outer#[method]cell.get")] unsafe
                        extern "C" fn export_method_cell_get(arg0 : * mut u8,) -> i32 {
                        unsafe { $($path_to_types)*:: _export_method_cell_get_cabi::<<$ty
                        as $($path_to_types)*:: Guest >::Cell > (arg0) } } #[unsafe
                        (export_name = "test:shapes/outer#[method]cell.set")] unsafe
                        extern "C" fn export_method_cell_set(arg0 : * mut u8, arg1 :
                        i32,) { unsafe { $($path_to_types)*::
                        _export_method_cell_set_cabi::<<$ty as $($path_to_types)*:: Guest
                        >::Cell > (arg0, arg1) } } #[unsafe (export_name =
                        "test:shapes/outer#[method]cell.merge")] unsafe extern "C" fn
                        export_method_cell_merge(arg0 : * mut u8, arg1 : i32,) -> i32 {
                        unsafe { $($path_to_types)*::
                        _export_method_cell_merge_cabi::<<$ty as $($path_to_types)*::
                        Guest >::Cell > (arg0, arg1) } } #[unsafe (export_name =
                        "test:shapes/outer#[static]cell.make")] unsafe extern "C" fn
                        export_static_cell_make(arg0 : i32,) -> i32 { unsafe {
                        $($path_to_types)*:: _export_static_cell_make_cabi::<<$ty as
                        $($path_to_types)*:: Guest >::Cell > (arg0) } } #[unsafe
                        (export_name = "test:shapes/outer#[static]cell.take")] unsafe
                        extern "C" fn export_static_cell_take(arg0 : i32,) -> i32 {
                        unsafe { $($path_to_types)*::
                        _export_static_cell_take_cabi::<<$ty as $($path_to_types)*::
                        Guest >::Cell > (arg0) } } #[unsafe (export_name =
                        "test:shapes/outer#[static]cell.many")] unsafe extern "C" fn
                        export_static_cell_many(arg0 : * mut u8, arg1 : usize,) -> * mut
                        u8 { unsafe { $($path_to_types)*::
                        _export_static_cell_many_cabi::<<$ty as $($path_to_types)*::
                        Guest >::Cell > (arg0, arg1) } } #[unsafe (export_name =
                        "cabi_post_test:shapes/outer#[static]cell.many")] unsafe extern
                        "C" fn _post_return_static_cell_many(arg0 : * mut u8,) { unsafe {
                        $($path_to_types)*:: __post_return_static_cell_many::<<$ty as
                        $($path_to_types)*:: Guest >::Cell > (arg0) } } #[unsafe
                        (export_name = "test:shapes/outer#[static]cell.lend")] unsafe
                        extern "C" fn export_static_cell_lend(arg0 : * mut u8, arg1 :
                        usize,) -> i32 { unsafe { $($path_to_types)*::
                        _export_static_cell_lend_cabi::<<$ty as $($path_to_types)*::
                        Guest >::Cell > (arg0, arg1) } } #[unsafe (export_name =
                        "test:shapes/outer#pack")] unsafe extern "C" fn export_pack(arg0
                        : i32, arg1 : i32,) -> * mut u8 { unsafe { $($path_to_types)*::
                        _export_pack_cabi::<$ty > (arg0, arg1) } } #[unsafe (export_name
                        = "test:shapes/outer#maybe")] unsafe extern "C" fn
                        export_maybe(arg0 : i32, arg1 : i32,) -> * mut u8 { unsafe {
                        $($path_to_types)*:: _export_maybe_cabi::<$ty > (arg0, arg1) } }
                        #[unsafe (export_name = "cabi_post_test:shapes/outer#maybe")]
                        unsafe extern "C" fn _post_return_maybe(arg0 : * mut u8,) {
                        unsafe { $($path_to_types)*:: __post_return_maybe::<$ty > (arg0)
                        } } #[unsafe (export_name = "test:shapes/outer#pick")] unsafe
                        extern "C" fn export_pick(arg0 : i32, arg1 : i32,) -> * mut u8 {
                        unsafe { $($path_to_types)*:: _export_pick_cabi::<$ty > (arg0,
                        arg1) } } #[unsafe (export_name =
                        "test:shapes/outer#[constructor]plain")] unsafe extern "C" fn
                        export_constructor_plain() -> i32 { unsafe { $($path_to_types)*::
                        _export_constructor_plain_cabi::<<$ty as $($path_to_types)*::
                        Guest >::Plain > () } } const _ : () = { #[doc(hidden)] #[unsafe
                        (export_name = "test:shapes/outer#[dtor]cell")]
                        #[allow(non_snake_case)] unsafe extern "C" fn dtor(rep : * mut
                        u8) { unsafe { $($path_to_types)*:: Cell::dtor::< <$ty as
                        $($path_to_types)*:: Guest >::Cell > (rep) } } }; const _ : () =
                        { #[doc(hidden)] #[unsafe (export_name =
                        "test:shapes/outer#[dtor]plain")] #[allow(non_snake_case)] unsafe
                        extern "C" fn dtor(rep : * mut u8) { unsafe {
                        $($path_to_types)*:: Plain::dtor::< <$ty as $($path_to_types)*::
                        Guest >::Plain > (rep) } } }; };
                    };
                }
                #[doc(hidden)]
                pub(crate) use __export_test_shapes_outer_cabi;
                #[cfg_attr(target_pointer_width = "64", repr(align(8)))]
                #[cfg_attr(target_pointer_width = "32", repr(align(4)))]
                struct _RetArea(
                    [::core::mem::MaybeUninit<
                        u8,
                    >; 3 * ::core::mem::size_of::<*const u8>()],
                );
                static mut _RET_AREA: _RetArea = _RetArea(
                    [::core::mem::MaybeUninit::uninit(); 3
                        * ::core::mem::size_of::<*const u8>()],
                );
            }
        }
    }
}
mod _rt {
    #![allow(dead_code, unused_imports, clippy::all)]
    use core::fmt;
    use core::marker;
    use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
    /// A type which represents a component model resource, either imported or
    /// exported into this component.
    ///
    /// This is a low-level wrapper which handles the lifetime of the resource
    /// (namely this has a destructor). The `T` provided defines the component model
    /// intrinsics that this wrapper uses.
    ///
    /// One of the chief purposes of this type is to provide `Deref` implementations
    /// to access the underlying data when it is owned.
    ///
    /// This type is primarily used in generated code for exported and imported
    /// resources.
    #[repr(transparent)]
    pub struct Resource<T: WasmResource> {
        handle: AtomicU32,
        _marker: marker::PhantomData<T>,
    }
    /// A trait which all wasm resources implement, namely providing the ability to
    /// drop a resource.
    ///
    /// This generally is implemented by generated code, not user-facing code.
    #[allow(clippy::missing_safety_doc)]
    pub unsafe trait WasmResource {
        /// Invokes the `[resource-drop]...` intrinsic.
        unsafe fn drop(handle: u32);
    }
    impl<T: WasmResource> Resource<T> {
        #[doc(hidden)]
        pub unsafe fn from_handle(handle: u32) -> Self {
            debug_assert!(handle != 0 && handle != u32::MAX);
            Self {
                handle: AtomicU32::new(handle),
                _marker: marker::PhantomData,
            }
        }
        /// Takes ownership of the handle owned by `resource`.
        ///
        /// Note that this ideally would be `into_handle` taking `Resource<T>` by
        /// ownership. The code generator does not enable that in all situations,
        /// unfortunately, so this is provided instead.
        ///
        /// Also note that `take_handle` is in theory only ever called on values
        /// owned by a generated function. For example a generated function might
        /// take `Resource<T>` as an argument but then call `take_handle` on a
        /// reference to that argument. In that sense the dynamic nature of
        /// `take_handle` should only be exposed internally to generated code, not
        /// to user code.
        #[doc(hidden)]
        pub fn take_handle(resource: &Resource<T>) -> u32 {
            resource.handle.swap(u32::MAX, Relaxed)
        }
        #[doc(hidden)]
        pub fn handle(resource: &Resource<T>) -> u32 {
            resource.handle.load(Relaxed)
        }
    }
    impl<T: WasmResource> fmt::Debug for Resource<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("Resource").field("handle", &self.handle).finish()
        }
    }
    impl<T: WasmResource> Drop for Resource<T> {
        fn drop(&mut self) {
            unsafe {
                match self.handle.load(Relaxed) {
                    u32::MAX => {}
                    other => T::drop(other),
                }
            }
        }
    }
    pub fn as_i32<T: AsI32>(t: T) -> i32 {
        t.as_i32()
    }
    pub trait AsI32 {
        fn as_i32(self) -> i32;
    }
    impl<'a, T: Copy + AsI32> AsI32 for &'a T {
        fn as_i32(self) -> i32 {
            (*self).as_i32()
        }
    }
    impl AsI32 for i32 {
        #[inline]
        fn as_i32(self) -> i32 {
            self as i32
        }
    }
    impl AsI32 for u32 {
        #[inline]
        fn as_i32(self) -> i32 {
            self as i32
        }
    }
    impl AsI32 for i16 {
        #[inline]
        fn as_i32(self) -> i32 {
            self as i32
        }
    }
    impl AsI32 for u16 {
        #[inline]
        fn as_i32(self) -> i32 {
            self as i32
        }
    }
    impl AsI32 for i8 {
        #[inline]
        fn as_i32(self) -> i32 {
            self as i32
        }
    }
    impl AsI32 for u8 {
        #[inline]
        fn as_i32(self) -> i32 {
            self as i32
        }
    }
    impl AsI32 for char {
        #[inline]
        fn as_i32(self) -> i32 {
            self as i32
        }
    }
    impl AsI32 for usize {
        #[inline]
        fn as_i32(self) -> i32 {
            self as i32
        }
    }
    #[cfg(target_arch = "wasm32")]
    pub fn run_ctors_once() {
        wit_bindgen::rt::run_ctors_once();
    }
    pub use alloc_crate::vec::Vec;
    pub unsafe fn cabi_dealloc(ptr: *mut u8, size: usize, align: usize) {
        if size == 0 {
            return;
        }
        unsafe {
            let layout = alloc::Layout::from_size_align_unchecked(size, align);
            alloc::dealloc(ptr, layout);
        }
    }
    pub use alloc_crate::alloc;
    pub unsafe fn invalid_enum_discriminant<T>() -> T {
        if cfg!(debug_assertions) {
            panic!("invalid enum discriminant")
        } else {
            unsafe { core::hint::unreachable_unchecked() }
        }
    }
    pub use alloc_crate::string::String;
    pub use alloc_crate::boxed::Box;
    extern crate alloc as alloc_crate;
}
/// Generates `#[unsafe(no_mangle)]` functions to export the specified type as
/// the root implementation of all generated traits.
///
/// For more information see the documentation of `wit_bindgen::generate!`.
///
/// ```rust
/// # macro_rules! export{ ($($t:tt)*) => (); }
/// # trait Guest {}
/// struct MyType;
///
/// impl Guest for MyType {
///     // ...
/// }
///
/// export!(MyType);
/// ```
#[allow(unused_macros)]
#[doc(hidden)]
macro_rules! __export_reexporter_impl {
    ($ty:ident) => {
        crate ::bindings::export!($ty with_types_in crate ::bindings);
    };
    ($ty:ident with_types_in $($path_to_types_root:tt)*) => {
        $($path_to_types_root)*::
        exports::test::shapes::outer::__export_test_shapes_outer_cabi!($ty with_types_in
        $($path_to_types_root)*:: exports::test::shapes::outer);
    };
}
#[doc(inline)]
pub(crate) use __export_reexporter_impl as export;
#[cfg(target_arch = "wasm32")]
#[unsafe(
    link_section = "component-type:wit-bindgen:0.61.1:test:shapes:reexporter:encoded world"
)]
#[doc(hidden)]
#[allow(clippy::octal_escapes)]
pub static __WIT_BINDGEN_COMPONENT_TYPE: [u8; 711] = *b"\
\0asm\x0d\0\x01\0\0\x19\x16wit-component-encoding\x04\0\x07\xc6\x04\x01A\x02\x01\
A\x04\x01B\x07\x04\0\x04cell\x03\x01\x01i\0\x01@\x01\x01vy\0\x01\x04\0\x11[const\
ructor]cell\x01\x02\x01h\0\x01@\x01\x04self\x03\0y\x04\0\x10[method]cell.get\x01\
\x04\x03\0\x11test:shapes/inner\x05\0\x01B$\x04\0\x04cell\x03\x01\x01i\0\x01r\x02\
\x01a\x01\x01by\x04\0\x04pair\x03\0\x02\x01q\x02\x03one\x01\x01\0\x04none\0\0\x04\
\0\x05which\x03\0\x04\x04\0\x05plain\x03\x01\x01@\x01\x01vy\0\x01\x04\0\x11[cons\
tructor]cell\x01\x07\x01h\0\x01@\x01\x04self\x08\0y\x04\0\x10[method]cell.get\x01\
\x09\x01@\x02\x04self\x08\x01vy\x01\0\x04\0\x10[method]cell.set\x01\x0a\x01@\x02\
\x04self\x08\x05other\x08\0\x01\x04\0\x12[method]cell.merge\x01\x0b\x04\0\x11[st\
atic]cell.make\x01\x07\x01@\x01\x01c\x01\0y\x04\0\x11[static]cell.take\x01\x0c\x01\
p\x01\x01@\x01\x02cs\x0d\0\x0d\x04\0\x11[static]cell.many\x01\x0e\x01p\x08\x01@\x01\
\x02cs\x0f\0y\x04\0\x11[static]cell.lend\x01\x10\x01i\x06\x01@\0\0\x11\x04\0\x12\
[constructor]plain\x01\x12\x01@\x01\x01p\x03\0\x03\x04\0\x04pack\x01\x13\x01k\x01\
\x01j\x01\x01\x01s\x01@\x01\x01c\x14\0\x15\x04\0\x05maybe\x01\x16\x01@\x01\x01w\x05\
\0\x05\x04\0\x04pick\x01\x17\x04\0\x11test:shapes/outer\x05\x01\x04\0\x16test:sh\
apes/reexporter\x04\0\x0b\x10\x01\0\x0areexporter\x03\0\0\0G\x09producers\x01\x0c\
processed-by\x02\x0dwit-component\x070.258.3\x10wit-bindgen-rust\x060.61.1";
#[inline(never)]
#[doc(hidden)]
pub fn __link_custom_section_describing_imports() {
    wit_bindgen::rt::maybe_link_cabi_realloc();
}
const _: () = {
    #[cfg(target_arch = "wasm32")]
    #[unsafe(link_section = "wit-bindgen-opaque")]
    #[used]
    static __WIT_BINDGEN_OPAQUE_REPS: [u8; 44usize] = *b"wit-bindgen-opaque 1\ntest:shapes/outer#cell\n";
};
