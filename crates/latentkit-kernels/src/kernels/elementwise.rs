//! The element-wise hot loops of the layers: activations and their gradients, bias rows,
//! sums and products of slices, softmax and log-sum-exp. They live here, not beside their
//! layers, to be compiled at this crate's opt-level 3 while the core is compiled for size:
//! at "s" they made English text training ~15% slower.
//!
//! Unlike the products, each is written once, in plain Rust that LLVM vectorises where it
//! can (relu, sums of slices). There is no SIMD twin to hold to the same bits: every element
//! goes through the same operations in the same order in every build, and no sum is
//! reassociated. Each is a plain non-generic function, so it is compiled here whoever calls it.

use crate::math;

/// x (rows, C) += bias (C), row by row.
pub fn add_bias(x: &mut [f32], bias: &[f32]) {
    for row in x.chunks_exact_mut(bias.len()) {
        add_into(row, bias);
    }
}

/// out += x, element by element (`out` may be longer: its first x.len() values).
pub fn add_into(out: &mut [f32], x: &[f32]) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o += v;
    }
}

/// out += x ⊙ y, element by element.
pub fn add_product(out: &mut [f32], x: &[f32], y: &[f32]) {
    for ((o, &a), &b) in out.iter_mut().zip(x).zip(y) {
        *o += a * b;
    }
}

/// out = x + y, element by element.
pub fn sum(out: &mut [f32], x: &[f32], y: &[f32]) {
    for ((o, &a), &b) in out.iter_mut().zip(x).zip(y) {
        *o = a + b;
    }
}

/// x *= s, element by element.
pub fn scale(x: &mut [f32], s: f32) {
    for v in x.iter_mut() {
        *v *= s;
    }
}

// Activations in place, x = f(x). The formulas of elu, gelu, tanh and sigmoid are `math`'s,
// which `Activation::apply` also uses.

/// max(x, 0) (0 for NaN and −0).
pub fn relu(x: &mut [f32]) {
    map(x, |v| if v > 0.0 { v } else { 0.0 })
}
pub fn leaky_relu(x: &mut [f32]) {
    map(x, |v| if v > 0.0 { v } else { math::LEAKY_RELU_SLOPE * v })
}
pub fn elu(x: &mut [f32]) {
    map(x, math::elu)
}
pub fn gelu(x: &mut [f32]) {
    map(x, math::gelu)
}
pub fn tanh(x: &mut [f32]) {
    map(x, math::tanh)
}
pub fn sigmoid(x: &mut [f32]) {
    map(x, math::sigmoid)
}

// Their gradients, g *= f'(z) in place, from z (the pre-activation) or a = f(z).

pub fn relu_backward(z: &[f32], g: &mut [f32]) {
    grad(z, g, |z| if z > 0.0 { 1.0 } else { 0.0 })
}
pub fn leaky_relu_backward(z: &[f32], g: &mut [f32]) {
    grad(z, g, |z| if z > 0.0 { 1.0 } else { math::LEAKY_RELU_SLOPE })
}
pub fn elu_backward(z: &[f32], a: &[f32], g: &mut [f32]) {
    for ((g, &z), &a) in g.iter_mut().zip(z).zip(a) {
        *g *= math::elu_derivative(z, a);
    }
}
pub fn gelu_backward(z: &[f32], g: &mut [f32]) {
    grad(z, g, math::gelu_derivative)
}
/// From a = tanh(z): f' = 1 − a².
pub fn tanh_backward(a: &[f32], g: &mut [f32]) {
    grad(a, g, |a| 1.0 - a * a)
}
/// From a = sigmoid(z): f' = a (1 − a).
pub fn sigmoid_backward(a: &[f32], g: &mut [f32]) {
    grad(a, g, |a| a * (1.0 - a))
}

#[inline(always)]
fn map(x: &mut [f32], f: impl Fn(f32) -> f32) {
    for v in x.iter_mut() {
        *v = f(*v);
    }
}

#[inline(always)]
fn grad(x: &[f32], g: &mut [f32], d: impl Fn(f32) -> f32) {
    for (g, &x) in g.iter_mut().zip(x) {
        *g *= d(x);
    }
}

/// Replaces logits by their softmax and returns ln Σ e^z (shifted by the maximum).
pub fn softmax_in_place(z: &mut [f32]) -> f32 {
    let m = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut s = 0f32;
    for v in z.iter_mut() {
        *v = math::exp(*v - m);
        s += *v;
    }
    let inv = 1.0 / s;
    for v in z.iter_mut() {
        *v *= inv;
    }
    m + math::ln(s)
}

/// ln Σ e^z, shifted by the maximum so it cannot overflow.
pub fn log_sum_exp(z: &[f32]) -> f32 {
    let m = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let s: f32 = z.iter().map(|&v| math::exp(v - m)).sum();
    m + math::ln(s)
}
