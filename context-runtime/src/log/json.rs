//! Writing the context's fields into a JSON line another format has written: where its top-level
//! object closes, which keys it has, and our values as JSON. No parse into a map, no allocation:
//! this runs on every log line.

use std::fmt::{self, Write};

use crate::LogValue;

/// The top-level keys of the JSON object `line` (whitespace around it allowed), each as written
/// between its quotes, and the index of the object's closing brace; `None` when `line` is not
/// one object (it does not start with `{`, or its braces do not close at its end).
///
/// A scan, not a validating parse: strings (with their escapes), objects and arrays are skipped
/// by their delimiters. It is given the lines of a JSON formatter, which are valid; what it must
/// get right is which strings are top-level keys, and where the object ends. A key is compared as
/// written: one whose letters are `\u`-escaped is not recognised (no JSON formatter escapes
/// letters).
pub(super) fn object_keys<'a>(line: &'a str, mut key: impl FnMut(&'a str)) -> Option<usize> {
    let bytes = line.as_bytes();
    let start = bytes.iter().position(|byte| !byte.is_ascii_whitespace())?;
    if bytes[start] != b'{' {
        return None;
    }
    let mut depth = 1_usize;
    let mut want_key = true;
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = string_end(bytes, i + 1)?;
                if depth == 1 && want_key {
                    key(&line[i + 1..end]);
                    want_key = false;
                }
                i = end;
            }
            b'{' | b'[' => depth += 1,
            b']' => depth -= 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    let rest = &bytes[i + 1..];
                    return rest.iter().all(u8::is_ascii_whitespace).then_some(i);
                }
            }
            b',' if depth == 1 => want_key = true,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The keys [`object_keys`] found, kept without allocating for the lines formatters write (up to
/// 32 keys), in a `Vec` beyond.
#[derive(Default)]
pub(super) struct Keys<'a> {
    first: [&'a str; 32],
    len: usize,
    more: Vec<&'a str>,
}

impl<'a> Keys<'a> {
    pub(super) fn push(&mut self, key: &'a str) {
        match self.first.get_mut(self.len) {
            Some(slot) => {
                *slot = key;
                self.len += 1;
            }
            None => self.more.push(key),
        }
    }

    pub(super) fn contains(&self, name: &str) -> bool {
        self.first[..self.len].contains(&name) || self.more.contains(&name)
    }
}

/// The index of the quote that closes the string whose contents start at `from`.
fn string_end(bytes: &[u8], mut from: usize) -> Option<usize> {
    while from < bytes.len() {
        match bytes[from] {
            b'"' => return Some(from),
            b'\\' => from += 2,
            _ => from += 1,
        }
    }
    None
}

/// `,"name":value` (without the comma when `first`), the value as JSON: numbers as numbers,
/// `bool` as `true`/`false`, everything else a string, escaped. A float that is not finite has no
/// JSON number: it is written as a string (`"NaN"`, `"inf"`).
pub(super) fn write_field(
    out: &mut impl Write,
    first: bool,
    name: &str,
    value: LogValue<'_>,
) -> fmt::Result {
    // A field's name is a Rust identifier: nothing in it to escape.
    out.write_str(if first { "\"" } else { ",\"" })?;
    out.write_str(name)?;
    out.write_str("\":")?;
    match value {
        LogValue::Str(text) => write_str(out, text),
        LogValue::U64(number) => write!(out, "{number}"),
        LogValue::I64(number) => write!(out, "{number}"),
        // `Debug` of a finite float is a JSON number (`0.1`, `1.0`, `1e300`).
        LogValue::F64(number) if number.is_finite() => write!(out, "{number:?}"),
        LogValue::F64(number) => write_str(out, &number.to_string()),
        LogValue::Bool(flag) => out.write_str(if flag { "true" } else { "false" }),
        LogValue::Display(value) => {
            out.write_char('"')?;
            write!(Escaped(out), "{value}")?;
            out.write_char('"')
        }
    }
}

/// `text` as a JSON string, quoted and escaped.
fn write_str(out: &mut impl Write, text: &str) -> fmt::Result {
    out.write_char('"')?;
    Escaped(out).write_str(text)?;
    out.write_char('"')
}

/// Writes what it is given escaped for the inside of a JSON string: `"` and `\` behind a
/// backslash, control characters as `\n`, `\r`, `\t` or `\u00XX`; runs of other characters in
/// one write.
struct Escaped<'a, W: Write>(&'a mut W);

impl<W: Write> Write for Escaped<'_, W> {
    #[allow(clippy::needless_bitwise_bool)] // no branch per byte, on purpose
    fn write_str(&mut self, text: &str) -> fmt::Result {
        // Most text has nothing to escape: look at every byte without a branch (the compiler
        // checks 16 or 32 at a time), then write it in one piece.
        let clean = text.bytes().fold(true, |clean, byte| {
            clean & (byte >= 0x20) & (byte != b'"') & (byte != b'\\')
        });
        if clean {
            return self.0.write_str(text);
        }
        let mut run = 0;
        for (i, byte) in text.bytes().enumerate() {
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0..0x20 => "",
                _ => continue,
            };
            self.0.write_str(&text[run..i])?;
            if escape.is_empty() {
                write!(self.0, "\\u{byte:04x}")?;
            } else {
                self.0.write_str(escape)?;
            }
            run = i + 1;
        }
        self.0.write_str(&text[run..])
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn keys(line: &str) -> Option<(Vec<&str>, usize)> {
        let mut keys = Vec::new();
        object_keys(line, |key| keys.push(key)).map(|end| (keys, end))
    }

    #[test]
    fn finds_the_top_level_keys_and_the_closing_brace() {
        let line = r#"{"a":1,"b":{"a":[1,{"c":"}"}]},"s":"x\"y,\"z\":1","e":[],"n":null} "#;
        assert_eq!(
            keys(line),
            Some((vec!["a", "b", "s", "e", "n"], line.len() - 2))
        );
        assert_eq!(keys(" {} \n"), Some((vec![], 2)));
        assert_eq!(keys(r#"{"k\"q":"v\\"}"#), Some((vec![r#"k\"q"#], 13)));
    }

    #[test]
    fn refuses_what_is_not_one_object() {
        for line in [
            "",
            "  ",
            "[1]",
            "INFO order read",
            "{\"a\":1",
            "{\"a\":\"unterminated}",
            "{\"a\":1} trailing",
            "{\"a\":1}{}",
        ] {
            assert_eq!(keys(line), None, "{line:?}");
        }
    }

    /// Any JSON value: strings with quotes, backslashes, braces, commas and control characters,
    /// nested objects and arrays.
    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(Into::into),
            any::<i64>().prop_map(Into::into),
            "[a-z\"\\{}\\[\\],:\\\\ \n\u{1}é]{0,12}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
                prop::collection::btree_map("[a-z\"{},:]{0,6}", inner, 0..6)
                    .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// What serde_json writes for any object, the scan reads back: its top-level keys, in
        /// order, and its last byte as the closing brace.
        #[test]
        fn reads_any_object_serde_json_writes(
            object in prop::collection::btree_map("[a-z_\"\\\\{}]{0,8}", any_json(), 0..8),
            pretty in any::<bool>(),
        ) {
            let value = serde_json::Value::Object(object.into_iter().collect());
            let line = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let expected: Vec<String> = value
                .as_object()
                .unwrap()
                .keys()
                .map(|key| {
                    let quoted = serde_json::to_string(key).unwrap();
                    quoted[1..quoted.len() - 1].to_owned()
                })
                .collect();
            let (keys, close) = keys(&line).expect(&line);
            prop_assert_eq!(keys, expected);
            prop_assert_eq!(close, line.len() - 1);
        }
    }

    #[test]
    fn writes_values_as_json() {
        let mut out = String::new();
        write_field(&mut out, true, "s", LogValue::Str("a\"b\\c\nd\u{1}é")).unwrap();
        write_field(&mut out, false, "u", LogValue::U64(7)).unwrap();
        write_field(&mut out, false, "i", LogValue::I64(-7)).unwrap();
        write_field(&mut out, false, "f", LogValue::F64(0.5)).unwrap();
        write_field(&mut out, false, "g", LogValue::F64(1e300)).unwrap();
        write_field(&mut out, false, "h", LogValue::F64(f64::NAN)).unwrap();
        write_field(&mut out, false, "b", LogValue::Bool(true)).unwrap();
        write_field(&mut out, false, "d", LogValue::Display(&"q\"\t")).unwrap();
        let object = format!("{{{out}}}");
        let parsed: serde_json::Value = serde_json::from_str(&object).expect(&object);
        assert_eq!(
            parsed,
            serde_json::json!({
                "s": "a\"b\\c\nd\u{1}é", "u": 7, "i": -7, "f": 0.5, "g": 1e300, "h": "NaN",
                "b": true, "d": "q\"\t",
            })
        );
    }
}
