// The body of the out-of-line module of `../on_mod_without_body.rs` (not a case of its own).
pub fn enqueue() {}
