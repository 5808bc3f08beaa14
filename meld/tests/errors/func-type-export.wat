(component
  (type $t (func (param "x" u32)))
  (export "t" (type $t)))
