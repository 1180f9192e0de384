//! `RequestId` (feature `http`): which incoming `x-request-id` values are kept, byte by byte and
//! length by length; everything else is replaced by a fresh UUID v7, never echoed.

#![cfg(feature = "http")]

use context_runtime::RequestId;
use http::{HeaderMap, HeaderValue};

#[test]
fn exactly_the_visible_ascii_bytes_are_accepted() {
    for byte in 0..=u8::MAX {
        let accepted = RequestId::parse(&[b'a', byte, b'z']).is_some();
        assert_eq!(accepted, (0x21..=0x7e).contains(&byte), "byte {byte:#04x}");
    }
}

#[test]
fn one_to_128_bytes_are_accepted() {
    assert!(RequestId::parse(b"").is_none());
    for len in 1..=128 {
        assert_eq!(
            RequestId::parse(&vec![b'r'; len]).map(|id| id.as_str().len()),
            Some(len)
        );
    }
    assert!(RequestId::parse(&[b'r'; 129]).is_none());
    assert!(RequestId::parse(&vec![b'r'; 100_000]).is_none());
}

fn from(values: &[&[u8]]) -> RequestId {
    let mut headers = HeaderMap::new();
    for value in values {
        headers.append(
            "x-request-id",
            HeaderValue::from_bytes(value).expect("a header value"),
        );
    }
    RequestId::from_headers(&headers)
}

#[test]
fn anything_else_is_replaced_by_a_fresh_uuid_v7() {
    let cases: [&[&[u8]]; 7] = [
        &[],
        &[b""],
        &[b"two words"],
        &[b"tab\tinside"],
        &[b"\xff\xfe"],
        &[b"first", b"second"],
        &[b"same", b"same"],
    ];
    for values in cases {
        let id = from(values);
        assert_eq!(id.as_str().len(), 36, "{values:?}");
        assert_eq!(id.as_str().as_bytes()[14], b'7', "version 7: {id}");
        assert!(
            values
                .iter()
                .all(|value| !id.as_str().as_bytes().starts_with(value) || value.is_empty())
        );
    }
    assert_eq!(from(&[b"r-1"]).as_str(), "r-1");
}

#[test]
fn generated_ids_are_unique_and_time_ordered() {
    let ids: Vec<RequestId> = (0..10_000).map(|_| RequestId::generate()).collect();
    let mut sorted = ids.clone();
    sorted.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "unique");
    assert!(
        ids.first().expect("some").as_str() < ids.last().expect("some").as_str(),
        "time-ordered"
    );
}
