;; An invalid core function body: `table.size` of table 5 (the module has one table).
;; The input does not validate; meld must reject it with an error.
;; Minimized by hand from mutated fixtures (`mutated_fixtures` target).
(component
  (core module $m
    (table 1 funcref)
    (memory 1)
    (global i32 (i32.const 0))
    (func (export "f") (drop (table.size 5))))
  (core instance $i (instantiate $m))
  (func (export "f") (canon lift (core func $i "f"))))
