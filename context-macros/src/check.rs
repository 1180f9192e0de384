//! Every rule a user can break, checked on the parsed model. All violations are recorded in the
//! [`Ctxt`], so one compile reports them all.

use syn::Visibility;

use crate::ast::{Field, Input};
use crate::ctxt::Ctxt;

pub(crate) fn check(cx: &mut Ctxt, input: &Input<'_>) {
    for field in &input.fields {
        private(cx, field);
        name_clashes(cx, input, field);
        frozen_type(cx, field);
        attribute_conflicts(cx, field);
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
    let clash = if !field.has_getter() {
        if [
            "builder",
            "extract",
            "from_baggage",
            "inject",
            "write_baggage",
        ]
        .contains(&name.as_str())
        {
            format!("the generated `{context}::{name}()`")
        } else {
            format!("`RequestContext::{name}`")
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

/// Refuses interior mutability anywhere in a field's type: a context is read-only once built.
fn frozen_type(cx: &mut Ctxt, field: &Field<'_>) {
    for part in &field.mutable_parts {
        cx.error_spanned_by(
            part,
            format_args!(
                "`{part}` allows mutation through a shared reference, and a context is read-only \
                 once built: store the value itself; state that changes during a request (or a \
                 handle to shared state) is not context: pass it explicitly. If `{part}` is a \
                 type of your own, write its path (`crate::module::{part}`)"
            ),
        );
    }
}
