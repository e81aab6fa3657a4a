//! A small JSON reader and the helpers to read option objects strictly (unknown keys,
//! wrong types and out-of-range numbers are errors that name the key).
//!
//! Hand-written rather than serde_json: the options and the model header are a handful
//! of flat objects, and serde's generated code made up a third of the wasm binary.
//! Writing is done with `format!` by the few types that need it; floats are never
//! formatted here (the wasm build would otherwise carry Rust's float printer): writers
//! take a `NumberFormat`.

use crate::error::{Error, Result};
use std::ops::Range;

/// Formats a finite f64 as a JSON number. The wasm bindings pass JavaScript's own
/// formatter, so the binary carries no float printer; native code can use `format!`.
pub type NumberFormat<'a> = &'a dyn Fn(f64) -> String;

/// A JSON number, or `null` when absent or not finite.
pub fn opt_num(v: Option<f64>, num: NumberFormat) -> String {
    match v {
        Some(x) if x.is_finite() => num(x),
        _ => "null".into(),
    }
}

const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub value: Json,
    /// Byte range of the value's text in the parsed document (to keep it verbatim).
    pub span: Range<usize>,
}

/// Parses a complete JSON document; the error says what was wrong and at which byte.
pub fn parse(text: &str) -> std::result::Result<Json, String> {
    let mut p = Parser { b: text.as_bytes(), i: 0, depth: 0 };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i != p.b.len() {
        return Err(p.err("unexpected characters after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, what: &str) -> String {
        format!("{what} at byte {}", self.i)
    }

    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> std::result::Result<Json, String> {
        match self.b.get(self.i) {
            None => Err(self.err("unexpected end of JSON")),
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => Ok(Json::Str(self.string()?)),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(c) if *c == b'-' || c.is_ascii_digit() => self.number(),
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn nested(&mut self, f: fn(&mut Self) -> std::result::Result<Json, String>) -> std::result::Result<Json, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("JSON nested too deeply"));
        }
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn literal(&mut self, word: &str, v: Json) -> std::result::Result<Json, String> {
        if self.b[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.err("unexpected character"))
        }
    }

    fn object(&mut self) -> std::result::Result<Json, String> {
        self.i += 1; // {
        let mut members = Vec::new();
        self.ws();
        if self.eat(b'}') {
            return Ok(Json::Obj(members));
        }
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return Err(self.err("expected a key string"));
            }
            let key = self.string()?;
            self.ws();
            if !self.eat(b':') {
                return Err(self.err("expected ':'"));
            }
            self.ws();
            let start = self.i;
            let value = self.value()?;
            if members.iter().any(|m: &Member| m.key == key) {
                return Err(self.err(&format!("duplicate key '{key}'")));
            }
            members.push(Member { key, value, span: start..self.i });
            self.ws();
            if self.eat(b'}') {
                return Ok(Json::Obj(members));
            }
            if !self.eat(b',') {
                return Err(self.err("expected ',' or '}'"));
            }
        }
    }

    fn array(&mut self) -> std::result::Result<Json, String> {
        self.i += 1; // [
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']') {
            return Ok(Json::Arr(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            if self.eat(b']') {
                return Ok(Json::Arr(items));
            }
            if !self.eat(b',') {
                return Err(self.err("expected ',' or ']'"));
            }
        }
    }

    fn string(&mut self) -> std::result::Result<String, String> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            while self.i < self.b.len() && self.b[self.i] != b'"' && self.b[self.i] != b'\\' && self.b[self.i] >= 0x20 {
                self.i += 1;
            }
            // The input is a &str, so any run between ASCII delimiters is valid UTF-8.
            out.push_str(std::str::from_utf8(&self.b[start..self.i]).map_err(|_| self.err("invalid UTF-8"))?);
            match self.b.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = *self.b.get(self.i).ok_or_else(|| self.err("unterminated string"))?;
                    self.i += 1;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&hi) {
                                if !(self.eat(b'\\') && self.eat(b'u')) {
                                    return Err(self.err("unpaired surrogate"));
                                }
                                let lo = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return Err(self.err("unpaired surrogate"));
                                }
                                0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                            } else {
                                hi
                            };
                            out.push(char::from_u32(code).ok_or_else(|| self.err("invalid \\u escape"))?);
                        }
                        _ => return Err(self.err("invalid escape")),
                    }
                }
                Some(_) => return Err(self.err("control character in string")),
                None => return Err(self.err("unterminated string")),
            }
        }
    }

    fn hex4(&mut self) -> std::result::Result<u32, String> {
        let digits = self.b.get(self.i..self.i + 4).ok_or_else(|| self.err("short \\u escape"))?;
        let s = std::str::from_utf8(digits).map_err(|_| self.err("bad \\u escape"))?;
        let v = u32::from_str_radix(s, 16).map_err(|_| self.err("bad \\u escape"))?;
        self.i += 4;
        Ok(v)
    }

    fn number(&mut self) -> std::result::Result<Json, String> {
        let start = self.i;
        self.eat(b'-');
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.i < p.b.len() && p.b[p.i].is_ascii_digit() {
                p.i += 1;
            }
            p.i > s
        };
        let int_start = self.i;
        if !digits(self) {
            return Err(self.err("invalid number"));
        }
        // RFC 8259: no leading zeros ("09"). JavaScript's JSON.parse refuses them, and the SDK
        // parses the same header again, so the two readers must agree on what is JSON.
        if self.i - int_start > 1 && self.b[int_start] == b'0' {
            return Err(self.err("invalid number (leading zero)"));
        }
        if self.eat(b'.') && !digits(self) {
            return Err(self.err("invalid number"));
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _ = self.eat(b'+') || self.eat(b'-');
            if !digits(self) {
                return Err(self.err("invalid number"));
            }
        }
        // the digits, sign, '.', 'e' just read are ASCII; a match, not `expect`, which would
        // link the Debug printing of the UTF-8 error into the wasm
        let v: f64 = match std::str::from_utf8(&self.b[start..self.i]) {
            Ok(text) => text.parse().map_err(|_| self.err("invalid number"))?,
            Err(_) => return Err(self.err("invalid number")),
        };
        if !v.is_finite() {
            return Err(self.err("number out of range"));
        }
        Ok(Json::Num(v))
    }
}

/// Appends `s` as a JSON string literal.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Strict reader of one JSON object's fields: each getter consumes a key; `finish`
/// rejects keys nobody asked for. Errors are `InvalidOption` naming `what` and the key.
pub struct Fields<'a> {
    what: &'static str,
    members: &'a [Member],
    used: Vec<bool>,
}

// The getters below are kept out of line (`#[inline(never)]`): options and configs are read
// once a call, never in a loop, and inlined into every field of every reader they cost 4.1 KiB
// of wasm (1.0 KiB gzip; measured when `mmd` was added: 645,327 -> 641,282 bytes before
// wasm-bindgen).
impl<'a> Fields<'a> {
    pub fn of(value: &'a Json, what: &'static str) -> Result<Fields<'a>> {
        match value {
            Json::Obj(members) => Ok(Fields { what, members, used: vec![false; members.len()] }),
            _ => Err(Error::InvalidOption(format!("{what} must be a JSON object"))),
        }
    }

    #[inline(never)]
    fn bad(&self, key: &str, must: &str) -> Error {
        Error::InvalidOption(format!("{}: '{key}' must be {must}", self.what))
    }

    /// The value of `key`, or None when absent or null.
    #[inline(never)]
    pub fn get(&mut self, key: &str) -> Option<&'a Json> {
        let i = self.members.iter().position(|m| m.key == key)?;
        self.used[i] = true;
        match &self.members[i].value {
            Json::Null => None,
            v => Some(v),
        }
    }

    /// The member itself (for its span), when present.
    pub fn member(&mut self, key: &str) -> Option<&'a Member> {
        let i = self.members.iter().position(|m| m.key == key)?;
        self.used[i] = true;
        Some(&self.members[i])
    }

    #[inline(never)]
    pub fn uint(&mut self, key: &str, default: Option<u64>) -> Result<u64> {
        match self.get(key) {
            None => default.ok_or_else(|| self.bad(key, "given (it is required)")),
            Some(Json::Num(v)) if *v >= 0.0 && v.fract() == 0.0 && *v <= 9_007_199_254_740_992.0 => Ok(*v as u64),
            Some(_) => Err(self.bad(key, "an integer >= 0")),
        }
    }

    #[inline(never)]
    pub fn usize(&mut self, key: &str, default: Option<usize>) -> Result<usize> {
        let v = self.uint(key, default.map(|d| d as u64))?;
        usize::try_from(v).map_err(|_| Error::TooLarge(format!("{}: '{key}' is too large", self.what)))
    }

    #[inline(never)]
    pub fn float(&mut self, key: &str, default: f64) -> Result<f64> {
        match self.get(key) {
            None => Ok(default),
            Some(Json::Num(v)) => Ok(*v),
            Some(_) => Err(self.bad(key, "a number")),
        }
    }

    #[inline(never)]
    pub fn opt_float(&mut self, key: &str) -> Result<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::Num(v)) => Ok(Some(*v)),
            Some(_) => Err(self.bad(key, "a number or null")),
        }
    }

    #[inline(never)]
    pub fn bool(&mut self, key: &str, default: bool) -> Result<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(Json::Bool(b)) => Ok(*b),
            Some(_) => Err(self.bad(key, "true or false")),
        }
    }

    pub fn uint_list(&mut self, key: &str) -> Result<Option<Vec<usize>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::Arr(items)) => items
                .iter()
                .map(|v| match v {
                    Json::Num(x) if *x >= 0.0 && x.fract() == 0.0 && *x <= u32::MAX as f64 => Ok(*x as usize),
                    _ => Err(self.bad(key, "an array of integers >= 0")),
                })
                .collect::<Result<Vec<_>>>()
                .map(Some),
            Some(_) => Err(self.bad(key, "an array of integers")),
        }
    }

    /// A string naming one of `T`'s variants (by `parse`); `choices` lists them for the message.
    pub fn name<T>(&mut self, key: &str, parse: fn(&str) -> Option<T>, choices: &str, default: T) -> Result<T> {
        match self.get(key) {
            None => Ok(default),
            Some(Json::Str(s)) => parse(s).ok_or_else(|| self.bad(key, &format!("one of {choices} (got '{s}')"))),
            Some(_) => Err(self.bad(key, &format!("one of {choices}"))),
        }
    }

    /// Fails on the first key no getter asked for.
    pub fn finish(self) -> Result<()> {
        match self.used.iter().position(|u| !u) {
            Some(i) => Err(Error::InvalidOption(format!("{}: unknown option '{}'", self.what, self.members[i].key))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_values_and_keeps_member_spans() {
        let text = r#" {"a": [1, -2.5e3, true, null], "b": {"c": "x\"\u00e9\ud83d\ude00"}} "#;
        let v = parse(text).unwrap();
        let Json::Obj(m) = &v else { panic!() };
        assert_eq!(m[0].value, Json::Arr(vec![Json::Num(1.0), Json::Num(-2500.0), Json::Bool(true), Json::Null]));
        assert_eq!(&text[m[1].span.clone()], r#"{"c": "x\"\u00e9\ud83d\ude00"}"#);
        let Json::Obj(inner) = &m[1].value else { panic!() };
        assert_eq!(inner[0].value, Json::Str("x\"é😀".into()));
    }

    #[test]
    fn rejects_malformed_documents() {
        for bad in ["", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01x", "1e999", "\"\\q\"", "{\"a\":1,\"a\":2}", "[1] 2", "nul", "\"\\ud800\"", "09", "[-00]", "{\"a\":012.5}"] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
        for good in ["0", "-0", "0.5", "10", "-0e3", "1e01"] {
            assert!(parse(good).is_ok(), "{good:?} refused");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&deep).unwrap_err().contains("deeply"));
    }

    #[test]
    fn fields_are_strict() {
        let v = parse(r#"{"n": 3, "f": 0.5, "s": "relu", "x": 1}"#).unwrap();
        let mut f = Fields::of(&v, "test").unwrap();
        assert_eq!(f.usize("n", None).unwrap(), 3);
        assert_eq!(f.float("f", 1.0).unwrap(), 0.5);
        assert!(f.bool("missing", true).unwrap());
        let err = f.finish().unwrap_err();
        assert!(err.to_string().contains("unknown option 's'"), "{err}");
        let mut f = Fields::of(&v, "test").unwrap();
        assert!(f.usize("f", None).unwrap_err().to_string().contains("'f' must be an integer"));
        assert!(f.usize("absent", None).is_err());
    }

    #[test]
    fn writes_escaped_strings() {
        let mut s = String::new();
        write_str(&mut s, "a\"b\\c\nd\u{1}é");
        assert_eq!(s, r#""a\"b\\c\nd\u0001é""#);
        assert_eq!(parse(&s).unwrap(), Json::Str("a\"b\\c\nd\u{1}é".into()));
    }
}
