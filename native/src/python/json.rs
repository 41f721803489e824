//! JSON between serde_json values and Python objects, and `loads`: the one JSON reader of event data for Python
//! (bad rows, the collector's raw-bad lines), the same bounded reader as the pipeline's (`crate::json`).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString};
use serde_json::{Map, Number, Value};

use crate::json::{self, MAX_JSON_DEPTH};

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

/// Python objects as JSON: what the Iglu validator returns (its failure messages).
pub(super) fn json_of(object: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_JSON_DEPTH + 8 {
        return Err(PyValueError::new_err("validator message nested too deeply"));
    }
    if object.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(text) = object.downcast::<PyString>() {
        return Ok(Value::String(text.to_string_lossy().into_owned()));
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
        return Ok(Value::String(object.str()?.to_string_lossy().into_owned()));
    }
    if let Ok(float) = object.downcast::<PyFloat>() {
        return Ok(Number::from_f64(float.value()).map_or(Value::Null, Value::Number));
    }
    if let Ok(dict) = object.downcast::<PyDict>() {
        let mut members = Map::new();
        for (key, item) in dict.iter() {
            members.insert(key.str()?.to_string_lossy().into_owned(), json_of(&item, depth + 1)?);
        }
        return Ok(Value::Object(members));
    }
    if let Ok(list) = object.downcast::<PyList>() {
        return Ok(Value::Array(list.iter().map(|item| json_of(&item, depth + 1)).collect::<PyResult<_>>()?));
    }
    Err(PyValueError::new_err(format!("validator message of type {} is not JSON", object.get_type().name()?)))
}

