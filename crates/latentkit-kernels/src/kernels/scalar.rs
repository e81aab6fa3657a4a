//! Portable reference kernels. Same signatures and the same per-element summation order
//! as `simd128.rs` (k ascending, from zero, then added to C when accumulating).

/// C (m×n) = A (m×k) · B (k×n)
pub fn gemm_nn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool) {
    rows_times_b(m, n, k, |i, p| a[i * k + p], b, c, accumulate)
}

/// C (m×n) = A (m×k) · Bᵀ, B stored (n×k)
pub fn gemm_nt(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool) {
    for i in 0..m {
        let x = &a[i * k..i * k + k];
        for j in 0..n {
            let y = &b[j * k..j * k + k];
            let mut s = 0f32;
            for p in 0..k {
                s += x[p] * y[p];
            }
            let out = &mut c[i * n + j];
            *out = if accumulate { *out + s } else { s };
        }
    }
}

/// C (m×n) = Aᵀ · B, A stored (k×m), B (k×n)
pub fn gemm_tn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool) {
    rows_times_b(m, n, k, |i, p| a[p * m + i], b, c, accumulate)
}

/// C = op(A) · B with B (k×n) row-major and op(A)(i, p) = `a(i, p)`: each row of C is
/// summed over p in ascending order, as the SIMD kernels do.
fn rows_times_b(m: usize, n: usize, k: usize, a: impl Fn(usize, usize) -> f32, b: &[f32], c: &mut [f32], accumulate: bool) {
    let mut acc = vec![0f32; n];
    for i in 0..m {
        acc.fill(0.0);
        for p in 0..k {
            let x = a(i, p);
            for (s, &y) in acc.iter_mut().zip(&b[p * n..p * n + n]) {
                *s += x * y;
            }
        }
        store(&mut c[i * n..i * n + n], &acc, accumulate);
    }
}

#[inline]
fn store(c: &mut [f32], acc: &[f32], accumulate: bool) {
    if accumulate {
        for (o, &s) in c.iter_mut().zip(acc) {
            *o += s;
        }
    } else {
        c.copy_from_slice(acc);
    }
}

/// One Adam update over flat buffers (see `kernels::AdamStep`); false if a parameter
/// became non-finite.
pub fn adam(params: &mut [f32], grads: &[f32], m: &mut [f32], v: &mut [f32], s: &super::AdamStep) -> bool {
    let (one_b1, one_b2) = (1.0 - s.beta1, 1.0 - s.beta2);
    let mut finite = true;
    for i in 0..params.len() {
        let mut p = params[i];
        let mut g = grads[i];
        if s.l2 != 0.0 {
            g += s.l2 * p;
        }
        p *= s.decay;
        let mi = s.beta1 * m[i] + one_b1 * g;
        let vi = s.beta2 * v[i] + one_b2 * g * g;
        p -= s.step_size * mi / (vi.sqrt() / s.bc2_sqrt + s.eps);
        m[i] = mi;
        v[i] = vi;
        params[i] = p;
        finite &= p.is_finite();
    }
    finite
}

/// z += bias (row by row), a = sigmoid(z).
pub fn bias_sigmoid(z: &mut [f32], bias: &[f32], a: &mut [f32]) {
    for (zr, ar) in z.chunks_exact_mut(bias.len()).zip(a.chunks_exact_mut(bias.len())) {
        for ((zv, av), &b) in zr.iter_mut().zip(ar.iter_mut()).zip(bias) {
            *zv += b;
            *av = crate::math::sigmoid(*zv);
        }
    }
}
