//! wasm32 SIMD128 kernels, same signatures as `scalar.rs`.
//!
//! One register-blocked micro-kernel computes a 4-row × 8-column tile of C with eight
//! `v128` accumulators (x86 hosts have 16 vector registers; 4×16 tiles spilled in V8).
//! B is first packed into 8-column panels laid out k-major, so the kernel reads it
//! sequentially whatever its layout; A is read through strides, which covers both A (m×k)
//! and Aᵀ. So one kernel serves all three products. Each C element is summed over k in
//! ascending order with separate mul and add, exactly like the scalar twin.

use core::arch::wasm32::*;
use std::cell::RefCell;

const MR: usize = 4;
const NR: usize = 8;
/// Rows of A per block (64 rows × k = 784 floats = 200 KB: fits L2).
const MC: usize = 64;

thread_local! {
    /// Packed B panels, reused across calls so training allocates nothing per batch.
    static PACKED: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

#[derive(Clone, Copy)]
enum BLayout {
    /// b(p, j) = b[p * n + j]
    KByN,
    /// b(p, j) = b[j * k + p]
    NByK,
}

/// C (m×n) = A (m×k) · B (k×n)
pub fn gemm_nn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool) {
    if m < MR {
        // One or a few rows (single-row inference): packing B would cost as much as the
        // product itself. Stream B's rows instead.
        return rows_nn(m, n, k, a, b, c, accumulate);
    }
    gemm_packed(m, n, k, a, k, 1, b, BLayout::KByN, c, accumulate)
}

/// C (m×n) = A (m×k) · Bᵀ, B stored (n×k)
pub fn gemm_nt(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool) {
    gemm_packed(m, n, k, a, k, 1, b, BLayout::NByK, c, accumulate)
}

/// C (m×n) = Aᵀ · B, A stored (k×m), B (k×n)
pub fn gemm_tn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool) {
    gemm_packed(m, n, k, a, 1, m, b, BLayout::KByN, c, accumulate)
}

/// a(i, p) = a[i * rs + p * cs]
#[allow(clippy::too_many_arguments)]
fn gemm_packed(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    rs: usize,
    cs: usize,
    b: &[f32],
    layout: BLayout,
    c: &mut [f32],
    accumulate: bool,
) {
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            c[..m * n].fill(0.0);
        }
        return;
    }
    PACKED.with(|cell| {
        let mut buf = cell.borrow_mut();
        let packed = pack_b(b, layout, k, n, &mut buf);
        let panels = n.div_ceil(NR);
        // Rows of A in blocks of MC, so the block stays in L2 while every B panel (in L1)
        // passes over it: with k = 784, all of A would not fit and would stream from L3
        // once per panel.
        for i0 in (0..m).step_by(MC) {
            let i_end = (i0 + MC).min(m);
            for panel in 0..panels {
                let j0 = panel * NR;
                let width = NR.min(n - j0);
                let bp = &packed[panel * k * NR..(panel + 1) * k * NR];
                let mut i = i0;
                while i + MR <= i_end {
                    // SAFETY: rows i..i+4 of A exist (i + 4 <= m), every a(i+r, p) index is
                    // below m*k by construction of rs/cs; bp holds k*8 floats; C tile rows
                    // i..i+4, columns j0..j0+width are inside c (checked by the caller).
                    unsafe { tile_4x8(k, a.as_ptr().add(i * rs), rs, cs, bp.as_ptr(), c.as_mut_ptr().add(i * n + j0), n, width, accumulate) };
                    i += MR;
                }
                while i < i_end {
                    // SAFETY: as above for one row.
                    unsafe { tile_1x8(k, a.as_ptr().add(i * rs), cs, bp.as_ptr(), c.as_mut_ptr().add(i * n + j0), width, accumulate) };
                    i += 1;
                }
            }
        }
    })
}

/// Packs B into ⌈n/8⌉ panels of k×8 floats (k-major), zero-padding the last panel, in
/// `buf` from its first 64-byte boundary on: the kernels' vector loads then never straddle
/// a cache line. (The allocator aligns to 8 bytes only, so without this the speed of every
/// product depended on where the buffer happened to land: ~5-10% from one build to the
/// next.) Returns the packed panels.
fn pack_b<'a>(b: &[f32], layout: BLayout, k: usize, n: usize, buf: &'a mut Vec<f32>) -> &'a [f32] {
    const ALIGN_FLOATS: usize = 16;
    let panels = n.div_ceil(NR);
    buf.clear();
    buf.resize(panels * k * NR + ALIGN_FLOATS, 0.0);
    let skip = buf.as_ptr().align_offset(4 * ALIGN_FLOATS).min(ALIGN_FLOATS);
    let out = &mut buf[skip..skip + panels * k * NR];
    for panel in 0..panels {
        let j0 = panel * NR;
        let width = NR.min(n - j0);
        let dst = &mut out[panel * k * NR..(panel + 1) * k * NR];
        match layout {
            // Eight floats are two vector moves; a copy_from_slice here would be a call to
            // memcpy per row of the panel, which cost more than the product for k×8 panels.
            BLayout::KByN if width == NR => {
                for p in 0..k {
                    // SAFETY: p*n + j0 + 8 <= k*n (width == 8 columns exist) and dst holds k*8.
                    unsafe {
                        let src = b.as_ptr().add(p * n + j0);
                        let d = dst.as_mut_ptr().add(p * NR);
                        v128_store(d as *mut v128, v128_load(src as *const v128));
                        v128_store(d.add(4) as *mut v128, v128_load(src.add(4) as *const v128));
                    }
                }
            }
            BLayout::KByN => {
                for p in 0..k {
                    for jj in 0..width {
                        dst[p * NR + jj] = b[p * n + j0 + jj];
                    }
                }
            }
            BLayout::NByK => {
                for jj in 0..width {
                    let row = &b[(j0 + jj) * k..(j0 + jj + 1) * k];
                    for (p, &v) in row.iter().enumerate() {
                        dst[p * NR + jj] = v;
                    }
                }
            }
        }
    }
    out
}

#[inline(always)]
unsafe fn madd(acc: v128, x: v128, y: v128) -> v128 {
    f32x4_add(acc, f32x4_mul(x, y))
}

/// C[0..4][0..width] (+)= A[0..4][0..k] · panel, with C's row stride `ldc`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn tile_4x8(k: usize, a: *const f32, rs: usize, cs: usize, bp: *const f32, c: *mut f32, ldc: usize, width: usize, accumulate: bool) {
    let zero = f32x4_splat(0.0);
    let (mut c00, mut c01, mut c10, mut c11) = (zero, zero, zero, zero);
    let (mut c20, mut c21, mut c30, mut c31) = (zero, zero, zero, zero);
    let (a0, a1, a2, a3) = (a, a.add(rs), a.add(2 * rs), a.add(3 * rs));
    for p in 0..k {
        let b0 = v128_load(bp.add(p * NR) as *const v128);
        let b1 = v128_load(bp.add(p * NR + 4) as *const v128);
        let off = p * cs;
        let x0 = f32x4_splat(*a0.add(off));
        c00 = madd(c00, x0, b0);
        c01 = madd(c01, x0, b1);
        let x1 = f32x4_splat(*a1.add(off));
        c10 = madd(c10, x1, b0);
        c11 = madd(c11, x1, b1);
        let x2 = f32x4_splat(*a2.add(off));
        c20 = madd(c20, x2, b0);
        c21 = madd(c21, x2, b1);
        let x3 = f32x4_splat(*a3.add(off));
        c30 = madd(c30, x3, b0);
        c31 = madd(c31, x3, b1);
    }
    store_row(c, width, accumulate, c00, c01);
    store_row(c.add(ldc), width, accumulate, c10, c11);
    store_row(c.add(2 * ldc), width, accumulate, c20, c21);
    store_row(c.add(3 * ldc), width, accumulate, c30, c31);
}

#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn tile_1x8(k: usize, a: *const f32, cs: usize, bp: *const f32, c: *mut f32, width: usize, accumulate: bool) {
    let (mut c0, mut c1) = (f32x4_splat(0.0), f32x4_splat(0.0));
    for p in 0..k {
        let x = f32x4_splat(*a.add(p * cs));
        c0 = madd(c0, x, v128_load(bp.add(p * NR) as *const v128));
        c1 = madd(c1, x, v128_load(bp.add(p * NR + 4) as *const v128));
    }
    store_row(c, width, accumulate, c0, c1);
}

/// Writes (or adds, as C + acc) the first `width` lanes of [lo, hi] to c.
#[inline(always)]
unsafe fn store_row(c: *mut f32, width: usize, accumulate: bool, lo: v128, hi: v128) {
    if width == NR {
        let (lo, hi) = if accumulate {
            (f32x4_add(v128_load(c as *const v128), lo), f32x4_add(v128_load(c.add(4) as *const v128), hi))
        } else {
            (lo, hi)
        };
        v128_store(c as *mut v128, lo);
        v128_store(c.add(4) as *mut v128, hi);
    } else {
        let mut tmp = [0f32; NR];
        v128_store(tmp.as_mut_ptr() as *mut v128, lo);
        v128_store(tmp.as_mut_ptr().add(4) as *mut v128, hi);
        for (j, &v) in tmp.iter().enumerate().take(width) {
            let out = c.add(j);
            *out = if accumulate { *out + v } else { v };
        }
    }
}

/// gemm_nn for few rows (single-row inference): each row of C is built 16 columns at a
/// time in four registers, streaming B's rows, with no packing.
fn rows_nn(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool) {
    for i in 0..m {
        let arow = &a[i * k..(i + 1) * k];
        let crow = &mut c[i * n..(i + 1) * n];
        let mut j = 0;
        // 32 columns at a time: eight independent sums hide the add latency that bounds
        // one row (each sum is a chain of k dependent adds).
        while j + 32 <= n {
            let zero = f32x4_splat(0.0);
            let mut s = [zero; 8];
            for (p, &x) in arow.iter().enumerate() {
                // SAFETY: p < k and j + 32 <= n, so p*n + j + 32 <= k*n <= b.len().
                unsafe {
                    let bp = b.as_ptr().add(p * n + j);
                    let xv = f32x4_splat(x);
                    for (q, sq) in s.iter_mut().enumerate() {
                        *sq = madd(*sq, xv, v128_load(bp.add(4 * q) as *const v128));
                    }
                }
            }
            // SAFETY: j + 32 <= n = crow.len().
            unsafe {
                for h in 0..4 {
                    store_row(crow.as_mut_ptr().add(j + 8 * h), NR, accumulate, s[2 * h], s[2 * h + 1]);
                }
            }
            j += 32;
        }
        while j + 16 <= n {
            let zero = f32x4_splat(0.0);
            let (mut s0, mut s1, mut s2, mut s3) = (zero, zero, zero, zero);
            for (p, &x) in arow.iter().enumerate() {
                // SAFETY: p < k and j + 16 <= n, so p*n + j + 16 <= k*n <= b.len().
                unsafe {
                    let bp = b.as_ptr().add(p * n + j);
                    let xv = f32x4_splat(x);
                    s0 = madd(s0, xv, v128_load(bp as *const v128));
                    s1 = madd(s1, xv, v128_load(bp.add(4) as *const v128));
                    s2 = madd(s2, xv, v128_load(bp.add(8) as *const v128));
                    s3 = madd(s3, xv, v128_load(bp.add(12) as *const v128));
                }
            }
            // SAFETY: j + 16 <= n = crow.len().
            unsafe {
                store_row(crow.as_mut_ptr().add(j), NR, accumulate, s0, s1);
                store_row(crow.as_mut_ptr().add(j + 8), NR, accumulate, s2, s3);
            }
            j += 16;
        }
        while j + 4 <= n {
            let mut s = f32x4_splat(0.0);
            for (p, &x) in arow.iter().enumerate() {
                // SAFETY: as above with 4 columns.
                unsafe { s = madd(s, f32x4_splat(x), v128_load(b.as_ptr().add(p * n + j) as *const v128)) };
            }
            // SAFETY: j + 4 <= n.
            unsafe {
                let out = crow.as_mut_ptr().add(j) as *mut v128;
                v128_store(out, if accumulate { f32x4_add(v128_load(out), s) } else { s });
            }
            j += 4;
        }
        for jj in j..n {
            let mut s = 0f32;
            for (p, &x) in arow.iter().enumerate() {
                s += x * b[p * n + jj];
            }
            crow[jj] = if accumulate { crow[jj] + s } else { s };
        }
    }
}

/// One Adam update, four parameters at a time; same operations in the same order as the
/// scalar twin (sqrt and division are exact in both), so the results agree bit for bit.
pub fn adam(params: &mut [f32], grads: &[f32], m: &mut [f32], v: &mut [f32], s: &super::AdamStep) -> bool {
    let n = params.len();
    let vec_end = n - n % 4;
    let splat = f32x4_splat;
    let (b1, b2, one_b1, one_b2) = (splat(s.beta1), splat(s.beta2), splat(1.0 - s.beta1), splat(1.0 - s.beta2));
    let (step, bc2, eps, l2, decay) = (splat(s.step_size), splat(s.bc2_sqrt), splat(s.eps), splat(s.l2), splat(s.decay));
    let inf = splat(f32::INFINITY);
    let mut ok = i32x4_splat(-1);
    let use_l2 = s.l2 != 0.0;
    let mut i = 0;
    while i < vec_end {
        // SAFETY: i + 4 <= n, and all four buffers have length n (checked by the caller).
        unsafe {
            let pp = params.as_mut_ptr().add(i) as *mut v128;
            let mp = m.as_mut_ptr().add(i) as *mut v128;
            let vp = v.as_mut_ptr().add(i) as *mut v128;
            let mut p = v128_load(pp);
            let mut g = v128_load(grads.as_ptr().add(i) as *const v128);
            if use_l2 {
                g = f32x4_add(g, f32x4_mul(l2, p));
            }
            p = f32x4_mul(p, decay);
            let mi = f32x4_add(f32x4_mul(b1, v128_load(mp)), f32x4_mul(one_b1, g));
            let vi = f32x4_add(f32x4_mul(b2, v128_load(vp)), f32x4_mul(f32x4_mul(one_b2, g), g));
            let denom = f32x4_add(f32x4_div(f32x4_sqrt(vi), bc2), eps);
            p = f32x4_sub(p, f32x4_div(f32x4_mul(step, mi), denom));
            v128_store(mp, mi);
            v128_store(vp, vi);
            v128_store(pp, p);
            ok = v128_and(ok, f32x4_lt(f32x4_abs(p), inf));
        }
        i += 4;
    }
    let tail = super::scalar::adam(&mut params[vec_end..], &grads[vec_end..], &mut m[vec_end..], &mut v[vec_end..], s);
    i32x4_all_true(ok) && tail
}

/// z += bias row by row, a = sigmoid(z), four columns at a time with a vector exp that
/// mirrors `math::exp` operation for operation.
pub fn bias_sigmoid(z: &mut [f32], bias: &[f32], a: &mut [f32]) {
    let cols = bias.len();
    let vec_end = cols - cols % 4;
    for (zr, ar) in z.chunks_exact_mut(cols).zip(a.chunks_exact_mut(cols)) {
        let mut j = 0;
        while j < vec_end {
            // SAFETY: j + 4 <= cols = zr.len() = ar.len() = bias.len().
            unsafe {
                let zp = zr.as_mut_ptr().add(j) as *mut v128;
                let x = f32x4_add(v128_load(zp), v128_load(bias.as_ptr().add(j) as *const v128));
                v128_store(zp, x);
                let e = exp_nonpositive(f32x4_neg(f32x4_abs(x)));
                let one = f32x4_splat(1.0);
                let denom = f32x4_add(one, e);
                let pos = f32x4_div(one, denom);
                let neg = f32x4_div(e, denom);
                v128_store(ar.as_mut_ptr().add(j) as *mut v128, v128_bitselect(pos, neg, f32x4_ge(x, f32x4_splat(0.0))));
            }
            j += 4;
        }
        for jj in vec_end..cols {
            zr[jj] += bias[jj];
            ar[jj] = crate::math::sigmoid(zr[jj]);
        }
    }
}

/// `math::exp` for x <= 0 (x = −|z|, so never NaN here), four lanes.
#[inline(always)]
unsafe fn exp_nonpositive(x: v128) -> v128 {
    let splat = f32x4_splat;
    let n = f32x4_floor(f32x4_add(f32x4_mul(x, splat(std::f32::consts::LOG2_E)), splat(0.5)));
    let r = f32x4_sub(f32x4_sub(x, f32x4_mul(n, splat(0.693_359_4))), f32x4_mul(n, splat(-2.121_944_4e-4)));
    let r2 = f32x4_mul(r, r);
    let mut p = splat(1.987_569_1e-4);
    for c in [1.398_199_9e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 5e-1] {
        p = f32x4_add(f32x4_mul(p, r), splat(c));
    }
    let y = f32x4_add(f32x4_add(f32x4_mul(p, r2), r), splat(1.0));
    // y · 2^n in two exact steps, as math::scale_by_pow2 does below 2^-126
    let ni = i32x4_trunc_sat_f32x4(n);
    let n1 = i32x4_max(ni, i32x4_splat(-126));
    let n2 = i32x4_max(i32x4_sub(ni, n1), i32x4_splat(-126));
    let pow2 = |k: v128| i32x4_shl(i32x4_add(k, i32x4_splat(127)), 23);
    let scaled = f32x4_mul(f32x4_mul(y, pow2(n1)), pow2(n2));
    v128_bitselect(splat(0.0), scaled, f32x4_lt(x, splat(-103.972_08)))
}
