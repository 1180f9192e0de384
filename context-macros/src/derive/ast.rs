//! The model of a `#[derive(RequestContext)]` input, parsed from syn's AST.

use proc_macro2::TokenStream;
use quote::format_ident;
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::{
    Data, DeriveInput, Fields, GenericArgument, Generics, Ident, Path, PathArguments, ReturnType,
    Token, Type, TypeMacro, TypeParamBound, Visibility,
};

use super::attr::{self, ContainerAttrs, FieldAttrs};
use crate::ctxt::Ctxt;
use crate::rules::{self, Infrastructure, Origin};

pub(crate) struct Input<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) vis: &'a Visibility,
    pub(crate) generics: &'a Generics,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) shape: Shape,
    /// The named fields; none for the other shapes.
    pub(crate) fields: Vec<Field<'a>>,
    /// `Debug` in a `#[derive(..)]` written after ours (`check` refuses it: the derive already
    /// implements a redacting `Debug`). A derive listed before ours, or beside it in the same
    /// list, is not part of the input a derive macro receives: rustc reports that conflict itself.
    pub(crate) derives_debug: Option<Path>,
}

/// What kind of type the derive is on: only a struct with named fields can be a context.
pub(crate) enum Shape {
    Named,
    /// A tuple struct or a unit struct.
    Unnamed,
    Enum(Token![enum]),
    Union(Token![union]),
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
    /// The parts of the field's type that keep it from being frozen, or that the derive cannot
    /// see through.
    pub(crate) unfrozen: Vec<Unfrozen<'a>>,
}

/// A part of a field's type that `check` refuses.
pub(crate) enum Unfrozen<'a> {
    /// A well-known type with interior mutability, by the last segment of its path.
    Mutable(&'a Ident),
    /// A well-known handle to shared state (a channel end, a guard, a signal).
    Handle(&'a Ident),
    /// A well-known handle to infrastructure (a database pool, an HTTP client, a socket, a
    /// task), of the given kind.
    Infrastructure(&'a Ident, Infrastructure),
    /// A type macro (`m!()`): whatever it expands to is out of sight.
    Macro(&'a TypeMacro),
}

impl<'a> Input<'a> {
    /// Parses `input`, whatever its shape: `check` reports a shape that cannot carry a context,
    /// and the expansion falls back to a stub for it. Attribute errors are recorded in `cx`.
    pub(crate) fn from_ast(cx: &mut Ctxt, input: &'a DeriveInput) -> Self {
        let (shape, fields) = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(fields) => (Shape::Named, Some(fields)),
                Fields::Unnamed(_) | Fields::Unit => (Shape::Unnamed, None),
            },
            Data::Enum(data) => (Shape::Enum(data.enum_token), None),
            Data::Union(data) => (Shape::Union(data.union_token), None),
        };
        Input {
            ident: &input.ident,
            vis: &input.vis,
            generics: &input.generics,
            attrs: attr::container(cx, &input.attrs),
            shape,
            fields: fields
                .into_iter()
                .flat_map(|fields| &fields.named)
                .filter_map(|field| Field::from_ast(cx, field))
                .collect(),
            derives_debug: derived_debug(&input.attrs),
        }
    }

    /// Whether the input can carry a context: a struct with named fields and no generics (a
    /// `static` task-local cannot depend on type parameters or lifetimes).
    pub(crate) fn is_usable(&self) -> bool {
        matches!(self.shape, Shape::Named) && self.generics.params.is_empty()
    }

    /// `::context_runtime::__private`, or the same under `#[context(crate = path)]`.
    pub(crate) fn private(&self) -> TokenStream {
        crate::private_path(self.attrs.krate.as_ref())
    }

    /// `RequestCtxBuilder`: the builder declared beside the context.
    pub(crate) fn builder_ident(&self) -> Ident {
        format_ident!("{}Builder", self.ident)
    }

    /// `RequestCtxExtractedBuilder`: the alias of what `extract` returns.
    pub(crate) fn extracted_builder_ident(&self) -> Ident {
        format_ident!("{}ExtractedBuilder", self.ident)
    }

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
        let mut unfrozen = Vec::new();
        unfrozen_parts_of_type(&field.ty, &mut unfrozen);
        Some(Field {
            original: field,
            ident,
            name: ident.unraw().to_string(),
            ty: &field.ty,
            attrs: attr::field(cx, &field.attrs),
            option_of: option_inner(&field.ty),
            unfrozen,
        })
    }

    /// The API name this field's getter would shadow, if any.
    pub(crate) fn shadowed_api(&self) -> Option<Origin> {
        rules::CONTEXT_API
            .iter()
            .find(|(name, _)| *name == self.name)
            .map(|&(_, origin)| origin)
    }

    pub(crate) fn has_getter(&self) -> bool {
        self.shadowed_api().is_none()
    }

    pub(crate) fn has_setter(&self) -> bool {
        !rules::BUILDER_API.contains(&self.name.as_str())
    }

    /// Whether `build()` needs the field set: neither an `Option` nor defaulted.
    pub(crate) fn is_required(&self) -> bool {
        self.option_of.is_none() && self.attrs.default.is_none()
    }

    /// Whether the field crosses process boundaries: marked `propagate`, and not `sensitive`
    /// (which `check` refuses, and which never crosses even then).
    pub(crate) fn propagates(&self) -> bool {
        self.attrs.propagate.is_some() && self.attrs.sensitive.is_none()
    }
}

/// `Debug` (or `fmt::Debug`, `std::fmt::Debug`, `core::fmt::Debug`) in a `#[derive(..)]` among
/// `attrs`.
fn derived_debug(attrs: &[syn::Attribute]) -> Option<Path> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("derive"))
        .filter_map(|attr| {
            attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .find(|path| {
            path.segments
                .last()
                .is_some_and(|last| last.ident == "Debug")
        })
}

/// Collects the parts of `ty` that `check` refuses, at any depth: generic arguments (also
/// `Item = T`), tuples, arrays, references, pointers, function signatures and trait objects
/// (`Box<dyn Fn() -> Cell<u8>>`), the self type of a qualified path. A type alias, a type
/// imported under another name (`use std::sync::Mutex as Lock`) or a type of the user's own that
/// wraps a `Mutex` is not seen through: the derive sees tokens, not types.
fn unfrozen_parts_of_type<'a>(ty: &'a Type, out: &mut Vec<Unfrozen<'a>>) {
    match ty {
        Type::Path(path) => {
            if let Some(qself) = &path.qself {
                // `<A as Trait>::Item`: `Item` is an associated type, as opaque as an alias;
                // `A` and the trait's arguments are looked at.
                unfrozen_parts_of_type(&qself.ty, out);
            } else if let Some(part) = well_known_part(&path.path) {
                out.push(part);
            }
            arguments_of_path(&path.path, out);
        }
        Type::TraitObject(object) => bounds(&object.bounds, out),
        Type::FnPtr(function) => {
            for input in &function.inputs {
                unfrozen_parts_of_type(&input.ty, out);
            }
            if let ReturnType::Type(_, ty) = &function.output {
                unfrozen_parts_of_type(ty, out);
            }
        }
        Type::Array(array) => unfrozen_parts_of_type(&array.elem, out),
        Type::Slice(slice) => unfrozen_parts_of_type(&slice.elem, out),
        Type::Reference(reference) => unfrozen_parts_of_type(&reference.elem, out),
        Type::Ptr(ptr) => unfrozen_parts_of_type(&ptr.elem, out),
        Type::Paren(paren) => unfrozen_parts_of_type(&paren.elem, out),
        Type::Group(group) => unfrozen_parts_of_type(&group.elem, out),
        Type::Tuple(tuple) => tuple
            .elems
            .iter()
            .for_each(|ty| unfrozen_parts_of_type(ty, out)),
        Type::Macro(mac) => out.push(Unfrozen::Macro(mac)),
        _ => {}
    }
}

/// The last segment of `path`, when it names a well-known type that `check` refuses: spelled
/// bare (`Mutex<u64>`, `PgPool`, most likely imported), or under a path whose first segment is a
/// known crate or module (`std::sync::Mutex`, `::tokio::sync::watch::Receiver`,
/// `sqlx::PgPool`), whatever the middle. A name too generic for that
/// (`rules::INFRASTRUCTURE_UNDER_CRATE`) is refused only under one of its crates
/// (`mongodb::Database`).
fn well_known_part(path: &Path) -> Option<Unfrozen<'_>> {
    let last = &path.segments.last()?.ident;
    // Inside a proc macro, comparing an `Ident` with a `&str` asks the compiler for its text
    // every time: each name is asked for once.
    let (first_name, last_name) = (path.segments.first()?.ident.to_string(), last.to_string());
    let bare = path.segments.len() == 1 && path.leading_colon.is_none();
    if let Some((_, crates)) = rules::INFRASTRUCTURE_UNDER_CRATE
        .iter()
        .find(|(name, _)| last_name == *name)
    {
        let under_crate = !bare && crates.contains(&first_name.as_str());
        return if under_crate {
            infrastructure(last, &last_name)
        } else {
            None
        };
    }
    if !bare && !rules::KNOWN_ROOTS.contains(&first_name.as_str()) {
        return None;
    }
    if rules::INTERIOR_MUTABILITY.contains(&last_name.as_str()) {
        Some(Unfrozen::Mutable(last))
    } else if rules::SHARED_STATE_HANDLES.contains(&last_name.as_str()) {
        Some(Unfrozen::Handle(last))
    } else {
        infrastructure(last, &last_name)
    }
}

/// `ident` (spelled `name`) as an infrastructure handle, of the kind of the first group that
/// lists it.
fn infrastructure<'a>(ident: &'a Ident, name: &str) -> Option<Unfrozen<'a>> {
    rules::INFRASTRUCTURE_KINDS
        .iter()
        .find(|(_, names)| names.contains(&name))
        .map(|&(kind, _)| Unfrozen::Infrastructure(ident, kind))
}

/// The generic arguments of every segment of `path`: `Arc<Mutex<u8>>`, `Fn(Cell<u8>) -> u8`,
/// `Iterator<Item = Cell<u8>>`.
fn arguments_of_path<'a>(path: &'a Path, out: &mut Vec<Unfrozen<'a>>) {
    for segment in &path.segments {
        match &segment.arguments {
            PathArguments::AngleBracketed(args) => {
                for arg in &args.args {
                    match arg {
                        GenericArgument::Type(ty) => unfrozen_parts_of_type(ty, out),
                        GenericArgument::AssocType(assoc) => unfrozen_parts_of_type(&assoc.ty, out),
                        _ => {}
                    }
                }
            }
            PathArguments::Parenthesized(args) => {
                args.inputs
                    .iter()
                    .for_each(|input| unfrozen_parts_of_type(&input.ty, out));
                if let ReturnType::Type(_, ty) = &args.output {
                    unfrozen_parts_of_type(ty, out);
                }
            }
            PathArguments::None => {}
        }
    }
}

/// The arguments of the traits of `dyn A + B` (the trait names themselves are not types).
fn bounds<'a>(bounds: &'a Punctuated<TypeParamBound, Token![+]>, out: &mut Vec<Unfrozen<'a>>) {
    for bound in bounds {
        if let TypeParamBound::Trait(bound) = bound {
            arguments_of_path(&bound.path, out);
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

#[cfg(test)]
mod tests {
    use super::{Unfrozen, unfrozen_parts_of_type};

    /// The refused parts of a type, as `Mutable(name)`, `Handle(name)`, `<kind>(name)` for
    /// infrastructure (`Connection(PgPool)`) or `macro`.
    fn refused(ty: &str) -> Vec<String> {
        let ty: syn::Type = syn::parse_str(ty).expect("a type");
        let mut out = Vec::new();
        unfrozen_parts_of_type(&ty, &mut out);
        out.iter()
            .map(|part| match part {
                Unfrozen::Mutable(name) => format!("Mutable({name})"),
                Unfrozen::Handle(name) => format!("Handle({name})"),
                Unfrozen::Infrastructure(name, kind) => format!("{kind:?}({name})"),
                Unfrozen::Macro(_) => String::from("macro"),
            })
            .collect()
    }

    #[test]
    fn well_known_types_are_found_by_first_and_last_segment() {
        assert_eq!(refused("Mutex<u64>"), ["Mutable(Mutex)"]);
        assert_eq!(refused("std::sync::Mutex<u64>"), ["Mutable(Mutex)"]);
        assert_eq!(refused("::std::cell::Cell<u8>"), ["Mutable(Cell)"]);
        assert_eq!(
            refused("tokio::sync::watch::Receiver<u64>"),
            ["Handle(Receiver)"]
        );
        assert_eq!(
            refused("tokio::sync::mpsc::WeakUnboundedSender<u8>"),
            ["Handle(WeakUnboundedSender)"]
        );
        assert_eq!(refused("std::sync::mpsc::Sender<u8>"), ["Handle(Sender)"]);
        assert_eq!(refused("sync::Mutex<u8>"), ["Mutable(Mutex)"]);
        assert_eq!(
            refused("once_cell::race::OnceBox<u8>"),
            ["Mutable(OnceBox)"]
        );
        assert_eq!(
            refused("std::some::future::module::RwLock<u8>"),
            ["Mutable(RwLock)"]
        );
    }

    #[test]
    fn the_users_own_paths_are_left_alone() {
        assert!(refused("crate::geo::Cell").is_empty());
        assert!(refused("self::Cell").is_empty());
        assert!(refused("super::sync::Mutex<u8>").is_empty());
        assert!(refused("geo::Cell").is_empty());
        assert!(refused("::geo::Cell").is_empty());
        assert!(refused("Lock<u8>").is_empty());
        assert!(refused("std::sync::Arc<str>").is_empty());
    }

    #[test]
    fn every_depth_is_looked_at() {
        assert_eq!(refused("Option<Arc<Mutex<u8>>>"), ["Mutable(Mutex)"]);
        assert_eq!(refused("(u8, [Cell<u8>; 2])"), ["Mutable(Cell)"]);
        assert_eq!(
            refused("Box<dyn Fn() -> Cell<u8> + Send + Sync>"),
            ["Mutable(Cell)"]
        );
        assert_eq!(
            refused("Box<dyn Iterator<Item = Cell<u8>>>"),
            ["Mutable(Cell)"]
        );
        assert_eq!(refused("fn(&Mutex<u8>) -> u8"), ["Mutable(Mutex)"]);
        assert_eq!(refused("&'static AtomicU64"), ["Mutable(AtomicU64)"]);
        assert_eq!(
            refused("<Vec<Cell<u8>> as IntoIterator>::Item"),
            ["Mutable(Cell)"]
        );
        assert!(refused("<Vec<u8> as IntoIterator>::Item").is_empty());
        assert_eq!(refused("Vec<m!()>"), ["macro"]);
        assert_eq!(
            refused("(Cell<u8>, Sender<u8>)"),
            ["Mutable(Cell)", "Handle(Sender)"]
        );
    }

    #[test]
    fn infrastructure_is_found_by_bare_name_and_by_crate_path() {
        // Connections, pools and transactions to a database, a cache or a broker.
        assert_eq!(refused("PgPool"), ["Connection(PgPool)"]);
        assert_eq!(refused("sqlx::PgPool"), ["Connection(PgPool)"]);
        assert_eq!(
            refused("sqlx::Transaction<'static, sqlx::Postgres>"),
            ["Connection(Transaction)"]
        );
        assert_eq!(refused("Connection"), ["Connection(Connection)"]);
        assert_eq!(refused("rusqlite::Connection"), ["Connection(Connection)"]);
        assert_eq!(
            refused("::sea_orm::DatabaseConnection"),
            ["Connection(DatabaseConnection)"]
        );
        assert_eq!(
            refused("redis::aio::MultiplexedConnection"),
            ["Connection(MultiplexedConnection)"]
        );
        assert_eq!(
            refused("bb8::PooledConnection<'static, M>"),
            ["Connection(PooledConnection)"]
        );
        assert_eq!(
            refused("rdkafka::producer::FutureProducer"),
            ["Connection(FutureProducer)"]
        );
        // A name listed under two kinds takes the first: `Client` and `Channel` are connections
        // (tokio-postgres, mongodb, redis; lapin) before they are clients of services (reqwest,
        // hyper-util; tonic).
        assert_eq!(refused("Client"), ["Connection(Client)"]);
        assert_eq!(refused("reqwest::Client"), ["Connection(Client)"]);
        assert_eq!(
            refused("hyper_util::client::legacy::Client<C, B>"),
            ["Connection(Client)"]
        );
        assert_eq!(
            refused("tonic::transport::Channel"),
            ["Connection(Channel)"]
        );
        // Clients of other services.
        assert_eq!(
            refused("ClientWithMiddleware"),
            ["ServiceClient(ClientWithMiddleware)"]
        );
        assert_eq!(
            refused("hyper::client::conn::http1::SendRequest<B>"),
            ["ServiceClient(SendRequest)"]
        );
        // Sockets, listeners, files and standard streams, also under the module users import.
        assert_eq!(refused("File"), ["Io(File)"]);
        assert_eq!(refused("std::fs::File"), ["Io(File)"]);
        assert_eq!(refused("tokio::net::TcpStream"), ["Io(TcpStream)"]);
        assert_eq!(refused("net::TcpListener"), ["Io(TcpListener)"]);
        assert_eq!(
            refused("tokio::net::tcp::OwnedWriteHalf"),
            ["Io(OwnedWriteHalf)"]
        );
        assert_eq!(refused("io::Stdout"), ["Io(Stdout)"]);
        // Runtime, task and thread handles.
        assert_eq!(refused("Handle"), ["Task(Handle)"]);
        assert_eq!(refused("tokio::runtime::Handle"), ["Task(Handle)"]);
        assert_eq!(refused("runtime::Runtime"), ["Task(Runtime)"]);
        assert_eq!(refused("task::JoinHandle<()>"), ["Task(JoinHandle)"]);
        assert_eq!(refused("std::thread::JoinHandle<()>"), ["Task(JoinHandle)"]);
        assert_eq!(refused("JoinSet<()>"), ["Task(JoinSet)"]);
        // `Semaphore` stays a shared-state handle.
        assert_eq!(refused("tokio::sync::Semaphore"), ["Handle(Semaphore)"]);
    }

    #[test]
    fn generic_infrastructure_names_are_refused_only_under_their_crates() {
        assert_eq!(refused("deadpool_postgres::Object"), ["Connection(Object)"]);
        assert_eq!(
            refused("deadpool::managed::Object<M>"),
            ["Connection(Object)"]
        );
        assert_eq!(refused("mongodb::Database"), ["Connection(Database)"]);
        assert_eq!(
            refused("::mongodb::Collection<Order>"),
            ["Connection(Collection)"]
        );
        assert_eq!(
            refused("async_nats::jetstream::Context"),
            ["Connection(Context)"]
        );
        assert_eq!(
            refused("async_nats::Subscriber"),
            ["Connection(Subscriber)"]
        );
        // Bare, or under another known root, they are the user's own (or another crate's).
        assert!(refused("Object").is_empty());
        assert!(refused("Database").is_empty());
        assert!(refused("Collection<u8>").is_empty());
        assert!(refused("Context").is_empty());
        assert!(refused("Subscriber").is_empty());
        assert!(refused("Session").is_empty());
        assert!(refused("std::task::Context<'static>").is_empty());
        assert!(refused("tokio::Object").is_empty());
        assert!(refused("sqlx::Database").is_empty());
        assert!(refused("crate::db::Database").is_empty());
    }

    #[test]
    fn the_users_own_infrastructure_names_are_left_alone() {
        assert!(refused("crate::db::Pool").is_empty());
        assert!(refused("self::Connection").is_empty());
        assert!(refused("super::Client").is_empty());
        assert!(refused("crate::clients::Client").is_empty());
        assert!(refused("db::PgPool").is_empty());
        assert!(refused("::my_sqlx::PgPool").is_empty());
        assert!(refused("PgPoolOptions").is_empty());
        assert!(refused("std::fs::Metadata").is_empty());
    }

    #[test]
    fn infrastructure_is_found_at_every_depth() {
        assert_eq!(refused("Option<Arc<PgPool>>"), ["Connection(PgPool)"]);
        assert_eq!(refused("Vec<(String, File)>"), ["Io(File)"]);
        assert_eq!(
            refused("std::sync::Arc<rusqlite::Connection>"),
            ["Connection(Connection)"]
        );
        assert_eq!(
            refused("(PgPool, Mutex<u8>, JoinHandle<()>)"),
            ["Connection(PgPool)", "Mutable(Mutex)", "Task(JoinHandle)"]
        );
        assert_eq!(
            refused("Box<dyn Fn(&reqwest::Client) -> u8 + Send + Sync>"),
            ["Connection(Client)"]
        );
    }
}
