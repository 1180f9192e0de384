//! Expansion snapshots: every `expand/NAME.rs` is expanded with this crate's own functions and
//! compared with `expand/NAME.expanded.rs`, pretty-printed, so a reviewer sees exactly what the
//! macros emit and a change to the output shows up in the diff.
//!
//! `UPDATE_EXPANSIONS=1 cargo test -p context-macros` writes the `.expanded.rs` files. Without it
//! (CI never sets it) a changed or missing snapshot fails the test: a new input needs its
//! snapshot committed, reviewed like any other.

use std::path::Path;

use quote::ToTokens;
use syn::{Attribute, Item};

fn expand_file(source: &str) -> String {
    let file = syn::parse_file(source).expect("the snapshot input parses");
    let mut output = proc_macro2::TokenStream::new();
    for mut item in file.items {
        let attrs = attributes(&mut item);
        if let Some(position) = attrs
            .iter()
            .position(|attr| attr.path().is_ident("with_context"))
        {
            let attr = attrs.remove(position);
            let args = match attr.meta {
                syn::Meta::List(list) => list.tokens,
                _ => proc_macro2::TokenStream::new(),
            };
            output.extend(crate::with_context::expand(args, item.to_token_stream()));
        } else if attrs.iter().any(|attr| attr.path().is_ident("derive")) {
            attrs.retain(|attr| !attr.path().is_ident("derive"));
            let input: syn::DeriveInput = syn::parse2(item.to_token_stream()).expect("a struct");
            output.extend(item.to_token_stream());
            output.extend(crate::derive::derive(&input));
        } else {
            output.extend(item.to_token_stream());
        }
    }
    let file: syn::File = syn::parse2(output).expect("the expansion parses as a file");
    prettyplease::unparse(&file)
}

fn attributes(item: &mut Item) -> &mut Vec<Attribute> {
    match item {
        Item::Fn(item) => &mut item.attrs,
        Item::Impl(item) => &mut item.attrs,
        Item::Mod(item) => &mut item.attrs,
        Item::Struct(item) => &mut item.attrs,
        Item::Trait(item) => &mut item.attrs,
        other => panic!(
            "snapshot inputs hold fns, impls, mods, traits and structs, not {}",
            other.to_token_stream()
        ),
    }
}

#[test]
fn expansions_match_their_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("expand");
    let update = std::env::var_os("UPDATE_EXPANSIONS").is_some();
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("expand/ exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "rs")
                && !path.to_string_lossy().ends_with(".expanded.rs")
        })
        .collect();
    inputs.sort();
    assert!(
        !inputs.is_empty(),
        "no snapshot inputs in {}",
        dir.display()
    );
    let mut mismatches: Vec<String> = std::fs::read_dir(&dir)
        .expect("expand/ exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.to_string_lossy().ends_with(".expanded.rs"))
        .filter(|snapshot| !inputs.contains(&snapshot.with_extension("").with_extension("rs")))
        .map(|snapshot| format!("{} (its input is gone: delete it)", snapshot.display()))
        .collect();
    for input in &inputs {
        let expanded = expand_file(&std::fs::read_to_string(input).expect("readable"));
        let snapshot = input.with_extension("expanded.rs");
        if update {
            std::fs::write(&snapshot, expanded).expect("writable");
            continue;
        }
        match std::fs::read_to_string(&snapshot) {
            Ok(expected) if expected == expanded => {}
            Ok(_) => mismatches.push(format!("{} (changed)", snapshot.display())),
            Err(_) => mismatches.push(format!("{} (missing)", snapshot.display())),
        }
    }
    assert!(
        mismatches.is_empty(),
        "expansion snapshots differ: {mismatches:?}; review the expansion, then run with \
         UPDATE_EXPANSIONS=1 to write them"
    );
}
