//! The cases are in `tests/ui/`; `tests/ui.rs` runs them with trybuild.
//! Every misuse of the macros fails to compile with an error that reads like advice; every
//! supported form compiles. The `.stderr` files are the user's experience of our errors: they are
//! generated with the toolchain pinned in `rust-toolchain.toml` (`TRYBUILD=overwrite`) and read.
//!
//! [`contexts`] holds contexts declared in this crate, so the cases can use a context the way a
//! service uses one from a shared crate: `context_ui_tests::contexts::RequestCtx`.

pub mod contexts {
    //! Contexts declared in a library crate, for the cases that build and read them from another
    //! crate (`tests/ui/layout/other_crate_*.rs`, `tests/pass/other_crate_context.rs`). The two
    //! share the field name `tenant`.

    use context_runtime::RequestContext;

    /// Facts about one HTTP request; `request_id` crosses process boundaries.
    #[derive(RequestContext)]
    pub struct RequestCtx {
        #[context(propagate)]
        request_id: String,
        tenant: u64,
        user: Option<String>,
    }

    /// Facts about one background job, with a `tenant` field like [`RequestCtx`]'s.
    #[derive(RequestContext)]
    pub struct JobCtx {
        tenant: u64,
        job: String,
    }
}
