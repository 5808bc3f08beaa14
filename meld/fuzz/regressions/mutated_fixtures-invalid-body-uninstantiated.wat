;; A core module that is never instantiated has an invalid body (a function
;; declared to return i32 returns nothing: "type mismatch: expected i32 but
;; nothing on stack"). The input does not validate; meld fuses it (the
;; module is dropped, so the output validates) instead of rejecting it.
;; Minimized by hand from a `mutated_fixtures` crash (resource_handles.wasm
;; truncated to 23788 bytes, one byte set).
(component
  (core module $never (func (result i32)))
  (core module $m (func (export "f")))
  (core instance $i (instantiate $m))
  (func (export "f") (canon lift (core func $i "f"))))
