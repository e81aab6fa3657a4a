//! The element-wise hot loops of the layers: activations and their gradients, bias rows,
//! sums and products of slices, softmax and log-sum-exp. They live here, not beside their
//! layers, to be compiled at this crate's opt-level 3 while the core is compiled for size:
//! at "s" they made English text training 11-16% slower.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> Vec<f32> {
        (0..37).map(|i| (i as f32 - 18.0) * 0.37).chain([0.0, -0.0, 95.0, -120.0]).collect()
    }

    #[test]
    fn maps_apply_the_scalar_formulas_to_every_element() {
        type Map = fn(&mut [f32]);
        type Formula = fn(f32) -> f32;
        let maps: [(Map, Formula); 6] = [
            (relu, |v| if v > 0.0 { v } else { 0.0 }),
            (leaky_relu, |v| if v > 0.0 { v } else { 0.01 * v }),
            (elu, math::elu),
            (gelu, math::gelu),
            (tanh, math::tanh),
            (sigmoid, math::sigmoid),
        ];
        for (i, (map, f)) in maps.into_iter().enumerate() {
            let mut x = inputs();
            map(&mut x);
            for (&got, &z) in x.iter().zip(&inputs()) {
                assert_eq!(got.to_bits(), f(z).to_bits(), "map {i} at {z}");
            }
        }
    }

    #[test]
    fn gradients_multiply_by_the_derivative() {
        let z = inputs();
        let a: Vec<f32> = z.iter().map(|&v| math::tanh(v)).collect();
        let mut g = vec![2.0f32; z.len()];
        tanh_backward(&a, &mut g);
        for (&g, &a) in g.iter().zip(&a) {
            assert_eq!(g, 2.0 * (1.0 - a * a));
        }
        let mut g = vec![1.0f32; z.len()];
        relu_backward(&z, &mut g);
        assert!(g.iter().zip(&z).all(|(&g, &z)| g == if z > 0.0 { 1.0 } else { 0.0 }));
    }

    #[test]
    fn softmax_sums_to_one_and_returns_log_sum_exp() {
        let mut z = vec![1.0f32, -3.0, 88.0, 87.5, 0.0];
        let lse = log_sum_exp(&z);
        let exact = z.iter().map(|&v| (v as f64 - 88.0).exp()).sum::<f64>().ln() + 88.0;
        assert!((lse as f64 - exact).abs() < 1e-5, "{lse} vs {exact}");
        assert_eq!(softmax_in_place(&mut z), lse);
        assert!((z.iter().sum::<f32>() - 1.0).abs() < 1e-6 && z.iter().all(|p| p.is_finite()));
    }

    #[test]
    fn slice_sums_and_products() {
        let (x, y) = ([1.0f32, 2.0, 3.0, 4.0], [0.5f32, -1.0, 2.0, 0.0]);
        let mut out = [1.0f32; 4];
        add_product(&mut out, &x, &y);
        assert_eq!(out, [1.5, -1.0, 7.0, 1.0]);
        sum(&mut out, &x, &y);
        assert_eq!(out, [1.5, 1.0, 5.0, 4.0]);
        add_into(&mut out, &x);
        scale(&mut out, 2.0);
        assert_eq!(out, [5.0, 6.0, 16.0, 16.0]);
        let mut rows = [0.0f32; 6];
        add_bias(&mut rows, &[1.0, 2.0, 3.0]);
        assert_eq!(rows, [1.0, 2.0, 3.0, 1.0, 2.0, 3.0]);
    }
}
