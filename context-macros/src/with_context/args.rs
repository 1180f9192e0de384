//! The arguments of `#[with_context(...)]`: nothing (carry every context set at the spawn call),
//! or the context types to carry, plus `crate = path` for re-exporters.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{LitStr, Path, Token};

use crate::ctxt::Ctxt;

pub(crate) struct Args {
    /// The context types named, in order; empty means every context set at the spawn call.
    pub(crate) types: Vec<Path>,
    /// `::context_runtime::__private`, or the same under `crate = path`.
    pub(crate) private: TokenStream,
}

const ACCEPTED: &str = "expected `#[with_context]` (carry every context set at the spawn \
                        call) or `#[with_context(RequestCtx, TenantCtx)]` (carry exactly these \
                        context types)";

enum Arg {
    Type(Path),
    Crate(Path),
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Token![crate]) && input.peek2(Token![=]) {
            input.parse::<Token![crate]>()?;
            input.parse::<Token![=]>()?;
            let path = if input.peek(LitStr) {
                input.parse::<LitStr>()?.parse()?
            } else {
                input.parse()?
            };
            return Ok(Arg::Crate(path));
        }
        if input.peek(LitStr) {
            let literal: LitStr = input.parse()?;
            return Err(syn::Error::new(
                literal.span(),
                format_args!(
                    "name the type without quotes: `#[with_context({})]`",
                    literal.value()
                ),
            ));
        }
        let path: Path = input
            .parse()
            .map_err(|error| syn::Error::new(error.span(), ACCEPTED))?;
        if !input.is_empty() && !input.peek(Token![,]) {
            return Err(input.error(format_args!(
                "expected `,` between context types; {ACCEPTED}"
            )));
        }
        Ok(Arg::Type(path))
    }
}

pub(crate) fn parse(cx: &mut Ctxt, tokens: TokenStream) -> Option<Args> {
    let parsed = match Punctuated::<Arg, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(parsed) => parsed,
        Err(error) => {
            cx.syn_error(error);
            return None;
        }
    };
    let mut types: Vec<Path> = Vec::new();
    let mut krate: Option<Path> = None;
    for arg in parsed {
        match arg {
            Arg::Type(path) => {
                let name = path.to_token_stream().to_string();
                if types
                    .iter()
                    .any(|other| other.to_token_stream().to_string() == name)
                {
                    cx.error_spanned_by(
                        &path,
                        "this context type is already named: remove the repetition",
                    );
                } else {
                    types.push(path);
                }
            }
            Arg::Crate(path) if krate.is_some() => {
                cx.error_spanned_by(&path, "duplicate `crate`: it is already given; remove one");
            }
            Arg::Crate(path) => krate = Some(path),
        }
    }
    Some(Args {
        types,
        private: crate::private_path(krate.as_ref()),
    })
}
