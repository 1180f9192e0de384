//! The body visitor: wraps the argument of every spawn call so that it carries a snapshot of the
//! contexts taken at the call. Closures and async blocks are visited; nested items are not (they
//! are other functions, with their own attribute or none). Macro invocations whose arguments are
//! comma-separated expressions (`vec![..]`, `assert!(..)`, `tokio::join!(..)`) are visited too;
//! macros with a syntax of their own (`tokio::select!`) are token soup and are left alone.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ImplItem, Item, Macro, Path, Token, TraitItem};

use super::args::Args;

/// Rewrites every function body in `item`.
pub(crate) fn rewrite(args: &Args, item: &mut Item) {
    let mut rewriter = Rewriter {
        capture: capture(args),
        args,
        rewritten: 0,
    };
    rewriter.item(item);
}

/// What a spawn call takes at the rewritten argument.
#[derive(Clone, Copy)]
enum Takes {
    Future,
    Closure,
    /// Depends on the receiver: decided by the argument's type.
    Either,
}

struct Rewriter<'a> {
    args: &'a Args,
    /// The expression that takes the snapshot at a spawn call.
    capture: TokenStream,
    /// Spawn calls rewritten so far.
    rewritten: usize,
}

fn capture(args: &Args) -> TokenStream {
    let private = &args.private;
    if args.types.is_empty() {
        return quote!(#private::Snapshot::capture());
    }
    let types = &args.types;
    quote!(#private::Snapshot::empty() #(.with_current::<#types>())*)
}

impl Rewriter<'_> {
    fn item(&mut self, item: &mut Item) {
        match item {
            Item::Fn(function) => self.body(&mut function.block),
            Item::Impl(block) => {
                for item in &mut block.items {
                    if let ImplItem::Fn(function) = item {
                        self.body(&mut function.block);
                    }
                }
            }
            Item::Trait(block) => {
                for item in &mut block.items {
                    if let TraitItem::Fn(function) = item
                        && let Some(body) = &mut function.default
                    {
                        self.body(body);
                    }
                }
            }
            Item::Mod(module) => {
                for item in module.content.iter_mut().flat_map(|(_, items)| items) {
                    self.item(item);
                }
            }
            _ => {}
        }
    }

    /// Rewrites the spawn calls of one function body; with named types, also proves at compile
    /// time that each one is a context type, even where the body spawns nothing.
    fn body(&mut self, block: &mut Block) {
        self.visit_block_mut(block);
        if !self.args.types.is_empty() {
            let private = &self.args.private;
            let checks = self
                .args
                .types
                .iter()
                .map(|ty| quote_spanned!(ty.span()=> #private::assert_context::<#ty>();));
            block
                .stmts
                .insert(0, syn::parse_quote!(const _: () = { #(#checks)* };));
        }
    }

    fn wrap(&mut self, takes: Takes, arg: &mut Expr) {
        let (private, capture) = (&self.args.private, &self.capture);
        let wrapped = match takes {
            Takes::Future => quote_spanned!(arg.span()=> #private::bind::future(#capture, #arg)),
            Takes::Closure => quote_spanned!(arg.span()=> #private::bind::closure(#capture, #arg)),
            Takes::Either => quote_spanned! {arg.span()=>
                match #arg {
                    __context_arg => {
                        #[allow(unused_imports)] // only one of the three is picked
                        use #private::bind::{AsClosure as _, AsFuture as _, AsNeither as _};
                        (&&#private::bind::Probe::of(&__context_arg)).__kind().bind(#capture, __context_arg)
                    }
                }
            },
        };
        *arg = Expr::Verbatim(wrapped);
        self.rewritten += 1;
    }
}

impl VisitMut for Rewriter<'_> {
    /// A nested item is another function: it is not part of this body.
    fn visit_item_mut(&mut self, _: &mut Item) {}

    /// A macro whose arguments are expressions: rewrite inside them, and re-emit them only if
    /// something changed, so every other macro keeps its tokens untouched.
    fn visit_macro_mut(&mut self, mac: &mut Macro) {
        let Ok(mut exprs) =
            Punctuated::<Expr, Token![,]>::parse_terminated.parse2(mac.tokens.clone())
        else {
            return;
        };
        let before = self.rewritten;
        for expr in &mut exprs {
            self.visit_expr_mut(expr);
        }
        if self.rewritten != before {
            mac.tokens = quote!(#exprs);
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        // Inner spawn calls first: a spawn inside a spawned closure is rewritten too.
        visit_mut::visit_expr_mut(self, expr);
        let site = match expr {
            Expr::Call(call) => match &*call.func {
                Expr::Path(func) if func.qself.is_none() && call.args.len() == 1 => {
                    path_call(&func.path).map(|takes| (takes, call.args.first_mut()))
                }
                _ => None,
            },
            Expr::MethodCall(call) => method_call(&call.method.to_string(), call.args.len())
                .map(|(takes, index)| (takes, call.args.iter_mut().nth(index))),
            _ => None,
        };
        if let Some((takes, Some(arg))) = site {
            self.wrap(takes, arg);
        }
    }
}

/// `tokio::spawn(fut)`, `std::thread::spawn(f)`, `spawn_blocking(f)`, ...: which paths are spawn
/// functions, and what they take.
fn path_call(path: &Path) -> Option<Takes> {
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let (name, prefix) = segments.split_last()?;
    let tokio = matches!(prefix, [] | ["tokio" | "task"] | ["tokio", "task"]);
    let thread = matches!(prefix, ["std", "thread"] | ["thread"]);
    match *name {
        "spawn" if prefix.is_empty() => Some(Takes::Either),
        "spawn" | "spawn_local" if tokio => Some(Takes::Future),
        "spawn" if thread => Some(Takes::Closure),
        "spawn_blocking" if tokio => Some(Takes::Closure),
        _ => None,
    }
}

/// `.spawn(..)` on a `JoinSet`, a runtime `Handle`, a `thread::Builder` or a thread `Scope`, and
/// the other spawn methods: what they take, and at which argument.
fn method_call(name: &str, arguments: usize) -> Option<(Takes, usize)> {
    match (name, arguments) {
        ("spawn", 1) => Some((Takes::Either, 0)),
        ("spawn_local", 1) | ("spawn_on" | "spawn_local_on", 2) => Some((Takes::Future, 0)),
        ("spawn_blocking", 1) | ("spawn_blocking_on", 2) => Some((Takes::Closure, 0)),
        ("spawn_scoped", 2) => Some((Takes::Closure, 1)),
        _ => None,
    }
}
