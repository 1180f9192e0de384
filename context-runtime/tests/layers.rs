//! The runtime's folders depend on each other in one direction only (CONTRIBUTING.md): `core` on
//! nothing else in the crate; `spawn`, `deadline` and `carrier` on `core`; `log` on `core` and
//! `deadline`; `http` on those; `private` (mounted as `__private`, for generated code) on all of
//! them. This reads every source file's `crate::` paths, resolves the root's re-exports to the
//! folder that defines them, and fails on any dependency outside that order, so an import circle
//! cannot come back unnoticed.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Which folders each folder may use. `builder` is a file of its own, at the root (the states of
/// the generated builders, public as `context_runtime::builder`), and uses nothing.
const ALLOWED: &[(&str, &[&str])] = &[
    ("builder", &[]),
    ("core", &[]),
    ("spawn", &["core"]),
    ("deadline", &["core"]),
    ("log", &["core", "deadline"]),
    ("carrier", &["core"]),
    ("http", &["core", "spawn", "deadline", "log", "carrier"]),
    (
        "private",
        &["builder", "core", "spawn", "deadline", "log", "carrier"],
    ),
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file, without comments (doc links may point anywhere).
fn code(path: &Path) -> String {
    let text = fs::read_to_string(path).expect("a readable source file");
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names inside `crate::…` paths: `crate::a::B` gives `a`; `crate::{A, b::C}` gives `A`, `b`.
fn crate_paths(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').expect("a closed use group");
            for item in group[..end].split(',') {
                let first = item.trim().split("::").next().unwrap_or_default();
                names.push(first.trim().to_owned());
            }
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            names.push(rest[..end].to_owned());
        }
    }
    names.retain(|name| !name.is_empty());
    names
}

/// The folder of each name the crate root re-exports (`pub use crate::carrier::{Baggage, ..}`).
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let mut exports = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(at) = statement.find("pub use crate::") else {
            continue;
        };
        let path = &statement[at + "pub use crate::".len()..];
        let (folder, items) = path.split_once("::").expect("a re-export names its folder");
        for item in items
            .trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace())
            .split(',')
        {
            let item = item.trim();
            if !item.is_empty() {
                exports.insert(item.to_owned(), folder.to_owned());
            }
        }
    }
    exports
}

#[test]
fn folders_depend_on_each_other_in_one_direction() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let exports = root_exports(&code(&src.join("lib.rs")));
    assert!(
        exports.len() > 20,
        "the root re-exports were not found: {exports:?}"
    );
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut seen = BTreeSet::new();
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src/");
        let mut components = relative.components();
        let folder = components
            .next()
            .expect("a path")
            .as_os_str()
            .to_string_lossy();
        if components.next().is_none() {
            continue; // lib.rs: the root, which re-exports everything
        }
        let uses = allowed
            .get(&*folder)
            .unwrap_or_else(|| panic!("a folder the layering does not know: {folder}"));
        let code = code(file);
        if code.contains("super::super") {
            wrong.push(format!(
                "{}: reach other folders by `crate::`",
                relative.display()
            ));
        }
        for name in crate_paths(&code) {
            let target = match name.as_str() {
                "__private" => "private".to_owned(),
                name if allowed.contains_key(name) => name.to_owned(),
                name => exports
                    .get(name)
                    .unwrap_or_else(|| {
                        panic!(
                            "{}: `crate::{name}` is not re-exported by the root",
                            relative.display()
                        )
                    })
                    .clone(),
            };
            if target == folder {
                continue;
            }
            seen.insert((folder.to_string(), target.clone()));
            if !uses.contains(&target.as_str()) {
                wrong.push(format!(
                    "{} uses `crate::{name}` ({target})",
                    relative.display()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies against the layering:\n{}",
        wrong.join("\n")
    );
    // The test reads what it claims to: the known edges are found.
    for edge in [("spawn", "core"), ("http", "carrier"), ("private", "spawn")] {
        assert!(
            seen.contains(&(edge.0.to_owned(), edge.1.to_owned())),
            "{edge:?} not found: the parser missed paths ({seen:?})"
        );
    }
}
