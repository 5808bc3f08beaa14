;; A core module whose `.debug_info` is not DWARF (custom sections are not
;; validated): with debug info kept (the default) the conversion fails,
;; naming the core instance and `--debug-info strip`.
(component
  (core module $m
    (@custom ".debug_info" "\ff\ff\ff\ff\01")
    (func (export "f") (result i32) (i32.const 1)))
  (core instance $i (instantiate $m))
  (func (export "f") (result u32) (canon lift (core func $i "f"))))
