//! Every rule a user can break, checked on the parsed model. All violations are recorded in the
//! [`Ctxt`], so one compile reports them all.

use syn::{GenericArgument, Path, PathArguments, ReturnType, Type, TypeParamBound, Visibility};

use crate::ast::{Field, Input};
use crate::ctxt::Ctxt;

/// Field names that would shadow the context's own API (getters are named after fields).
const RESERVED: &[&str] = &[
    "builder",
    "scope",
    "sync_scope",
    "current",
    "try_current",
    "with",
    "try_with",
];

/// Types whose whole point is mutation through a shared reference.
const INTERIOR_MUTABILITY: &[&str] = &[
    "Cell",
    "RefCell",
    "UnsafeCell",
    "SyncUnsafeCell",
    "OnceCell",
    "OnceLock",
    "LazyCell",
    "LazyLock",
    "Lazy",
    "Mutex",
    "RwLock",
    "ReentrantMutex",
    "Once",
];

pub(crate) fn check(cx: &mut Ctxt, input: &Input<'_>) {
    for field in &input.fields {
        private(cx, field);
        reserved_name(cx, field);
        frozen_type(cx, field.ty);
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

fn reserved_name(cx: &mut Ctxt, field: &Field<'_>) {
    let name = field.ident.to_string();
    if RESERVED.contains(&name.as_str()) {
        cx.error_spanned_by(
            field.ident,
            format_args!(
                "a field named `{name}` would shadow `RequestContext::{name}` (getters are named \
                 after fields): rename the field"
            ),
        );
    }
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
    if let (Some(default), Some(_)) = (&attrs.default, field.option_of) {
        cx.syn_error(syn::Error::new(
            default.span,
            "an `Option` field may already be left unset (it is then `None`): remove `default`",
        ));
    }
}

/// Refuses interior mutability anywhere in a field's type, by name: a context is read-only once
/// built. A type alias or a user type wrapping a `Mutex` is not seen through; the
/// `Send + Sync + 'static` bound is checked by the compiler on the real type.
fn frozen_type(cx: &mut Ctxt, ty: &Type) {
    match ty {
        Type::Path(path) => {
            if let Some(qself) = &path.qself {
                frozen_type(cx, &qself.ty);
            }
            frozen_path(cx, &path.path);
        }
        Type::TraitObject(object) => {
            for bound in &object.bounds {
                if let TypeParamBound::Trait(bound) = bound {
                    frozen_path(cx, &bound.path);
                }
            }
        }
        Type::Array(array) => frozen_type(cx, &array.elem),
        Type::Slice(slice) => frozen_type(cx, &slice.elem),
        Type::Reference(reference) => frozen_type(cx, &reference.elem),
        Type::Ptr(ptr) => frozen_type(cx, &ptr.elem),
        Type::Paren(paren) => frozen_type(cx, &paren.elem),
        Type::Group(group) => frozen_type(cx, &group.elem),
        Type::Tuple(tuple) => tuple.elems.iter().for_each(|ty| frozen_type(cx, ty)),
        _ => {}
    }
}

fn frozen_path(cx: &mut Ctxt, path: &Path) {
    for segment in &path.segments {
        let name = segment.ident.to_string();
        if INTERIOR_MUTABILITY.contains(&name.as_str()) || name.starts_with("Atomic") {
            cx.error_spanned_by(
                &segment.ident,
                format_args!(
                    "`{name}` allows mutation through a shared reference, and a context is \
                     read-only once built: store the value itself, not a cell around it; state \
                     that changes during a request is not context: pass it as a parameter or \
                     return it"
                ),
            );
        }
        match &segment.arguments {
            PathArguments::AngleBracketed(args) => {
                for arg in &args.args {
                    if let GenericArgument::Type(ty) = arg {
                        frozen_type(cx, ty);
                    }
                }
            }
            PathArguments::Parenthesized(args) => {
                args.inputs.iter().for_each(|ty| frozen_type(cx, ty));
                if let ReturnType::Type(_, ty) = &args.output {
                    frozen_type(cx, ty);
                }
            }
            PathArguments::None => {}
        }
    }
}
