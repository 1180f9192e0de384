//! The body visitor: wraps the argument of every spawn call (as `bind` says) so that it carries
//! the contexts taken at the call. Closures and async blocks are visited; nested items are not (they
//! are other functions, with their own attribute or none). Macro invocations whose arguments are
//! comma-separated expressions (`vec![..]`, `assert!(..)`, `tokio::join!(..)`) are visited too;
//! macros with a syntax of their own (`tokio::select!`) are token soup and are left alone.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ImplItem, Item, Macro, Path, Token, TraitItem};

use super::args::Args;
use super::bind::{self, Takes};

/// Rewrites every function body in `item`, and checks the named types once: at the top of a
/// function's body (the attribute may be on a method, where nothing can go beside it), beside an
/// impl block, a trait or a module.
pub(crate) fn rewrite(args: &Args, item: &mut Item) -> Option<TokenStream> {
    let mut rewriter = Rewriter { args, rewritten: 0 };
    rewriter.item(item);
    let check = bind::type_check(args);
    if let (Item::Fn(function), Some(check)) = (&mut *item, &check) {
        function.block.stmts.insert(0, syn::parse_quote!(#check));
        return None;
    }
    check
}

struct Rewriter<'a> {
    args: &'a Args,
    /// Spawn calls rewritten so far.
    rewritten: usize,
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

    /// Rewrites the spawn calls of one function body.
    fn body(&mut self, block: &mut Block) {
        self.visit_block_mut(block);
    }

    fn wrap(&mut self, takes: Takes, arg: &mut Expr) {
        *arg = bind::wrap(self.args, takes, arg);
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
        match site {
            // A closure with parameters is not spawned work (rayon's `scope.spawn(|s| ..)`), and
            // binding it first would lose the parameter types its call site infers.
            Some((_, Some(Expr::Closure(closure)))) if !closure.inputs.is_empty() => {}
            Some((takes, Some(arg))) => self.wrap(takes, arg),
            _ => {}
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
    // Under the crate's own name the function is tokio's or std's (a module of the user's named
    // `task` or `thread` may hold a `spawn` of its own).
    let known = matches!(prefix.first(), Some(&("tokio" | "std")));
    let takes = match *name {
        "spawn" if prefix.is_empty() => Takes::Either,
        "spawn" | "spawn_local" if tokio => Takes::Future,
        "spawn" if thread => Takes::Closure,
        "spawn_blocking" if tokio => Takes::Closure,
        _ => return None,
    };
    Some(match takes {
        Takes::Future if known => Takes::SurelyFuture,
        Takes::Closure if known => Takes::SurelyClosure,
        takes => takes,
    })
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
