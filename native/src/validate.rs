//! The fast path of Iglu validation (the slow path is `transforms/iglu/validator.py`): a store of compiled
//! schemas by Iglu URI that says "valid" only when the Python slow path (jsonschema's `Draft4Validator` with
//! the format checks of `compiled_schema.py`) would say so too. Anything else ("invalid", unknown, expired,
//! unsure) sends the caller to the Python path, which writes the messages.
//!
//! Never more lenient than Python: a schema is taken only when every keyword in it means here what it means
//! there; otherwise [`SchemaStore::add`] refuses it and Python keeps validating that URI. Taken: `type` (checked
//! here: Draft 4 counts `1.0` as a number, not an integer), `enum`, `properties`, `required`,
//! `additionalProperties`, `items`, `additionalItems`, `dependencies`, `allOf`, `anyOf`, `oneOf`, `not`,
//! `definitions`, the length, count and bound keywords, `uniqueItems`, `$ref` to `#` or `#/definitions/NAME`
//! (with no sibling keyword: Draft 4 ignores them), `pattern` (see [`translate_pattern`]), `format` (the seven
//! checks of `compiled_schema.py`; other names are annotations there too), and `title`, `description`,
//! `default`, `examples`. Refused: `format: regex` (whether Python's `re` compiles a text cannot be told
//! here), `patternProperties` (its keys decide which properties are additional), `multipleOf` (Python's float
//! division and modulo), `id` (it moves `$ref` resolution), any other keyword, and a `pattern` outside the
//! subset that means the same to Python's `re` and the `regex` crate.
//!
//! `\d`, `\w`, `\s`, `\b` (and their negations) agree with Python's on ASCII text only (their Unicode tables
//! differ, and Python's `\s` also holds `\x1c`-`\x1f`, added here): on non-ASCII text a pattern or format using
//! them makes the verdict "unsure", which is not "valid".

use std::cell::Cell;
use std::sync::{Arc, OnceLock};

use jsonschema::paths::Location;
use jsonschema::{Keyword, ValidationError, Validator};
use regex::Regex;
use serde_json::{Map, Value};

use crate::event::{Event, FieldValue, NameMap};
use crate::iglu_key::{parse_schema_key, SchemaKey};
use crate::json::self_describing_value;

/// Entries kept (schemas taken or refused); the store is cleared when full, as the Python caches are.
pub const MAX_ENTRIES: usize = 10_000;
/// How deep a schema may nest; deeper ones are refused.
const MAX_SCHEMA_DEPTH: usize = 64;

/// The schema the contexts envelopes are written with.
pub const CONTEXTS_WRITTEN: &str = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1";
/// The schema of the derived context recording a superseded schema.
pub const VALIDATION_INFO: &str = "iglu:com.snowplowanalytics.iglu/validation_info/jsonschema/1-0-0";
const SNOWPLOW: &str = "com.snowplowanalytics.snowplow";

const PATTERN_KEYWORD: &str = "x-snowplow-py-pattern";
const FORMAT_KEYWORD: &str = "x-snowplow-py-format";
const TYPE_KEYWORD: &str = "x-snowplow-py-type";

thread_local! {
    /// Set by a keyword that met a value it cannot judge as Python would: the verdict is then not "valid".
    static UNSURE: Cell<bool> = const { Cell::new(false) };
}

fn unsure() {
    UNSURE.with(|flag| flag.set(true));
}

/// A `pattern` in the `regex` crate's syntax, with the same `re.search` meaning as in Python.
#[derive(Debug, PartialEq)]
pub struct Translated {
    pub regex: String,
    /// Uses `\d`, `\w`, `\s`, `\b` or a negation: exact on ASCII text only.
    pub ascii_only: bool,
}

/// Translates a Python `re` pattern into the `regex` crate's syntax, or says why it cannot be trusted to mean
/// the same. The subset: literals, `.`, `^`, `|`, groups `(...)`, `(?:...)`, `(?P<name>...)`, the greedy and
/// lazy quantifiers (`{,n}` as Python reads it), bracket classes (re-written item by item, so that the
/// `regex` crate's nested classes and `&&`/`--`/`~~` operators never apply), `\A`, `\Z`, the escapes `\n`,
/// `\t`, `\r`, `\f`, `\v`, `\a`, `\xhh`, `\uhhhh`, `\Uhhhhhhhh`, escaped punctuation, and `\d \w \s \b` with
/// their negations. `$` (end, or before a final newline) only where it ends a top-level alternative, as
/// `\n?\z`. Refused: lookarounds, backreferences, inline flags, possessive quantifiers, conditionals,
/// comments, octal and named-character escapes, and anything else.
pub fn translate_pattern(pattern: &str) -> Result<Translated, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut ascii_only = false;
    let mut depth = 0usize;
    // Whether the last item can take a quantifier (an atom, not an anchor, a quantifier or an opening).
    let mut quantifiable = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '\\' => {
                let (text, sensitive, atom) = escape_outside(&chars, &mut i)?;
                ascii_only |= sensitive;
                out.push_str(&text);
                quantifiable = atom;
            }
            '.' => {
                out.push('.');
                quantifiable = true;
            }
            '^' => {
                out.push('^');
                quantifiable = false;
            }
            '$' => {
                let ends_alternative = i == chars.len() || (depth == 0 && chars[i] == '|');
                if !ends_alternative {
                    return Err("`$` not at the end of a top-level alternative".into());
                }
                out.push_str(r"(?:\n?\z)");
                quantifiable = false;
            }
            '|' => {
                out.push('|');
                quantifiable = false;
            }
            '(' => {
                if chars.get(i) == Some(&'?') {
                    match (chars.get(i + 1), chars.get(i + 2)) {
                        (Some(':'), _) => {
                            out.push_str("(?:");
                            i += 2;
                        }
                        (Some('P'), Some('<')) => {
                            let start = i + 3;
                            let end = (start..chars.len()).find(|&j| chars[j] == '>').ok_or("unterminated group name")?;
                            let name: String = chars[start..end].iter().collect();
                            let valid = name.chars().next().is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
                                && name.chars().all(|n| n.is_ascii_alphanumeric() || n == '_');
                            if !valid {
                                return Err(format!("group name {name:?}"));
                            }
                            out.push_str("(?P<");
                            out.push_str(&name);
                            out.push('>');
                            i = end + 1;
                        }
                        _ => return Err("`(?` extension (lookaround, flag, backreference, comment...)".into()),
                    }
                } else {
                    out.push('(');
                }
                depth += 1;
                quantifiable = false;
            }
            ')' => {
                depth = depth.checked_sub(1).ok_or("unbalanced `)`")?;
                out.push(')');
                quantifiable = true;
            }
            '[' => {
                let (text, sensitive) = class(&chars, &mut i)?;
                ascii_only |= sensitive;
                out.push_str(&text);
                quantifiable = true;
            }
            '*' | '+' | '?' | '{' => {
                if !quantifiable {
                    return Err(format!("quantifier `{c}` with nothing to repeat"));
                }
                if c == '{' {
                    let end = (i..chars.len()).find(|&j| chars[j] == '}').ok_or("`{` that is no quantifier")?;
                    let body: String = chars[i..end].iter().collect();
                    out.push_str(&quantifier_braces(&body)?);
                    i = end + 1;
                } else {
                    out.push(c);
                }
                match chars.get(i) {
                    Some('?') => {
                        out.push('?');
                        i += 1;
                    }
                    Some('+') => return Err("possessive quantifier".into()),
                    _ => {}
                }
                quantifiable = false;
            }
            '}' => {
                out.push_str(r"\}");
                quantifiable = true;
            }
            _ => {
                push_literal(&mut out, c);
                quantifiable = true;
            }
        }
    }
    if depth != 0 {
        return Err("unbalanced `(`".into());
    }
    Ok(Translated { regex: out, ascii_only })
}

/// `{n}`, `{n,}`, `{n,m}`, `{,m}` (Python's `{0,m}`); Python reads any other `{` as a literal, refused here.
fn quantifier_braces(body: &str) -> Result<String, String> {
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let text = match body.split_once(',') {
        None if digits(body) => format!("{{{body}}}"),
        Some(("", max)) if digits(max) => format!("{{0,{max}}}"),
        Some((min, "")) if digits(min) => format!("{{{min},}}"),
        Some((min, max)) if digits(min) && digits(max) => format!("{{{min},{max}}}"),
        _ => return Err(format!("`{{{body}}}` that is no quantifier")),
    };
    Ok(text)
}

fn push_literal(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || (!c.is_ascii() && !c.is_whitespace()) || c == '_' {
        out.push(c);
    } else {
        out.push_str(&format!("\\x{{{:X}}}", c as u32));
    }
}

/// The class escapes as Python reads them in `str` patterns, restricted to ASCII text (see the module doc).
fn class_escape(letter: char) -> Option<&'static str> {
    Some(match letter {
        'd' => r"\d",
        'D' => r"\D",
        'w' => r"\w",
        'W' => r"\W",
        's' => r"[\s\x1C-\x1F]",
        'S' => r"[^\s\x1C-\x1F]",
        _ => return None,
    })
}

/// A character named by an escape both engines read alike (`\n`, `\x41`, `\.`...), or why not.
fn escaped_char(chars: &[char], i: &mut usize, letter: char) -> Result<char, String> {
    let hex = |i: &mut usize, n: usize| -> Result<char, String> {
        let text: String = chars.get(*i..*i + n).ok_or("short hex escape")?.iter().collect();
        if !text.chars().all(|h| h.is_ascii_hexdigit()) {
            return Err("bad hex escape".into());
        }
        *i += n;
        u32::from_str_radix(&text, 16).ok().and_then(char::from_u32).ok_or_else(|| "escape of no character".into())
    };
    Ok(match letter {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'f' => '\x0C',
        'v' => '\x0B',
        'a' => '\x07',
        'x' => hex(i, 2)?,
        'u' => hex(i, 4)?,
        'U' => hex(i, 8)?,
        c if c.is_ascii_alphanumeric() => return Err(format!("escape `\\{c}`")),
        c => c,
    })
}

/// An escape outside a class: (regex text, whether ASCII-only, whether it can take a quantifier).
fn escape_outside(chars: &[char], i: &mut usize) -> Result<(String, bool, bool), String> {
    let letter = *chars.get(*i).ok_or("trailing backslash")?;
    *i += 1;
    if let Some(text) = class_escape(letter) {
        return Ok((text.to_string(), true, true));
    }
    match letter {
        'b' => return Ok((r"\b".into(), true, false)),
        'B' => return Ok((r"\B".into(), true, false)),
        'A' => return Ok((r"\A".into(), false, false)),
        'Z' => return Ok((r"\z".into(), false, false)),
        _ => {}
    }
    let c = escaped_char(chars, i, letter)?;
    let mut text = String::new();
    push_literal(&mut text, c);
    Ok((text, false, true))
}

/// A bracket class from after its `[` to its `]`, re-written item by item.
fn class(chars: &[char], i: &mut usize) -> Result<(String, bool), String> {
    let mut out = String::from("[");
    let mut ascii_only = false;
    if chars.get(*i) == Some(&'^') {
        out.push('^');
        *i += 1;
    }
    let start = *i;
    // One member: a character, or a class escape (which cannot bound a range).
    let member = |i: &mut usize| -> Result<Result<char, &'static str>, String> {
        let c = *chars.get(*i).ok_or("unterminated class")?;
        *i += 1;
        if c != '\\' {
            return Ok(Ok(c));
        }
        let letter = *chars.get(*i).ok_or("trailing backslash")?;
        *i += 1;
        if let Some(text) = class_escape(letter) {
            return Ok(Err(text));
        }
        if letter == 'b' {
            return Ok(Ok('\x08'));
        }
        escaped_char(chars, i, letter).map(Ok)
    };
    loop {
        match chars.get(*i) {
            None => return Err("unterminated class".into()),
            Some(']') if *i > start => {
                *i += 1;
                break;
            }
            _ => {}
        }
        match member(i)? {
            Err(text) => {
                if chars.get(*i) == Some(&'-') && chars.get(*i + 1).is_some_and(|&n| n != ']') {
                    return Err("class escape bounding a range".into());
                }
                ascii_only = true;
                out.push_str(text);
            }
            Ok(low) => {
                let is_range = chars.get(*i) == Some(&'-') && chars.get(*i + 1).is_some_and(|&n| n != ']');
                if is_range {
                    *i += 1;
                    let high = member(i)?.map_err(|_| "class escape bounding a range")?;
                    if high < low {
                        return Err("bad character range".into());
                    }
                    out.push_str(&format!("\\x{{{:X}}}-\\x{{{:X}}}", low as u32, high as u32));
                } else {
                    out.push_str(&format!("\\x{{{:X}}}", low as u32));
                }
            }
        }
    }
    out.push(']');
    Ok((out, ascii_only))
}

/// The formats `compiled_schema.py` asserts, with its length bounds (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    DateTime,
    Email,
    Hostname,
    Ipv4,
    Ipv6,
    Uri,
    Uuid,
}

impl Format {
    /// The format of that name, `Ok(None)` for a name that is only an annotation, `Err` for `regex`.
    fn named(name: &str) -> Result<Option<Format>, String> {
        Ok(Some(match name {
            "date-time" => Format::DateTime,
            "email" => Format::Email,
            "hostname" => Format::Hostname,
            "ipv4" => Format::Ipv4,
            "ipv6" => Format::Ipv6,
            "uri" => Format::Uri,
            "uuid" => Format::Uuid,
            "regex" => return Err("format `regex` (what Python's re compiles)".into()),
            _ => return Ok(None),
        }))
    }

    fn max_length(self) -> Option<usize> {
        match self {
            Format::Email => Some(254),
            Format::Hostname => Some(253),
            Format::DateTime => Some(64),
            Format::Ipv4 => Some(15),
            Format::Ipv6 => Some(45),
            Format::Uuid => Some(36),
            Format::Uri => None,
        }
    }

    /// fastjsonschema's draft-04 regexes (`FORMAT_REGEXS`, Python-matched from the start and ending in `\Z`),
    /// translated: `\Z` as `\z`, `{,n}` as `{0,n}`, Python's `\s` with `\x1c`-`\x1f`.
    fn regex(self) -> Option<&'static Regex> {
        static REGEXES: OnceLock<Vec<Regex>> = OnceLock::new();
        let index = match self {
            Format::DateTime => 0,
            Format::Hostname => 1,
            Format::Ipv4 => 2,
            Format::Ipv6 => 3,
            Format::Uri => 4,
            Format::Uuid => 5,
            Format::Email => return None,
        };
        let regexes = REGEXES.get_or_init(|| {
            let patterns = [
                r"^(?:\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))|(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)(t|T)(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[+-](?:[01]\d|2[0-3]):[0-5]\d|[+-](?:[01]\d|2[0-3])[0-5]\d|z|Z)\z",
                r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]{0,61}[A-Za-z0-9])\z",
                r"^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\z",
                r"^(?:(?:[0-9A-Fa-f]{1,4}:){6}(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))|::(?:[0-9A-Fa-f]{1,4}:){5}(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))|(?:[0-9A-Fa-f]{1,4})?::(?:[0-9A-Fa-f]{1,4}:){4}(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))|(?:(?:[0-9A-Fa-f]{1,4}:){0,1}[0-9A-Fa-f]{1,4})?::(?:[0-9A-Fa-f]{1,4}:){3}(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))|(?:(?:[0-9A-Fa-f]{1,4}:){0,2}[0-9A-Fa-f]{1,4})?::(?:[0-9A-Fa-f]{1,4}:){2}(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))|(?:(?:[0-9A-Fa-f]{1,4}:){0,3}[0-9A-Fa-f]{1,4})?::[0-9A-Fa-f]{1,4}:(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))|(?:(?:[0-9A-Fa-f]{1,4}:){0,4}[0-9A-Fa-f]{1,4})?::(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}|(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))|(?:(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4})?::[0-9A-Fa-f]{1,4}|(?:(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})?::)\z",
                r"^\w+:(/?/?)[^\s\x1C-\x1F]+\z",
                r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\z",
            ];
            // Fixed patterns, tested below: they compile.
            patterns.iter().filter_map(|p| Regex::new(p).ok()).collect()
        });
        regexes.get(index)
    }

    /// Whether `value` has this format as `compiled_schema.py` checks it; None when that cannot be told here
    /// (`\d`, `\w`, `\s` on non-ASCII text).
    pub fn check(self, value: &str) -> Option<bool> {
        if self.max_length().is_some_and(|limit| value.chars().count() > limit) {
            return Some(false);
        }
        if self == Format::Email {
            return Some(email(value));
        }
        if matches!(self, Format::DateTime | Format::Uri) && !value.is_ascii() {
            return None;
        }
        self.regex().map(|regex| regex.is_match(value))
    }
}

/// fastjsonschema's `^(?!.*\.\..*@)[^@.][^@]*(?<!\.)@[^@]+\.[^@]+\Z`, read by hand (the `regex` crate has no
/// lookaround): one `@`; the local part neither starts nor ends with `.`, and holds no `..` unless it holds a
/// newline (the look-ahead's `.` does not cross one); the domain has a `.` that is neither its first nor its
/// last character.
fn email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else { return false };
    if domain.contains('@') || local.is_empty() || local.starts_with('.') || local.ends_with('.') {
        return false;
    }
    if local.contains("..") && !local.contains('\n') {
        return false;
    }
    let inner: Vec<char> = domain.chars().collect();
    inner.len() >= 3 && inner[1..inner.len() - 1].contains(&'.')
}

/// The `pattern` keyword: `re.search` on strings.
struct PatternKeyword {
    regex: Regex,
    ascii_only: bool,
}

impl PatternKeyword {
    fn holds(&self, instance: &Value) -> bool {
        let Value::String(text) = instance else { return true };
        if self.ascii_only && !text.is_ascii() {
            unsure();
            return true;
        }
        self.regex.is_match(text)
    }
}

/// The `format` keyword, on strings.
struct FormatKeyword(Format);

impl FormatKeyword {
    fn holds(&self, instance: &Value) -> bool {
        let Value::String(text) = instance else { return true };
        self.0.check(text).unwrap_or_else(|| {
            unsure();
            true
        })
    }
}

/// Draft 4's `type` as Python's jsonschema reads it: an integer is an int (`1.0` is not one), a bool is
/// neither.
struct TypeKeyword(Vec<String>);

impl TypeKeyword {
    fn holds(&self, instance: &Value) -> bool {
        self.0.iter().any(|name| match name.as_str() {
            "null" => instance.is_null(),
            "boolean" => instance.is_boolean(),
            "string" => instance.is_string(),
            "array" => instance.is_array(),
            "object" => instance.is_object(),
            "number" => instance.is_number(),
            "integer" => instance.as_number().is_some_and(|n| n.is_i64() || n.is_u64()),
            _ => false,
        })
    }
}

macro_rules! keyword {
    ($name:ident, $message:expr) => {
        impl<'i> Keyword<'i> for $name {
            fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
                if self.holds(instance) {
                    Ok(())
                } else {
                    Err(ValidationError::custom($message))
                }
            }

            fn is_valid(&self, instance: &'i Value) -> bool {
                self.holds(instance)
            }
        }
    };
}

keyword!(PatternKeyword, "does not match the pattern");
keyword!(FormatKeyword, "does not match the format");
keyword!(TypeKeyword, "has the wrong type");

/// Rewrites one schema (an object) for the validator: the keywords checked here renamed, annotations
/// dropped; or why it cannot be taken. `definitions` holds the names a `$ref` may point at.
fn prepare(schema: &Value, root: bool, depth: usize, definitions: &Map<String, Value>) -> Result<Value, String> {
    if depth > MAX_SCHEMA_DEPTH {
        return Err("schema nested too deep".into());
    }
    let Value::Object(object) = schema else { return Err("a schema that is not an object".into()) };
    let sub = |value: &Value| prepare(value, false, depth + 1, definitions);
    let subs = |value: &Value| -> Result<Value, String> {
        let Value::Array(items) = value else { return Err("schema list that is not an array".into()) };
        items.iter().map(sub).collect::<Result<_, _>>().map(Value::Array)
    };
    let named = |value: &Value| -> Result<Value, String> {
        let Value::Object(entries) = value else { return Err("schema map that is not an object".into()) };
        let mut out = Map::new();
        for (name, value) in entries {
            out.insert(name.clone(), sub(value)?);
        }
        Ok(Value::Object(out))
    };
    let count = |value: &Value| value.as_u64().map(|_| value.clone()).ok_or_else(|| "count that is not an integer".to_string());
    let mut out = Map::new();
    for (key, value) in object {
        let kept = match key.as_str() {
            "$schema" | "self" | "$supersededBy" if root => continue,
            "title" | "description" | "default" | "examples" => continue,
            "$ref" => {
                let target = value.as_str().ok_or("`$ref` that is not a string")?;
                let local = target == "#"
                    || target.strip_prefix("#/definitions/").is_some_and(|name| {
                        !name.is_empty()
                            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                            && definitions.contains_key(name)
                    });
                if !local {
                    return Err(format!("`$ref` {target:?} (only `#` and `#/definitions/NAME` are taken)"));
                }
                let inert = |k: &str| {
                    matches!(k, "$ref" | "definitions" | "title" | "description" | "default" | "examples")
                        || (root && matches!(k, "$schema" | "self" | "$supersededBy"))
                };
                let siblings = object.keys().any(|k| !inert(k));
                if siblings {
                    return Err("`$ref` with sibling keywords".into());
                }
                value.clone()
            }
            "type" => {
                let names: Vec<String> = match value {
                    Value::String(name) => vec![name.clone()],
                    Value::Array(names) if !names.is_empty() => names
                        .iter()
                        .map(|n| n.as_str().map(str::to_string).ok_or("type name that is not a string"))
                        .collect::<Result<_, _>>()?,
                    _ => return Err("`type` that is neither a name nor a list of names".into()),
                };
                let known = ["null", "boolean", "string", "array", "object", "number", "integer"];
                if let Some(name) = names.iter().find(|n| !known.contains(&n.as_str())) {
                    return Err(format!("type {name:?}"));
                }
                out.insert(TYPE_KEYWORD.into(), Value::from(names));
                continue;
            }
            "pattern" => {
                let pattern = value.as_str().ok_or("`pattern` that is not a string")?;
                translate_pattern(pattern).map_err(|why| format!("pattern {pattern:?}: {why}"))?;
                out.insert(PATTERN_KEYWORD.into(), value.clone());
                continue;
            }
            "format" => {
                let name = value.as_str().ok_or("`format` that is not a string")?;
                if Format::named(name)?.is_some() {
                    out.insert(FORMAT_KEYWORD.into(), value.clone());
                }
                continue;
            }
            "enum" | "required" => match value {
                Value::Array(items) if !items.is_empty() => value.clone(),
                _ => return Err(format!("`{key}` that is not a non-empty array")),
            },
            "properties" | "definitions" => named(value)?,
            "additionalProperties" | "additionalItems" => match value {
                Value::Bool(_) => value.clone(),
                _ => sub(value)?,
            },
            "items" => match value {
                Value::Array(_) => subs(value)?,
                _ => sub(value)?,
            },
            "allOf" | "anyOf" | "oneOf" => subs(value)?,
            "not" => sub(value)?,
            "dependencies" => {
                let Value::Object(entries) = value else { return Err("`dependencies` that is not an object".into()) };
                let mut deps = Map::new();
                for (name, dep) in entries {
                    let dep = match dep {
                        Value::Array(names) if names.iter().all(Value::is_string) => dep.clone(),
                        _ => sub(dep)?,
                    };
                    deps.insert(name.clone(), dep);
                }
                Value::Object(deps)
            }
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => count(value)?,
            "minimum" | "maximum" => match value {
                Value::Number(_) => value.clone(),
                _ => return Err(format!("`{key}` that is not a number")),
            },
            "exclusiveMinimum" | "exclusiveMaximum" | "uniqueItems" => match value {
                Value::Bool(_) => value.clone(),
                _ => return Err(format!("`{key}` that is not a boolean")),
            },
            other => return Err(format!("keyword {other:?}")),
        };
        out.insert(key.clone(), kept);
    }
    Ok(Value::Object(out))
}

/// Compiles a schema as the resolver gave it (the Iglu keywords stripped, Draft 4 forced, nothing fetched),
/// or says why it is not taken.
pub fn compile(schema: &Value) -> Result<Validator, String> {
    let empty = Map::new();
    let definitions = schema.get("definitions").and_then(Value::as_object).unwrap_or(&empty);
    let prepared = prepare(schema, true, 0, definitions)?;
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .offline()
        .should_validate_formats(false)
        .with_keyword(PATTERN_KEYWORD, |_: &Map<String, Value>, value: &Value, _: Location| {
            let translated = value
                .as_str()
                .ok_or("not a string")
                .and_then(|p| translate_pattern(p).map_err(|_| "untranslatable"))
                .map_err(ValidationError::custom)?;
            let regex = Regex::new(&translated.regex).map_err(|e| ValidationError::custom(e.to_string()))?;
            Ok(Box::new(PatternKeyword { regex, ascii_only: translated.ascii_only }) as Box<dyn for<'i> Keyword<'i>>)
        })
        .with_keyword(FORMAT_KEYWORD, |_: &Map<String, Value>, value: &Value, _: Location| {
            let format = value.as_str().and_then(|name| Format::named(name).ok().flatten());
            let format = format.ok_or_else(|| ValidationError::custom("not a format"))?;
            Ok(Box::new(FormatKeyword(format)) as Box<dyn for<'i> Keyword<'i>>)
        })
        .with_keyword(TYPE_KEYWORD, |_: &Map<String, Value>, value: &Value, _: Location| {
            let names = value.as_array().map(|names| names.iter().filter_map(Value::as_str).map(str::to_string).collect());
            let names = names.ok_or_else(|| ValidationError::custom("not a list of types"))?;
            Ok(Box::new(TypeKeyword(names)) as Box<dyn for<'i> Keyword<'i>>)
        })
        .build(&prepared)
        .map_err(|e| format!("cannot compile: {e}"))
}

struct Entry {
    /// The schema as given, to tell a re-registration of the same schema from a new one.
    schema: Value,
    /// None: refused (Python validates this URI).
    validator: Option<Arc<Validator>>,
    expires_ms: Option<i64>,
    superseded_by: Option<String>,
}

/// What the caller writes into an event that the store found valid (see [`rewrite_event`]).
#[derive(Debug, Default, PartialEq)]
pub struct Accepted {
    /// `(originalSchema, validatedWith)` of each entity of `unstruct_event` and `contexts`, in that order,
    /// whose schema is superseded.
    pub validation_info: Vec<(String, String)>,
}

/// Iglu URI -> compiled schema, with the expiry of the resolver's entry and the `$supersededBy` version.
#[derive(Default)]
pub struct SchemaStore {
    entries: NameMap<String, Entry>,
}

impl SchemaStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Registers the schema the resolver gave for `uri` (superseding schema included), valid until
    /// `expires_ms` (never when None); returns whether it was taken. The same schema again only refreshes the
    /// expiry, without compiling it again.
    pub fn add(&mut self, uri: &str, schema: Value, expires_ms: Option<i64>, superseded_by: Option<String>) -> bool {
        let validator = match self.entries.get(uri) {
            Some(entry) if entry.schema == schema => entry.validator.clone(),
            _ => compile(&schema).ok().map(Arc::new),
        };
        if self.entries.len() >= MAX_ENTRIES && !self.entries.contains_key(uri) {
            self.entries.clear();
        }
        let taken = validator.is_some();
        self.entries.insert(uri.to_string(), Entry { schema, validator, expires_ms, superseded_by });
        taken
    }

    fn live(&self, uri: &str, now_ms: i64) -> Option<(&Validator, Option<&str>)> {
        let entry = self.entries.get(uri)?;
        if entry.expires_ms.is_some_and(|expires| expires <= now_ms) {
            return None;
        }
        Some((entry.validator.as_deref()?, entry.superseded_by.as_deref()))
    }

    /// Whether `data` is valid against the schema of `uri`: false when that is unknown, refused, expired,
    /// invalid, or cannot be told here.
    pub fn valid(&self, uri: &str, data: &Value, now_ms: i64) -> bool {
        self.check(uri, data, now_ms).is_some()
    }

    /// Whether a tp2 body is a `payload_data` 1-*-* self-describing JSON valid by the store alone (what
    /// `EventValidator.payload_data` accepts with no message).
    pub fn accept_payload_data(&self, envelope: &Value, now_ms: i64) -> bool {
        self_describing(envelope)
            .is_some_and(|(uri, key, data)| snowplow_1(&key, "payload_data") && self.valid(uri, data, now_ms))
    }

    /// Whether `data` is valid against the schema of `uri`, when the store can tell: None when that schema is
    /// unknown, refused or expired, or a keyword met a value it cannot judge as Python would. Its keywords mean
    /// what they mean in Python, so "invalid" is Python's verdict too (what a bad row's entity check needs: it
    /// hashes what fails, and needs no message).
    pub fn verdict(&self, uri: &str, data: &Value, now_ms: i64) -> Option<bool> {
        self.judged(uri, data, now_ms).map(|(valid, _)| valid)
    }

    /// The verdict and the `$supersededBy` version of the schema of `uri`.
    fn judged(&self, uri: &str, data: &Value, now_ms: i64) -> Option<(bool, Option<&str>)> {
        let (validator, superseded_by) = self.live(uri, now_ms)?;
        UNSURE.with(|flag| flag.set(false));
        let valid = validator.is_valid(data);
        let sure = !UNSURE.with(|flag| flag.replace(false));
        sure.then_some((valid, superseded_by))
    }

    /// `Some(superseded_by)` when valid.
    fn check(&self, uri: &str, data: &Value, now_ms: i64) -> Option<Option<&str>> {
        match self.judged(uri, data, now_ms)? {
            (true, superseded_by) => Some(superseded_by),
            (false, _) => None,
        }
    }

    /// A self-describing JSON valid by the store: its URI's superseding version when it has one.
    fn check_entity<'a>(&'a self, entity: &'a Value, now_ms: i64) -> Option<(&'a str, Option<&'a str>)> {
        let (uri, _, data) = self_describing(entity)?;
        Some((uri, self.check(uri, data, now_ms)?))
    }

    /// The check of `EventValidator.event` by the store alone: the `unstruct_event` envelope (1-*-*) and its
    /// event, the `contexts` and `derived_contexts` envelopes (1-*-*) and each of their entities (null or None:
    /// absent). `Some` when all is valid, with what to write (see [`rewrite_event`]); None when the Python path
    /// must decide.
    pub fn accept_event(
        &self,
        unstruct_event: Option<&Value>,
        contexts: Option<&Value>,
        derived_contexts: Option<&Value>,
        now_ms: i64,
    ) -> Option<Accepted> {
        let mut accepted = Accepted::default();
        let mut record = |uri: &str, superseded_by: Option<&str>| {
            if let Some(version) = superseded_by {
                accepted.validation_info.push((uri.to_string(), version.to_string()));
            }
        };
        if let Some(envelope) = unstruct_event.filter(|v| !v.is_null()) {
            let (uri, key, data) = self_describing(envelope)?;
            if !snowplow_1(&key, "unstruct_event") || !self.valid(uri, data, now_ms) {
                return None;
            }
            let (uri, superseded_by) = self.check_entity(data, now_ms)?;
            record(uri, superseded_by);
        }
        for (envelope, recorded) in [(contexts, true), (derived_contexts, false)] {
            let Some(envelope) = envelope.filter(|v| !v.is_null()) else { continue };
            let (uri, key, data) = self_describing(envelope)?;
            if !snowplow_1(&key, "contexts") || !self.valid(uri, data, now_ms) {
                return None;
            }
            for entity in data.as_array()? {
                let (uri, superseded_by) = self.check_entity(entity, now_ms)?;
                if recorded {
                    record(uri, superseded_by);
                }
            }
        }
        Some(accepted)
    }
}

/// `{"schema": <Iglu URI>, "data": ...}` as `Validator` reads it: (uri, key, data).
fn self_describing(value: &Value) -> Option<(&str, SchemaKey, &Value)> {
    let uri = value.get("schema")?.as_str()?;
    let key = parse_schema_key(uri).ok()?;
    Some((uri, key, value.get("data")?))
}

/// The criteria `iglu:com.snowplowanalytics.snowplow/NAME/jsonschema/1-*-*`.
fn snowplow_1(key: &SchemaKey, name: &str) -> bool {
    key.vendor == SNOWPLOW && key.name == name && key.format == "jsonschema" && key.version.split('-').next() == Some("1")
}

/// The JSON fields of an event, as [`rewrite_event`] writes them: a map of JSON values (tests, tools) or the
/// pipeline's [`Event`].
pub trait JsonFields {
    fn json(&self, field: &str) -> Option<&Value>;
    fn json_mut(&mut self, field: &str) -> Option<&mut Value>;
    fn set_json(&mut self, field: &'static str, value: Value);
    fn remove_field(&mut self, field: &str);
}

impl JsonFields for Map<String, Value> {
    fn json(&self, field: &str) -> Option<&Value> {
        self.get(field)
    }
    fn json_mut(&mut self, field: &str) -> Option<&mut Value> {
        self.get_mut(field)
    }
    fn set_json(&mut self, field: &'static str, value: Value) {
        self.insert(field.to_string(), value);
    }
    fn remove_field(&mut self, field: &str) {
        self.shift_remove(field);
    }
}

impl JsonFields for Event {
    fn json(&self, field: &str) -> Option<&Value> {
        match self.get(field) {
            Some(FieldValue::Json(value)) => Some(value),
            _ => None,
        }
    }
    fn json_mut(&mut self, field: &str) -> Option<&mut Value> {
        match self.get_mut(field) {
            Some(FieldValue::Json(value)) => Some(value),
            _ => None,
        }
    }
    fn set_json(&mut self, field: &'static str, value: Value) {
        self.insert(field, FieldValue::Json(value));
    }
    fn remove_field(&mut self, field: &str) {
        self.shift_remove(field);
    }
}

/// What `EventValidator.event` writes into a valid event: the `validation_info` entities appended to
/// `derived_contexts`, then each contexts envelope as `contexts/jsonschema/1-0-1`, or removed when it holds no
/// entity. (The Python binding does the same on the event dict.)
pub fn rewrite_event<E: JsonFields>(event: &mut E, accepted: &Accepted) {
    if !accepted.validation_info.is_empty() {
        let mut data = match event.json("derived_contexts") {
            Some(Value::Null) | None => Vec::new(),
            Some(envelope) => envelope.get("data").and_then(Value::as_array).cloned().unwrap_or_default(),
        };
        data.extend(accepted.validation_info.iter().map(|(original, version)| {
            serde_json::json!({"schema": VALIDATION_INFO, "data": {"originalSchema": original, "validatedWith": version}})
        }));
        event.set_json("derived_contexts", self_describing_value(CONTEXTS_WRITTEN, Value::Array(data)));
    }
    for field in ["contexts", "derived_contexts"] {
        let Some(envelope) = event.json_mut(field).filter(|v| !v.is_null()) else { continue };
        let data = envelope.get_mut("data").map(Value::take).unwrap_or(Value::Null);
        if data.as_array().is_some_and(|items| !items.is_empty()) {
            *envelope = self_describing_value(CONTEXTS_WRITTEN, data);
        } else {
            event.remove_field(field);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const REGISTRY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../transforms/iglu_registry/schemas/com.snowplowanalytics.snowplow");
    const UNSTRUCT: &str = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0";
    const CONTEXTS_0: &str = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0";
    const OLD: &str = r#"{"$schema":"http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#","self":{"vendor":"com.acme","name":"old","format":"jsonschema","version":"1-0-0"},"$supersededBy":"1-0-1","type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":false}"#;
    const NEW: &str = r#"{"$schema":"http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#","self":{"vendor":"com.acme","name":"old","format":"jsonschema","version":"1-0-1"},"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}},"additionalProperties":false}"#;
    const THING: &str = r#"{"$schema":"http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#","self":{"vendor":"com.acme","name":"thing","format":"jsonschema","version":"1-0-0"},"type":"object","properties":{"id":{"type":"string","format":"uuid"}},"required":["id"]}"#;

    fn registry(path: &str) -> Value {
        let text = std::fs::read_to_string(format!("{REGISTRY}/{path}")).expect("embedded schema");
        serde_json::from_str(&text).expect("schema JSON")
    }

    fn store_of(schema: Value) -> SchemaStore {
        let mut store = SchemaStore::new();
        assert!(store.add("iglu:com.acme/x/jsonschema/1-0-0", schema, None, None));
        store
    }

    fn valid(store: &SchemaStore, data: Value) -> bool {
        store.valid("iglu:com.acme/x/jsonschema/1-0-0", &data, 0)
    }

    #[test]
    fn a_tp2_body_is_accepted_by_the_store_only_as_a_valid_payload_data() {
        const PAYLOAD_DATA: &str = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4";
        let mut store = SchemaStore::new();
        assert!(store.add(PAYLOAD_DATA, registry("payload_data/jsonschema/1-0-4"), Some(1_000), None));
        let body = |schema: &str, data: Value| json!({"schema": schema, "data": data});
        let event = json!([{"e": "pv", "p": "web", "tv": "js-3.0.0"}]);
        assert!(store.accept_payload_data(&body(PAYLOAD_DATA, event.clone()), 0));
        assert!(!store.accept_payload_data(&body(PAYLOAD_DATA, json!([{"e": "pv", "p": "web"}])), 0)); // no tv: Python reports it
        assert!(!store.accept_payload_data(&body(PAYLOAD_DATA, event.clone()), 1_000)); // expired
        assert!(!store.accept_payload_data(&body("iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-3",
            event.clone()), 0)); // a version the store does not hold
        store.add("iglu:com.acme/payload_data/jsonschema/1-0-0", registry("payload_data/jsonschema/1-0-4"), None, None);
        assert!(!store.accept_payload_data(&body("iglu:com.acme/payload_data/jsonschema/1-0-0", event.clone()), 0));
        assert!(!store.accept_payload_data(&event, 0)); // not self-describing
    }

    #[test]
    fn format_regexes_compile() {
        for format in [Format::DateTime, Format::Hostname, Format::Ipv4, Format::Ipv6, Format::Uri, Format::Uuid] {
            assert!(format.regex().is_some(), "{format:?}");
        }
    }

    #[test]
    fn formats_answer_as_python() {
        // (format, text, the Python reference's _FORMAT_CHECKS[format](text))
        let cases: &[(&str, &str, bool)] = &[
            ("date-time", "2024-05-01T10:00:00.123Z", true),
            ("date-time", "2024-05-01t10:00:00z", true),
            ("date-time", "2024-02-29T00:00:00+01:00", true),
            ("date-time", "2023-02-29T00:00:00Z", false),
            ("date-time", "2024-05-01T24:00:00Z", false),
            ("date-time", "2024-05-01T23:59:60-0130", true),
            ("date-time", "2024-05-01 10:00:00Z", false),
            ("date-time", "2024-05-01T10:00:00Z\n", false),
            ("date-time", "2024-05-01T10:00:00.Z", false),
            ("date-time", "1900-02-29T00:00:00Z", false),
            ("date-time", "2000-02-29T00:00:00Z", true),
            ("date-time", "2024-13-01T00:00:00Z", false),
            ("date-time", "2024-04-31T00:00:00Z", false),
            ("date-time", "2024-05-01T10:00:00.111111111111111111111111111111111111111111111111111111111111Z", false),
            ("date-time", "2024-05-01T10:00:00.1111111111111111111111111111111111111111Z", true),
            ("date-time", "", false),
            ("email", "a@b.co", true),
            ("email", "a..b@c.d", false),
            ("email", "a..b\n@c.d", true),
            ("email", "\na..b@c.d", true),
            ("email", ".a@b.c", false),
            ("email", "a.@b.c", false),
            ("email", "a@b.", false),
            ("email", "a@.b", false),
            ("email", "a@bc", false),
            ("email", "a@b@c.d", false),
            ("email", "ab@c.d.", true),
            ("email", "é@ü.de", true),
            ("email", "a b@c d.e", true),
            ("email", "a\n@b\n.c", true),
            ("email", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx@b.co", false),
            ("email", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx@b.co", true),
            ("email", "@b.co", false),
            ("email", "a@b..c", true),
            ("email", "a.b.c@d.e", true),
            ("hostname", "example.com", true),
            ("hostname", "a", true),
            ("hostname", "a-b.c", true),
            ("hostname", "-a.com", false),
            ("hostname", "a-.com", false),
            ("hostname", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", true),
            ("hostname", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", false),
            ("hostname", "exa_mple.com", false),
            ("hostname", "example.com.", false),
            ("hostname", "exémple.com", false),
            ("hostname", "localhost\n", false),
            ("hostname", "1.2.3.4", true),
            ("hostname", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
            ("hostname", "", false),
            ("ipv4", "1.2.3.4", true),
            ("ipv4", "255.255.255.255", true),
            ("ipv4", "256.1.1.1", false),
            ("ipv4", "01.2.3.4", false),
            ("ipv4", "1.2.3", false),
            ("ipv4", "1.2.3.4\n", false),
            ("ipv4", "1.2.3.4.5", false),
            ("ipv4", " 1.2.3.4", false),
            ("ipv4", "١.2.3.4", false),
            ("ipv4", "0.0.0.0", true),
            ("ipv6", "::", true),
            ("ipv6", "::1", true),
            ("ipv6", "1::", true),
            ("ipv6", "2001:db8::8a2e:370:7334", true),
            ("ipv6", "2001:0db8:0000:0000:0000:ff00:0042:8329", true),
            ("ipv6", "::ffff:192.0.2.128", true),
            ("ipv6", "1:2:3:4:5:6:7:8", true),
            ("ipv6", "1:2:3:4:5:6:7:8:9", false),
            ("ipv6", "1::2::3", false),
            ("ipv6", "12345::", false),
            ("ipv6", "fe80::1%eth0", false),
            ("ipv6", "1:2:3:4:5:6:1.2.3.4", true),
            ("ipv6", "::1\n", false),
            ("ipv6", "g::1", false),
            ("uri", "http://example.com/a?b=c", true),
            ("uri", "mailto:a@b.c", true),
            ("uri", "urn:isbn:123", true),
            ("uri", "a:b", true),
            ("uri", "http://exa mple.com", false),
            ("uri", "no-scheme", false),
            ("uri", "http:", false),
            ("uri", "http:///x", true),
            ("uri", "a\u{1c}b:c", false),
            ("uri", "ab:c\u{1c}", false),
            ("uri", "ab:c\u{1f}", false),
            ("uri", "ab:c\u{7f}", true),
            ("uri", "ab:c\t", false),
            ("uri", "_x:y", true),
            ("uri", "ftp://x\n", false),
            ("uuid", "2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b", true),
            ("uuid", "2F6E9A4C-1B3D-4E5F-8A7B-9C0D1E2F3A4B", true),
            ("uuid", "2f6e9a4c1b3d4e5f8a7b9c0d1e2f3a4b", false),
            ("uuid", "2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b\n", false),
            ("uuid", "gf6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b", false),
            ("uuid", "2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4", false),
        ];
        for &(name, text, expected) in cases {
            let format = Format::named(name).unwrap().unwrap();
            assert_eq!(format.check(text), Some(expected), "{name} {text:?}");
            let store = store_of(json!({"type": "string", "format": name}));
            assert_eq!(valid(&store, json!(text)), expected, "{name} {text:?} in a schema");
        }
    }

    #[test]
    fn unicode_classes_on_non_ascii_text_are_unsure() {
        assert_eq!(Format::DateTime.check("٢٠٢٤-05-01T10:00:00Z"), None);
        assert_eq!(Format::Uri.check("http://exämple.com"), None);
        // Python's \d holds Arabic-Indic digits; the store cannot say, so it does not say "valid"
        let store = store_of(json!({"type": "string", "pattern": r"^\d+$"}));
        assert!(!valid(&store, json!("١٢")));
        assert!(valid(&store, json!("12")));
        let store = store_of(json!({"not": {"type": "string", "pattern": r"^\d+$"}}));
        assert!(!valid(&store, json!("١٢")), "not unsure is still unsure");
        // a pattern of literals is exact on any text
        let store = store_of(json!({"type": "string", "pattern": "^é+$"}));
        assert!(valid(&store, json!("éé")));
        // formats and patterns leave non-strings alone
        assert!(valid(&store_of(json!({"format": "email", "pattern": "x"})), json!(5)));
        // other formats are annotations, as in compiled_schema.py
        assert!(valid(&store_of(json!({"format": "date"})), json!("yesterday")));
    }

    #[test]
    fn patterns_search_as_python() {
        // (pattern, text, re.search(pattern, text) is not None by the Python reference)
        let cases: &[(&str, &str, bool)] = &[
            ("^[a-z]+$", "abc", true),
            ("^[a-z]+$", "abc\n", true),
            ("^[a-z]+$", "abc\n\n", false),
            ("^[a-z]+$", "ab1", false),
            ("^[a-z]+$", "", false),
            ("^\\d{3}-\\d{4}$", "123-4567", true),
            ("^\\d{3}-\\d{4}$", "123-45678", false),
            ("^\\d{3}-\\d{4}$", "12-4567", false),
            ("\\d", "abc", false),
            ("\\d", "a1", true),
            ("^[\\w.+-]+$", "a.b+c-d_e", true),
            ("^[\\w.+-]+$", "a b", false),
            ("^[\\w.+-]+$", "a/b", false),
            ("^\\S+$", "abc", true),
            ("^\\S+$", "a b", false),
            ("^\\S+$", "a\u{1c}b", false),
            ("^\\S+$", "a\u{1f}b", false),
            ("^\\S+$", "a\u{7f}b", true),
            ("^[^\\s]+$", "abc", true),
            ("^[^\\s]+$", "a\u{1d}b", false),
            ("^\\s*$", "", true),
            ("^\\s*$", " \t", true),
            ("^\\s*$", "\u{1c}", true),
            ("^\\s*$", "\u{b}\u{c}", true),
            ("^(foo|bar)?baz$", "baz", true),
            ("^(foo|bar)?baz$", "foobaz", true),
            ("^(foo|bar)?baz$", "barbaz", true),
            ("^(foo|bar)?baz$", "quxbaz", false),
            ("^a{2,3}$", "a", false),
            ("^a{2,3}$", "aa", true),
            ("^a{2,3}$", "aaa", true),
            ("^a{2,3}$", "aaaa", false),
            ("^a{,2}$", "", true),
            ("^a{,2}$", "a", true),
            ("^a{,2}$", "aa", true),
            ("^a{,2}$", "aaa", false),
            ("^x{2}", "xx", true),
            ("^x{2}", "x", false),
            ("^a.c$", "abc", true),
            ("^a.c$", "a\nc", false),
            ("^a.c$", "aéc", true),
            ("^[]a]+$", "]a]", true),
            ("^[]a]+$", "b", false),
            ("^[a-c-e]+$", "a-e", true),
            ("^[a-c-e]+$", "d", false),
            ("^[\\]\\\\\\-]+$", "]\\-", true),
            ("^[\\]\\\\\\-]+$", "a", false),
            ("[[:alpha:]]", "a:", false),
            ("[[:alpha:]]", "[", false),
            ("[[:alpha:]]", "]", false),
            ("a&&b|c--d|e~~f", "a&&b", true),
            ("a&&b|c--d|e~~f", "c--d", true),
            ("a&&b|c--d|e~~f", "e~~f", true),
            ("a&&b|c--d|e~~f", "ab", false),
            ("^\\x41\\u00e9\\t$", "Aé\t", true),
            ("^\\x41\\u00e9\\t$", "Aé", false),
            ("\\bfoo\\b", "a foo b", true),
            ("\\bfoo\\b", "afoob", false),
            ("^(?P<y>\\d{4})-(?:\\d\\d)$", "2024-05", true),
            ("^(?P<y>\\d{4})-(?:\\d\\d)$", "2024-5", false),
            ("^\\.$|^-$", ".", true),
            ("^\\.$|^-$", "-", true),
            ("^\\.$|^-$", "\n", false),
            ("^\\.$|^-$", ".\n", true),
            ("^\\.$|^-$", "x", false),
            ("\\Aab\\Z", "ab", true),
            ("\\Aab\\Z", "ab\n", false),
            ("^a+?b*?$", "aab", true),
            ("^a+?b*?$", "b", false),
            ("}", "}", true),
            ("}", "a", false),
            ("^#a b$", "#a b", true),
            ("^[\\u00e0-\\u00ff]+$", "é", true),
            ("^[\\u00e0-\\u00ff]+$", "e", false),
        ];
        for &(pattern, text, expected) in cases {
            let store = store_of(json!({"type": "string", "pattern": pattern}));
            assert_eq!(valid(&store, json!(text)), expected, "{pattern:?} {text:?}");
        }
    }

    #[test]
    fn python_only_or_doubtful_syntax_is_refused() {
        let refused = [
            r"^(?=a)", r"(?!a)b", r"(?<=a)b", r"(?<!a)b", r"(a)\1", r"(?P<n>a)(?P=n)", r"(?i)abc", r"(?s).",
            r"(?#c)a", r"a*+", r"a++", r"a?+", r"a{1,2}+", r"(?(1)a|b)", r"\012", r"\0", r"\N{DIGIT ONE}",
            r"\p{L}", r"\z", r"a$b", r"(a$)", r"x{a}", r"{", r"a{", r"*a", r"a**", r"^*", r"\b+", r"[\d-z]",
            r"[z-a]", r"(a", r"a)", r"[a", r"\",
        ];
        let mut store = SchemaStore::new();
        for pattern in refused {
            assert!(translate_pattern(pattern).is_err(), "{pattern:?}");
            assert!(!store.add("iglu:com.acme/p/jsonschema/1-0-0", json!({"pattern": pattern}), None, None), "{pattern:?}");
            assert!(!store.valid("iglu:com.acme/p/jsonschema/1-0-0", &json!("a"), 0));
        }
        let schemas = [
            json!({"type": "string", "format": "regex"}),
            json!({"patternProperties": {"^a": {"type": "string"}}}),
            json!({"multipleOf": 0.1}),
            json!({"id": "http://x/", "type": "object"}),
            json!({"$ref": "http://example.com/schema.json"}),
            json!({"$ref": "other.json"}),
            json!({"$ref": "#/definitions/missing", "definitions": {}}),
            json!({"$ref": "#/properties/a", "properties": {"a": {}}}),
            json!({"$ref": "#", "type": "object"}),
            json!({"properties": {"a": {"$schema": "http://json-schema.org/draft-04/schema#"}}}),
            json!({"const": 1}),
            json!({"type": "strin"}),
            json!({"properties": {"a": {"pattern": "(?=x)"}}}),
            json!({"items": [{"allOf": [{"not": {"pattern": "a++"}}]}]}),
            json!(["not", "an", "object"]),
        ];
        for schema in schemas {
            assert!(compile(&schema).is_err(), "{schema}");
        }
    }

    #[test]
    fn draft_4_keywords_as_python_reads_them() {
        let store = store_of(json!({"type": "integer"}));
        assert!(valid(&store, json!(1)) && valid(&store, json!(-1)) && valid(&store, json!(u64::MAX)));
        assert!(!valid(&store, json!(1.0)) && !valid(&store, json!(true)) && !valid(&store, json!("1")));
        let store = store_of(json!({"type": ["number", "null"]}));
        assert!(valid(&store, json!(1.5)) && valid(&store, json!(2)) && valid(&store, json!(null)));
        assert!(!valid(&store, json!(false)));
        let store = store_of(json!({"enum": [1, "a", [true]]}));
        assert!(valid(&store, json!(1.0)) && valid(&store, json!([true])) && !valid(&store, json!(true)));
        let store = store_of(json!({"type": "array", "uniqueItems": true}));
        assert!(!valid(&store, json!([1, 1.0])) && valid(&store, json!([1, true])));
        let store = store_of(json!({"minimum": 0, "exclusiveMinimum": true, "maximum": 10}));
        assert!(!valid(&store, json!(0)) && valid(&store, json!(0.5)) && valid(&store, json!(10)) && !valid(&store, json!(10.5)));
        let store = store_of(json!({"type": "string", "maxLength": 2, "minLength": 1}));
        assert!(valid(&store, json!("éé")) && !valid(&store, json!("ééé")) && !valid(&store, json!("")));
        let store = store_of(json!({
            "$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
            "self": {"vendor": "com.acme", "name": "x", "format": "jsonschema", "version": "1-0-0"},
            "type": "object", "properties": {"a": {"$ref": "#/definitions/a"}, "b": {"type": "integer"}}, "required": ["a"],
            "additionalProperties": false, "definitions": {"a": {"type": "string", "description": "an a"}},
            "dependencies": {"a": ["b"], "b": {"properties": {"a": {"maxLength": 1}}}},
        }));
        assert!(!valid(&store, json!({"a": "x"})), "a needs b");
        assert!(valid(&store, json!({"a": "x", "b": 1})));
        assert!(!valid(&store, json!({"a": "xy", "b": 1})), "b's dependency");
        assert!(!valid(&store, json!({"a": "x", "b": 1, "c": 1})), "no additional properties");
        let store = store_of(json!({"type": "object", "properties": {"a": {"$ref": "#/definitions/a"}},
                                    "definitions": {"a": {"type": "string"}}}));
        assert!(valid(&store, json!({"a": "x"})) && !valid(&store, json!({"a": 1})));
    }

    #[test]
    fn the_verdict_is_given_either_way_only_where_the_store_can_tell() {
        let mut store = SchemaStore::new();
        let uri = "iglu:com.acme/x/jsonschema/1-0-0";
        assert!(store.add(uri, json!({"type": "string", "pattern": "^\\d+$"}), Some(1_000), None));
        assert_eq!(store.verdict(uri, &json!("12"), 0), Some(true));
        assert_eq!(store.verdict(uri, &json!("1a"), 0), Some(false));
        assert_eq!(store.verdict(uri, &json!(12), 0), Some(false));
        assert_eq!(store.verdict(uri, &json!("١٢"), 0), None, "\\d on non-ASCII text: Python decides");
        assert_eq!(store.verdict(uri, &json!("12"), 1_000), None, "expired");
        assert_eq!(store.verdict("iglu:com.acme/y/jsonschema/1-0-0", &json!("12"), 0), None, "unknown");
        assert!(!store.add(uri, json!({"multipleOf": 2}), None, None));
        assert_eq!(store.verdict(uri, &json!(3), 0), None, "refused");
    }

    #[test]
    fn entries_expire_and_unknown_uris_are_not_valid() {
        let mut store = SchemaStore::new();
        assert!(store.add("iglu:com.acme/x/jsonschema/1-0-0", json!({"type": "string"}), Some(1_000), None));
        assert!(store.valid("iglu:com.acme/x/jsonschema/1-0-0", &json!("a"), 999));
        assert!(!store.valid("iglu:com.acme/x/jsonschema/1-0-0", &json!("a"), 1_000));
        assert!(!store.valid("iglu:com.acme/x/jsonschema/1-0-0", &json!(1), 0));
        assert!(!store.valid("iglu:com.acme/y/jsonschema/1-0-0", &json!("a"), 0));
        // the same schema again refreshes the expiry
        assert!(store.add("iglu:com.acme/x/jsonschema/1-0-0", json!({"type": "string"}), Some(2_000), None));
        assert!(store.valid("iglu:com.acme/x/jsonschema/1-0-0", &json!("a"), 1_999));
        assert!(store.add("iglu:com.acme/x/jsonschema/1-0-0", json!({"type": "string"}), None, None));
        assert!(store.valid("iglu:com.acme/x/jsonschema/1-0-0", &json!("a"), i64::MAX));
        // a refused schema takes the place of the one before
        assert!(!store.add("iglu:com.acme/x/jsonschema/1-0-0", json!({"multipleOf": 2}), None, None));
        assert!(!store.valid("iglu:com.acme/x/jsonschema/1-0-0", &json!(4), 0));
    }

    #[test]
    fn the_store_is_cleared_when_full() {
        let mut store = SchemaStore::new();
        for n in 0..MAX_ENTRIES {
            store.add(&format!("iglu:com.acme/x/jsonschema/1-0-{n}"), json!({}), None, None);
        }
        assert_eq!(store.len(), MAX_ENTRIES);
        store.add("iglu:com.acme/x/jsonschema/1-0-0", json!({"type": "object"}), None, None);
        assert_eq!(store.len(), MAX_ENTRIES, "replacing an entry does not clear");
        store.add("iglu:com.acme/y/jsonschema/1-0-0", json!({}), None, None);
        assert_eq!(store.len(), 1);
    }

    fn event_store() -> SchemaStore {
        let mut store = SchemaStore::new();
        let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap();
        assert!(store.add(UNSTRUCT, registry("unstruct_event/jsonschema/1-0-0"), None, None));
        assert!(store.add(CONTEXTS_0, registry("contexts/jsonschema/1-0-0"), None, None));
        assert!(store.add(CONTEXTS_WRITTEN, registry("contexts/jsonschema/1-0-1"), None, None));
        assert!(store.add("iglu:com.acme/thing/jsonschema/1-0-0", parse(THING), None, None));
        // a superseded schema: its URI holds the superseding schema
        assert!(store.add("iglu:com.acme/old/jsonschema/1-0-0", parse(NEW), None, Some("1-0-1".into())));
        assert!(store.add("iglu:com.acme/old/jsonschema/1-0-1", parse(NEW), None, None));
        let _ = parse(OLD);
        store
    }

    fn accept(store: &SchemaStore, event: &Map<String, Value>) -> Option<Accepted> {
        store.accept_event(event.get("unstruct_event"), event.get("contexts"), event.get("derived_contexts"), 0)
    }

    #[test]
    fn valid_events_are_rewritten_as_event_validator_does() {
        // (event, the event after EventValidator.event in the Python reference)
        let cases = [
            (r#"{"event_id":"1","unstruct_event":{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.acme/old/jsonschema/1-0-0","data":{"a":1,"b":"x"}}},"contexts":{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":[{"schema":"iglu:com.acme/thing/jsonschema/1-0-0","data":{"id":"2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b"}},{"schema":"iglu:com.acme/old/jsonschema/1-0-0","data":{"a":1,"b":"x"}}]},"derived_contexts":{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[]},"after":1}"#,
             r#"{"event_id":"1","unstruct_event":{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.acme/old/jsonschema/1-0-0","data":{"a":1,"b":"x"}}},"contexts":{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.acme/thing/jsonschema/1-0-0","data":{"id":"2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b"}},{"schema":"iglu:com.acme/old/jsonschema/1-0-0","data":{"a":1,"b":"x"}}]},"derived_contexts":{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.snowplowanalytics.iglu/validation_info/jsonschema/1-0-0","data":{"originalSchema":"iglu:com.acme/old/jsonschema/1-0-0","validatedWith":"1-0-1"}},{"schema":"iglu:com.snowplowanalytics.iglu/validation_info/jsonschema/1-0-0","data":{"originalSchema":"iglu:com.acme/old/jsonschema/1-0-0","validatedWith":"1-0-1"}}]},"after":1}"#),
            (r#"{"event_id":"2","contexts":{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[]},"derived_contexts":{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":[{"schema":"iglu:com.acme/thing/jsonschema/1-0-0","data":{"id":"2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b"}}]},"after":2}"#,
             r#"{"event_id":"2","derived_contexts":{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.acme/thing/jsonschema/1-0-0","data":{"id":"2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b"}}]},"after":2}"#),
            (r#"{"event_id":"3","unstruct_event":null,"contexts":{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.acme/thing/jsonschema/1-0-0","data":{"id":"2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b"}}]}}"#,
             r#"{"event_id":"3","unstruct_event":null,"contexts":{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.acme/thing/jsonschema/1-0-0","data":{"id":"2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b"}}]}}"#),
            (r#"{"event_id":"4","unstruct_event":{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.acme/old/jsonschema/1-0-0","data":{"a":1,"b":"x"}}}}"#,
             r#"{"event_id":"4","unstruct_event":{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.acme/old/jsonschema/1-0-0","data":{"a":1,"b":"x"}}},"derived_contexts":{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.snowplowanalytics.iglu/validation_info/jsonschema/1-0-0","data":{"originalSchema":"iglu:com.acme/old/jsonschema/1-0-0","validatedWith":"1-0-1"}}]}}"#),
        ];
        let store = event_store();
        for (before, after) in cases {
            let mut event: Map<String, Value> = serde_json::from_str(before).unwrap();
            let accepted = accept(&store, &event).expect(before);
            rewrite_event(&mut event, &accepted);
            let expected: Value = serde_json::from_str(after).unwrap();
            assert_eq!(serde_json::to_string(&event).unwrap(), serde_json::to_string(&expected).unwrap());
        }
    }

    #[test]
    fn events_the_store_cannot_vouch_for_go_to_python() {
        let store = event_store();
        let thing = json!({"schema": "iglu:com.acme/thing/jsonschema/1-0-0", "data": {"id": "2f6e9a4c-1b3d-4e5f-8a7b-9c0d1e2f3a4b"}});
        let event = |field: &str, envelope: Value| -> Map<String, Value> {
            let mut event = Map::new();
            event.insert(field.into(), envelope);
            event
        };
        let rejected = [
            event("contexts", json!({"schema": CONTEXTS_WRITTEN, "data": [{"schema": "iglu:com.acme/unknown/jsonschema/1-0-0", "data": {}}]})),
            event("contexts", json!({"schema": CONTEXTS_WRITTEN, "data": [{"schema": "iglu:com.acme/thing/jsonschema/1-0-0", "data": {"id": "x"}}]})),
            event("contexts", json!({"schema": CONTEXTS_WRITTEN, "data": [{"schema": "iglu:com.acme/thing/jsonschema/1-0-0"}]})),
            event("contexts", json!({"schema": CONTEXTS_WRITTEN, "data": [{"schema": "iglu:com.acme/thing/jsonschema/01-0-0", "data": {}}]})),
            event("contexts", json!({"schema": UNSTRUCT, "data": {"schema": "iglu:com.acme/thing/jsonschema/1-0-0", "data": {}}})),
            event("contexts", json!({"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/2-0-0", "data": [thing]})),
            event("contexts", json!({"schema": CONTEXTS_0, "data": []})),
            event("contexts", json!([thing])),
            event("derived_contexts", json!({"schema": CONTEXTS_WRITTEN, "data": [thing, 5]})),
            event("unstruct_event", json!({"schema": CONTEXTS_WRITTEN, "data": [thing]})),
            event("unstruct_event", json!({"schema": UNSTRUCT, "data": {"schema": "iglu:com.acme/thing/jsonschema/1-0-0", "data": {}}})),
        ];
        for event in rejected {
            assert_eq!(accept(&store, &event), None, "{event:?}");
        }
        assert_eq!(accept(&store, &event("unstruct_event", json!({"schema": UNSTRUCT, "data": thing}))), Some(Accepted::default()));
        // as in Python, only the envelope's data is validated
        let envelope = json!({"schema": UNSTRUCT, "data": thing, "extra": 1});
        assert_eq!(accept(&store, &event("unstruct_event", envelope)), Some(Accepted::default()));
        assert_eq!(store.accept_event(None, None, None, 0), Some(Accepted::default()));
        let mut expiring = event_store();
        expiring.add("iglu:com.acme/thing/jsonschema/1-0-0", serde_json::from_str(THING).unwrap(), Some(5), None);
        let envelope = json!({"schema": CONTEXTS_WRITTEN, "data": [thing]});
        assert!(expiring.accept_event(None, Some(&envelope), None, 4).is_some());
        assert!(expiring.accept_event(None, Some(&envelope), None, 5).is_none());
    }
}
