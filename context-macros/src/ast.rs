//! The model of a `#[derive(RequestContext)]` input, parsed from syn's AST.

use syn::ext::IdentExt;
use syn::{
    Data, DeriveInput, Fields, GenericArgument, Ident, Path, PathArguments, ReturnType, Type,
    TypeParamBound, Visibility,
};

use crate::attr::{self, ContainerAttrs, FieldAttrs};
use crate::ctxt::Ctxt;

pub(crate) struct Input<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) vis: &'a Visibility,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) fields: Vec<Field<'a>>,
}

pub(crate) struct Field<'a> {
    pub(crate) original: &'a syn::Field,
    pub(crate) ident: &'a Ident,
    /// The field's name without `r#`.
    pub(crate) name: String,
    pub(crate) ty: &'a Type,
    pub(crate) attrs: FieldAttrs,
    /// `Some(T)` when the field's type is spelled `Option<T>`.
    pub(crate) option_of: Option<&'a Type>,
    /// The segments of the field's type that name a type with interior mutability.
    pub(crate) mutable_parts: Vec<&'a Ident>,
}

/// Methods of every context type (inherent or from `RequestContext`): a field so named would
/// shadow one with its getter, so it gets no getter (and `check` reports it).
pub(crate) const CONTEXT_API: &[&str] = &[
    "builder",
    "scope",
    "sync_scope",
    "current",
    "try_current",
    "with",
    "try_with",
    "inject",
    "write_baggage",
    "extract",
    "from_baggage",
];

/// Methods of every builder: a field so named gets no setter (and `check` reports it).
pub(crate) const BUILDER_API: &[&str] = &["build"];

/// Types whose point is mutation (or communication) through a shared reference, by the name of
/// their last path segment. Matched when spelled bare or under a well-known path.
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
    "Once",
    "Mutex",
    "RwLock",
    "ReentrantMutex",
    "Condvar",
    "Barrier",
    "Semaphore",
    "Notify",
    "Sender",
    "SyncSender",
    "Receiver",
    "ArcSwap",
    "ArcSwapOption",
    "DashMap",
    "DashSet",
    "AtomicBool",
    "AtomicI8",
    "AtomicI16",
    "AtomicI32",
    "AtomicI64",
    "AtomicI128",
    "AtomicIsize",
    "AtomicU8",
    "AtomicU16",
    "AtomicU32",
    "AtomicU64",
    "AtomicU128",
    "AtomicUsize",
    "AtomicPtr",
    "AtomicCell",
    "AtomicWaker",
];

/// Path prefixes under which the names above mean the well-known types. A type spelled under any
/// other path (`crate::geo::Cell`) is the user's own and is left alone.
const KNOWN_MODULES: &[&str] = &[
    "std",
    "core",
    "alloc",
    "cell",
    "sync",
    "atomic",
    "mpsc",
    "tokio",
    "parking_lot",
    "once_cell",
    "unsync",
    "race",
    "crossbeam",
    "crossbeam_utils",
    "crossbeam_channel",
    "arc_swap",
    "dashmap",
    "futures",
    "lock",
];

impl<'a> Input<'a> {
    /// Parses `input`; `None` when its shape cannot carry a context at all (enum, union, tuple
    /// struct, generics), in which case the reason is in `cx`. Attribute errors are recorded in
    /// `cx` but still give a model, so the expansion can go on and spare the user follow-up errors.
    pub(crate) fn from_ast(cx: &mut Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let attrs = attr::container(cx, &input.attrs);
        let mut usable = true;
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(
                &input.generics,
                "a context type cannot be generic: each context type gets its own task-local, \
                 and a `static` cannot depend on type parameters or lifetimes; declare one \
                 concrete struct with owned field types",
            );
            usable = false;
        }
        let fields = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(fields) => Some(fields),
                Fields::Unnamed(_) | Fields::Unit => {
                    cx.error_spanned_by(
                        input.ident.clone(),
                        "`RequestContext` needs a struct with named fields: each field gets a \
                         getter and a builder method named after it, e.g. \
                         `struct RequestCtx { request_id: String }`",
                    );
                    None
                }
            },
            Data::Enum(data) => {
                cx.error_spanned_by(
                    data.enum_token,
                    "`RequestContext` cannot be derived for an enum: a context is one set of \
                     facts about a request; use a struct with named fields (a field may hold an \
                     enum)",
                );
                None
            }
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "`RequestContext` cannot be derived for a union: use a struct with named fields",
                );
                None
            }
        }?;
        let fields = fields
            .named
            .iter()
            .filter_map(|field| Field::from_ast(cx, field))
            .collect();
        usable.then_some(Input {
            ident: &input.ident,
            vis: &input.vis,
            attrs,
            fields,
        })
    }
}

impl Input<'_> {
    /// The name of the `maybe_<field>` setter of an optional field, unless another field is
    /// called that (`check` reports the clash).
    pub(crate) fn maybe_setter(&self, field: &Field<'_>) -> Option<Ident> {
        field.option_of?;
        let maybe = format!("maybe_{}", field.name);
        let clash = self.fields.iter().any(|other| other.name == maybe);
        (!clash).then(|| Ident::new(&maybe, field.ident.span()))
    }
}

impl<'a> Field<'a> {
    fn from_ast(cx: &mut Ctxt, field: &'a syn::Field) -> Option<Self> {
        let ident = field.ident.as_ref()?;
        let mut mutable_parts = Vec::new();
        mutable_parts_of_type(&field.ty, &mut mutable_parts);
        Some(Field {
            original: field,
            ident,
            name: ident.unraw().to_string(),
            ty: &field.ty,
            attrs: attr::field(cx, &field.attrs),
            option_of: option_inner(&field.ty),
            mutable_parts,
        })
    }

    pub(crate) fn has_getter(&self) -> bool {
        !CONTEXT_API.contains(&self.name.as_str())
    }

    pub(crate) fn has_setter(&self) -> bool {
        !BUILDER_API.contains(&self.name.as_str())
    }

    /// Whether the field crosses process boundaries: marked `propagate`, and not `sensitive`
    /// (which `check` refuses, and which never crosses even then).
    pub(crate) fn propagates(&self) -> bool {
        self.attrs.propagate.is_some() && self.attrs.sensitive.is_none()
    }
}

/// Collects the segments of `ty` that name a type with interior mutability, at any depth. A type
/// alias, or a type of the user's own wrapping a `Mutex`, is not seen through.
fn mutable_parts_of_type<'a>(ty: &'a Type, out: &mut Vec<&'a Ident>) {
    match ty {
        Type::Path(path) => {
            if let Some(qself) = &path.qself {
                mutable_parts_of_type(&qself.ty, out);
            }
            mutable_parts_of_path(&path.path, out);
        }
        Type::TraitObject(object) => {
            for bound in &object.bounds {
                if let TypeParamBound::Trait(bound) = bound {
                    mutable_parts_of_path(&bound.path, out);
                }
            }
        }
        Type::Array(array) => mutable_parts_of_type(&array.elem, out),
        Type::Slice(slice) => mutable_parts_of_type(&slice.elem, out),
        Type::Reference(reference) => mutable_parts_of_type(&reference.elem, out),
        Type::Ptr(ptr) => mutable_parts_of_type(&ptr.elem, out),
        Type::Paren(paren) => mutable_parts_of_type(&paren.elem, out),
        Type::Group(group) => mutable_parts_of_type(&group.elem, out),
        Type::Tuple(tuple) => tuple
            .elems
            .iter()
            .for_each(|ty| mutable_parts_of_type(ty, out)),
        _ => {}
    }
}

fn mutable_parts_of_path<'a>(path: &'a Path, out: &mut Vec<&'a Ident>) {
    if let Some((last, prefix)) = path.segments.iter().collect::<Vec<_>>().split_last() {
        let well_known = prefix
            .iter()
            .all(|segment| KNOWN_MODULES.contains(&segment.ident.to_string().as_str()));
        if well_known && INTERIOR_MUTABILITY.contains(&last.ident.to_string().as_str()) {
            out.push(&last.ident);
        }
    }
    for segment in &path.segments {
        match &segment.arguments {
            PathArguments::AngleBracketed(args) => {
                for arg in &args.args {
                    if let GenericArgument::Type(ty) = arg {
                        mutable_parts_of_type(ty, out);
                    }
                }
            }
            PathArguments::Parenthesized(args) => {
                args.inputs
                    .iter()
                    .for_each(|ty| mutable_parts_of_type(ty, out));
                if let ReturnType::Type(_, ty) = &args.output {
                    mutable_parts_of_type(ty, out);
                }
            }
            PathArguments::None => {}
        }
    }
}

/// `T` for a type spelled `Option<T>`, `std::option::Option<T>` or `core::option::Option<T>`.
/// A type alias of `Option` is not seen through: such a field is required.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segments: Vec<_> = path.path.segments.iter().collect();
    let (last, prefix) = segments.split_last()?;
    let prefix_ok = match prefix {
        [] => true,
        [module, option] => {
            (module.ident == "std" || module.ident == "core") && option.ident == "option"
        }
        _ => false,
    };
    if !prefix_ok || last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [GenericArgument::Type(inner)] => Some(inner),
        _ => None,
    }
}
