//! Conversions at the wasm boundary: core errors to `JsError` (their `Display` text in English as
//! `message`, plus `code` and `args` from `Error::code`/`Error::args`, so the page can say them
//! in its own language from its catalogues), serde values to and from plain JS objects, RGBA images to
//! `{width, height, rgba: Uint8Array}`, and a `performance.now()` clock for measured speed.

use crate::render::heatmap::Image;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A core error as a JS `Error`: `message` is the English sentence, `code` the variant and
/// `args` its fields as plain data (stable ids, numbers, strings), e.g. `code: "param"`,
/// `args: {name: "LearningRate", value: "100", reason: "MustBeAtMost10"}`.
pub(crate) fn err(e: crate::Error) -> JsError {
    let js = JsError::new(&e.to_string());
    // A JsError is a handle: the clone is the same JS object, so the fields land on `js`.
    let obj = js_sys::Object::from(JsValue::from(js.clone()));
    // If either cannot be set (never for a fresh Error) the page still has the English message.
    let _ = set(&obj, "code", &JsValue::from_str(e.code()));
    if let Ok(args) = to_js(&e.args()) {
        let _ = set(&obj, "args", &args);
    }
    js
}

/// Serialises a report struct into a plain JS object (maps become objects, numbers stay
/// numbers), ready for `postMessage`.
///
/// # Errors
/// If a value cannot be represented in JS (never for the crate's report types).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("cannot convert the result for JS: {e}")))
}

/// Deserialises a JS settings object into a core `Params`/config type. Missing fields take
/// their defaults; wrong types become an error naming `what`.
///
/// # Errors
/// A message such as `invalid training settings: invalid type: string "x", expected f32`.
pub(crate) fn from_js<T: DeserializeOwned>(what: &str, value: JsValue) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("invalid {what}: {e}")))
}

/// An RGBA image as `{width, height, rgba}` with `rgba` a `Uint8Array` (which the worker
/// transfers to the page instead of copying).
///
/// # Errors
/// If setting a property fails (never for a plain object).
pub(crate) fn image_to_js(img: &Image) -> Result<JsValue, JsError> {
    let obj = js_sys::Object::new();
    set(&obj, "width", &JsValue::from(img.width as u32))?;
    set(&obj, "height", &JsValue::from(img.height as u32))?;
    set(
        &obj,
        "rgba",
        &js_sys::Uint8Array::from(img.rgba.as_slice()).into(),
    )?;
    Ok(obj.into())
}

/// Sets `obj[key] = value`.
///
/// # Errors
/// If the property cannot be set.
pub(crate) fn set(obj: &js_sys::Object, key: &str, value: &JsValue) -> Result<(), JsError> {
    js_sys::Reflect::set(obj, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(|_| JsError::new(&format!("cannot set property {key}")))
}

/// Milliseconds from `performance.now()` (page or worker), falling back to `Date.now()`.
/// Pass it to `compress::speed::mean_ms` to measure kernels in the browser.
pub(crate) fn now_ms() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok());
    match perf {
        Some(p) => p.now(),
        None => js_sys::Date::now(),
    }
}
