//! Core errors become real JS `Error`s carrying a machine-readable `code`.

use latentkit_core::Error;
use wasm_bindgen::JsValue;

pub type JsResult<T> = Result<T, JsValue>;

pub fn to_js(err: Error) -> JsValue {
    let js = js_sys::Error::new(&err.to_string());
    // Setting a property on a fresh Error cannot fail.
    let _ = js_sys::Reflect::set(&js, &JsValue::from_str("code"), &JsValue::from_str(err.code()));
    js.into()
}
