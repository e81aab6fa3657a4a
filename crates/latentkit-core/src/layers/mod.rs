//! The layers: forward/backward pairs over row-major data, the activations and the
//! losses. They import the kernels and the maths below them, never the model above.

pub mod activation;
pub mod class_softmax;
pub mod dense;
pub mod label_table;
pub mod loss;
pub mod mmd;
pub mod text_head;
pub mod token_embedding;
pub mod variational;

use ndarray::{ArrayView2, ArrayViewMut2};

// The four helpers below are called a few times per layer and batch, never inside a loop,
// so a call is nothing next to the product it feeds; kept out of line they save 3.7 KiB of
// wasm (measured: 229,529 -> 225,741 bytes).

/// The first rows × cols values of a row-major buffer as a matrix. Buffers are sized for
/// the largest batch, so a smaller batch takes their start.
#[inline(never)]
pub fn mat(buf: &[f32], rows: usize, cols: usize) -> ArrayView2<'_, f32> {
    let buf = &buf[..rows * cols];
    // SAFETY: `buf` holds exactly rows × cols initialised values (the slice above is bounds
    // checked), laid out row-major: the default strides of this shape. Not `from_shape`,
    // whose general stride checks cost ~10 KiB of wasm for a shape that cannot be wrong.
    unsafe { ArrayView2::from_shape_ptr((rows, cols), buf.as_ptr()) }
}

/// The mutable form of `mat`.
#[inline(never)]
pub fn mat_mut(buf: &mut [f32], rows: usize, cols: usize) -> ArrayViewMut2<'_, f32> {
    let buf = &mut buf[..rows * cols];
    // SAFETY: as in `mat`; the view borrows `buf` mutably for its lifetime.
    unsafe { ArrayViewMut2::from_shape_ptr((rows, cols), buf.as_mut_ptr()) }
}

/// The contiguous row-major data of a view made by `mat`, for the kernels.
#[inline(never)]
pub fn flat<'a>(v: &ArrayView2<'a, f32>) -> &'a [f32] {
    v.to_slice().expect("views are made row-major by `mat`")
}

/// The mutable form of `flat`.
#[inline(never)]
pub fn flat_mut<'a, 'b>(v: &'b mut ArrayViewMut2<'a, f32>) -> &'b mut [f32] {
    v.as_slice_mut().expect("views are made row-major by `mat_mut`")
}
