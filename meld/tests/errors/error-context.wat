(component
  (core func $drop (canon error-context.drop))
  (core module $m (import "" "drop" (func (param i32))))
  (core instance $i (instantiate $m (with "" (instance (export "drop" (func $drop)))))))
