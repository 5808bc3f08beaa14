;; An invalid core function body: a block typed by type 9 in a module with
;; one type. Fused after it, the second module's types make index 9 exist
;; in the fused module, so the output validates: meld must still reject
;; the input (it does not validate). Minimized by hand from the issue's
;; description of the mutated-fixture finding.
(component
  (core module $bad
    (func (export "f") (block (type 9))))
  (core module $many
    (type (func)) (type (func)) (type (func)) (type (func))
    (type (func)) (type (func)) (type (func)) (type (func))
    (type (func)) (type (func)) (type (func)) (type (func))
    (func (export "g") (type 11)))
  (core instance $b (instantiate $bad))
  (core instance $m (instantiate $many))
  (func (export "f") (canon lift (core func $b "f")))
  (func (export "g") (canon lift (core func $m "g"))))
