//! Every rule a user can break, checked on the parsed model. All violations are recorded in the
//! [`Ctxt`], so one compile reports them all.

use syn::Visibility;

use super::ast::{Field, Input, Shape, Unfrozen};
use crate::ctxt::Ctxt;
use crate::rules::{Infrastructure, Origin};

pub(crate) fn check(cx: &mut Ctxt, input: &Input<'_>) {
    shape(cx, input);
    derived_debug(cx, input);
    for field in &input.fields {
        private(cx, field);
        name_clashes(cx, input, field);
        frozen_type(cx, field);
        attribute_conflicts(cx, field);
    }
}

/// Only a struct with named fields and no generics can be a context.
fn shape(cx: &mut Ctxt, input: &Input<'_>) {
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            input.generics,
            "a context type cannot be generic: each context type gets its own task-local, and a \
             `static` cannot depend on type parameters or lifetimes; declare one concrete struct \
             with owned field types",
        );
    }
    match input.shape {
        Shape::Named => {}
        Shape::Unnamed => cx.error_spanned_by(
            input.ident,
            "`RequestContext` needs a struct with named fields: each field gets a getter and a \
             builder method named after it, e.g. `struct RequestCtx { request_id: String }`",
        ),
        Shape::Enum(token) => cx.error_spanned_by(
            token,
            "`RequestContext` cannot be derived for an enum: a context is one set of facts about \
             a request; use a struct with named fields (a field may hold an enum)",
        ),
        Shape::Union(token) => cx.error_spanned_by(
            token,
            "`RequestContext` cannot be derived for a union: use a struct with named fields",
        ),
    }
}

/// `#[derive(Debug)]` beside ours would print the fields the derive's `Debug` redacts (and
/// conflict with it).
fn derived_debug(cx: &mut Ctxt, input: &Input<'_>) {
    if let Some(debug) = &input.derives_debug {
        cx.error_spanned_by(
            debug,
            "`RequestContext` already implements `Debug`, printing `#[context(sensitive)]` \
             fields as `<redacted>`: remove this `Debug` derive",
        );
    }
}

fn private(cx: &mut Ctxt, field: &Field<'_>) {
    if !matches!(field.original.vis, Visibility::Inherited) {
        cx.error_spanned_by(
            &field.original.vis,
            format_args!(
                "context fields must stay private: remove this visibility; code reads the field \
                 through the generated getter `{}()`, and nothing can change it",
                field.ident
            ),
        );
    }
}

fn name_clashes(cx: &mut Ctxt, input: &Input<'_>, field: &Field<'_>) {
    let (name, context) = (&field.name, input.ident);
    let clash = if let Some(origin) = field.shadowed_api() {
        match origin {
            Origin::Generated => format!("the generated `{context}::{name}()`"),
            Origin::Trait => format!("`RequestContext::{name}`"),
        }
    } else if !field.has_setter() {
        String::from("the builder's `build()`")
    } else if let Some(optional) = input.fields.iter().find(|other| {
        other.option_of.is_some()
            && input.maybe_setter(other).is_none()
            && format!("maybe_{}", other.name) == *name
    }) {
        format!(
            "the builder method `maybe_{}` of the optional field `{}`",
            optional.name, optional.name
        )
    } else {
        return;
    };
    cx.error_spanned_by(
        field.ident,
        format_args!(
            "a field named `{name}` would clash with {clash} (getters and setters are named \
             after fields): rename the field"
        ),
    );
}

fn attribute_conflicts(cx: &mut Ctxt, field: &Field<'_>) {
    let attrs = &field.attrs;
    if attrs.sensitive.is_some() {
        if let Some(propagate) = attrs.propagate {
            cx.syn_error(syn::Error::new(
                propagate,
                "a `sensitive` field never crosses a process boundary: remove `propagate`, or \
                 `sensitive` if the value is safe to send to other services",
            ));
        }
        if let Some(log) = attrs.log {
            cx.syn_error(syn::Error::new(
                log,
                "a `sensitive` field never appears in logs: remove `log`, or `sensitive` if the \
                 value is safe to log",
            ));
        }
    }
    if attrs.propagate.is_some() && !field.name.is_ascii() {
        cx.error_spanned_by(
            field.ident,
            format_args!(
                "a propagated field is sent under its name, and a W3C baggage key is ASCII: \
                 rename `{}` with ASCII letters, digits and `_`",
                field.name
            ),
        );
    }
    if let (Some(default), Some(_)) = (&attrs.default, field.option_of) {
        cx.syn_error(syn::Error::new(
            default.span,
            "an `Option` field may already be left unset (it is then `None`): remove `default`",
        ));
    }
}

/// Refuses interior mutability and handles to shared state anywhere in a field's type (a context
/// is read-only once built), handles to infrastructure (a dependency of the code, not a fact about
/// the request), and type macros, which the derive cannot see through.
fn frozen_type(cx: &mut Ctxt, field: &Field<'_>) {
    for part in &field.unfrozen {
        let (part, what, advice) = match part {
            Unfrozen::Mutable(part) => (
                part,
                "allows mutation through a shared reference, and a context is read-only once built",
                "store the value itself; state that changes during a request (or a handle to \
                 shared state) is not context: pass it explicitly",
            ),
            Unfrozen::Handle(part) => (
                part,
                "is a handle to shared state (a channel end, a lock guard, a signal), and a \
                 context holds facts about the request, read-only once built",
                "pass the handle explicitly to the code that uses it",
            ),
            Unfrozen::Infrastructure(part, kind) => (
                part,
                match kind {
                    Infrastructure::Connection => {
                        "is a connection to another system (a database, a cache, a broker or a \
                         service: a client, a pool, a pooled connection or a transaction), and a \
                         context holds facts about the request, not the code's dependencies"
                    }
                    Infrastructure::ServiceClient => {
                        "is a client of another service, and a context holds facts about the \
                         request, not the code's dependencies"
                    }
                    Infrastructure::Io => {
                        "is a socket, a listener, a file or a standard stream, and a context \
                         holds facts about the request, not the code's dependencies"
                    }
                    Infrastructure::Task => {
                        "is a handle to a runtime, a task or a thread, and a context holds facts \
                         about the request, not the code's dependencies"
                    }
                },
                "pass the handle as an explicit dependency to the code that uses it (a function \
                 parameter, axum's `State`, a field of the service struct)",
            ),
            Unfrozen::Macro(mac) => {
                cx.error_spanned_by(
                    mac,
                    "the derive cannot see through a type macro: a context refuses interior \
                     mutability, and what the macro expands to is out of sight; write the type \
                     itself",
                );
                continue;
            }
        };
        cx.error_spanned_by(
            part,
            format_args!(
                "`{part}` {what}: {advice}. If `{part}` is a type of your own, write its path \
                 from the crate root (`crate::module::{part}`)"
            ),
        );
    }
}
