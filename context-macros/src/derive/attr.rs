//! Parses `#[context(...)]` on the struct and on its fields.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, LitStr, Path, Token};

use crate::ctxt::Ctxt;

/// Keys accepted on a field, in the order error messages list them.
const FIELD_KEYS: &[&str] = &["default", "sensitive", "log", "propagate"];
/// Keys accepted on the struct.
const CONTAINER_KEYS: &[&str] = &["crate", "sealed"];

/// `#[context(...)]` on the struct.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// `crate = path`: where `context_runtime` is, for re-exporters.
    pub(crate) krate: Option<Path>,
    /// `sealed`: a value cannot be scoped where another one is set.
    pub(crate) sealed: Option<Span>,
}

/// `#[context(...)]` on a field. Each flag keeps the span of the key that set it, for errors.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) default: Option<Default>,
    pub(crate) sensitive: Option<Span>,
    pub(crate) log: Option<Span>,
    pub(crate) propagate: Option<Span>,
}

/// `#[context(default)]` or `#[context(default = expr)]`.
pub(crate) struct Default {
    pub(crate) span: Span,
    pub(crate) expr: Option<Expr>,
}

pub(crate) fn container(cx: &mut Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("context")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let path = parse_crate_path(&meta)?;
                if out.krate.is_some() {
                    return Err(duplicate(&meta, "crate"));
                }
                out.krate = Some(path);
                Ok(())
            } else if meta.path.is_ident("sealed") {
                if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
                    return Err(meta.error("`sealed` takes no value: write `#[context(sealed)]`"));
                }
                if out.sealed.is_some() {
                    return Err(duplicate(&meta, "sealed"));
                }
                out.sealed = Some(meta.path.span());
                Ok(())
            } else if FIELD_KEYS.iter().any(|key| meta.path.is_ident(key)) {
                Err(meta.error(format_args!(
                    "`{}` belongs on a field, not on the struct: move it to the field it is about",
                    path_name(&meta.path),
                )))
            } else {
                Err(unknown(&meta, CONTAINER_KEYS))
            }
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    out
}

pub(crate) fn field(cx: &mut Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("context")) {
        let result = attr.parse_nested_meta(|meta| {
            let span = meta.path.require_ident()?.span();
            let slot = if meta.path.is_ident("default") {
                if out.default.is_some() {
                    return Err(duplicate(&meta, "default"));
                }
                let expr = if meta.input.peek(Token![=]) {
                    Some(meta.value()?.parse()?)
                } else {
                    None
                };
                out.default = Some(Default { span, expr });
                return Ok(());
            } else if meta.path.is_ident("sensitive") {
                &mut out.sensitive
            } else if meta.path.is_ident("log") {
                &mut out.log
            } else if meta.path.is_ident("propagate") {
                &mut out.propagate
            } else if meta.path.is_ident("crate") || meta.path.is_ident("sealed") {
                return Err(meta.error(format_args!(
                    "`{}` belongs on the struct, not on a field",
                    path_name(&meta.path)
                )));
            } else {
                return Err(unknown(&meta, FIELD_KEYS));
            };
            let name = path_name(&meta.path);
            if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
                return Err(meta.error(format_args!(
                    "`{name}` takes no value: write `#[context({name})]`"
                )));
            }
            if slot.is_some() {
                return Err(duplicate(&meta, &name));
            }
            *slot = Some(span);
            Ok(())
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    out
}

/// `crate = path` or `crate = "path"`.
fn parse_crate_path(meta: &ParseNestedMeta<'_>) -> syn::Result<Path> {
    let value = meta.value()?;
    if value.peek(LitStr) {
        value.parse::<LitStr>()?.parse()
    } else {
        value.parse()
    }
}

fn duplicate(meta: &ParseNestedMeta<'_>, name: &str) -> syn::Error {
    meta.error(format_args!(
        "duplicate `{name}`: it is already given for this item; remove one"
    ))
}

fn unknown(meta: &ParseNestedMeta<'_>, expected: &[&str]) -> syn::Error {
    let name = path_name(&meta.path);
    let list = expected
        .iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let suggestion = expected
        .iter()
        .filter(|key| edit_distance(&name, key) <= 2)
        .min_by_key(|key| edit_distance(&name, key))
        .map(|key| format!(" (did you mean `{key}`?)"))
        .unwrap_or_default();
    meta.error(format_args!(
        "unknown context attribute `{name}`{suggestion}; expected one of {list}"
    ))
}

fn path_name(path: &Path) -> String {
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    segments.join("::")
}

/// Levenshtein distance, for "did you mean" suggestions on short keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("sensitive", "sensitive"), 0);
        assert_eq!(edit_distance("sensitiv", "sensitive"), 1);
        assert_eq!(edit_distance("snesitive", "sensitive"), 2);
        assert_eq!(edit_distance("lgo", "log"), 2);
        assert_eq!(edit_distance("", "log"), 3);
    }
}
