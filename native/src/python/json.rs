//! JSON between serde_json values and Python objects, and `loads`: the one JSON reader of event data for Python
//! (bad rows, the collector's raw-bad lines), the same bounded reader as the pipeline's (`crate::json`).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString};
use serde_json::{Map, Number, Value};

use crate::json;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(loads, m)?)
}

/// The parsed document (str, or bytes that must be UTF-8), nested at most 50 levels, its integers within 64
/// bits; raises ValueError with a message that never quotes the document.
#[pyfunction]
fn loads(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<PyObject> {
    let parsed = if let Ok(data) = text.downcast::<PyBytes>() {
        json::parse_bytes(data.as_bytes())
    } else {
        let text = text.downcast::<PyString>()?;
        let text = text.to_str().map_err(|_| PyValueError::new_err("str is not valid UTF-8: surrogates not allowed"))?;
        json::parse(text)
    };
    py_json(py, &parsed.map_err(PyValueError::new_err)?)
}

/// A JSON value as Python objects (dict, list, str, int, float, bool, None).
pub(super) fn py_json(py: Python<'_>, value: &Value) -> PyResult<PyObject> {
    Ok(match value {
        Value::Null => py.None(),
        Value::Bool(flag) => PyBool::new(py, *flag).to_owned().into_any().unbind(),
        Value::Number(number) => {
            if let Some(int) = number.as_i64() {
                int.into_pyobject(py)?.into_any().unbind()
            } else if let Some(int) = number.as_u64() {
                int.into_pyobject(py)?.into_any().unbind()
            } else {
                PyFloat::new(py, number.as_f64().unwrap_or(f64::NAN)).into_any().unbind()
            }
        }
        Value::String(text) => PyString::new(py, text).into_any().unbind(),
        Value::Array(items) => {
            PyList::new(py, items.iter().map(|item| py_json(py, item)).collect::<PyResult<Vec<_>>>()?)?.into_any().unbind()
        }
        Value::Object(members) => {
            let dict = PyDict::new(py);
            for (key, item) in members {
                dict.set_item(key, py_json(py, item)?)?;
            }
            dict.into_any().unbind()
        }
    })
}

pub(super) fn py_json_list(py: Python<'_>, values: &[Value]) -> PyResult<PyObject> {
    Ok(PyList::new(py, values.iter().map(|value| py_json(py, value)).collect::<PyResult<Vec<_>>>()?)?.into_any().unbind())
}

/// Python objects as JSON, leniently: what JSON cannot hold exactly is coerced (a str with lone surrogates gets
/// U+FFFD, an int past 64 bits its decimal text, NaN null, a key its `str`). For what Python hands over to be
/// read once (validator messages, enrichment settings, lookup results); ValueError when it is not JSON at all.
pub(super) fn json_of(object: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    read(object, depth, false).map_err(|NotJson(message)| PyValueError::new_err(message))
}

/// Python objects as JSON exactly, or None when JSON cannot hold them as Python's jsonschema reads them (a str
/// with lone surrogates, an int past 64 bits, a NaN, a non-str key, a tuple, another type, nesting past 128
/// levels): for the validator's store, which then leaves the decision to Python.
pub(super) fn exact_json(object: &Bound<'_, PyAny>) -> Option<Value> {
    read(object, 0, true).ok()
}

struct NotJson(String);

const MAX_READ_DEPTH: usize = 128;

fn read(object: &Bound<'_, PyAny>, depth: usize, exact: bool) -> Result<Value, NotJson> {
    let inexact = || NotJson("a value JSON cannot hold exactly".to_string());
    if depth > MAX_READ_DEPTH {
        return Err(NotJson(format!("nested deeper than {MAX_READ_DEPTH} levels")));
    }
    if object.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(text) = object.downcast::<PyString>() {
        return match text.to_str() {
            Ok(text) => Ok(Value::String(text.to_owned())),
            Err(_) if exact => Err(inexact()),
            Err(_) => Ok(Value::String(text.to_string_lossy().into_owned())),
        };
    }
    if let Ok(flag) = object.downcast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if object.is_instance_of::<PyInt>() {
        if let Ok(int) = object.extract::<i64>() {
            return Ok(Value::from(int));
        }
        if let Ok(int) = object.extract::<u64>() {
            return Ok(Value::from(int));
        }
        return if exact { Err(inexact()) } else { Ok(Value::String(text_of(object)?)) };
    }
    if let Ok(float) = object.downcast::<PyFloat>() {
        return match Number::from_f64(float.value()) {
            Some(number) => Ok(Value::Number(number)),
            None if exact => Err(inexact()),
            None => Ok(Value::Null),
        };
    }
    if let Ok(dict) = object.downcast::<PyDict>() {
        let mut members = Map::new();
        for (key, item) in dict.iter() {
            let key = match key.downcast::<PyString>() {
                Ok(key) if exact => key.to_str().map_err(|_| inexact())?.to_owned(),
                Err(_) if exact => return Err(inexact()),
                _ => text_of(&key)?,
            };
            members.insert(key, read(&item, depth + 1, exact)?);
        }
        return Ok(Value::Object(members));
    }
    if let Ok(list) = object.downcast::<PyList>() {
        return list.iter().map(|item| read(&item, depth + 1, exact)).collect::<Result<_, _>>().map(Value::Array);
    }
    let name = object.get_type().name().map(|name| name.to_string()).unwrap_or_default();
    Err(NotJson(format!("a value of type {name} is not JSON")))
}

fn text_of(object: &Bound<'_, PyAny>) -> Result<String, NotJson> {
    object.str().map(|text| text.to_string_lossy().into_owned()).map_err(|_| NotJson("a value without text".to_string()))
}
