;; A type-only export whose type is declared after the first definition: meld cannot carry it.
(component
  (core module $m (func (export "get") (result i32) i32.const 42))
  (core instance $i (instantiate $m))
  (func (export "get") (result u32) (canon lift (core func $i "get")))
  (type $iface (instance (export "g" (func (result u32)))))
  (export "iface" (type $iface)))
