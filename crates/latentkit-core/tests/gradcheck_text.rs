// Gradient checks of the text layers of issue #12 (`token_embedding`, `class_softmax`), in
// the style of `src/gradcheck.rs`: the analytic f32 gradients against f64 central finite
// differences of an independent f64 implementation written from the definitions. The
// tests live in `mod gradcheck`, so `cargo test -p latentkit-core gradcheck` runs them too.

mod gradcheck {
    use latentkit_core::layers::class_softmax::{self, ClassSoftmax};
    use latentkit_core::layers::{dense, mat, mat_mut, token_embedding};
    use latentkit_core::rng::Rng;
    use latentkit_core::Activation;

    /// Every analytic gradient against the central difference of `f` (h = 1e-6), with the
    /// tolerance of `src/gradcheck.rs`.
    fn compare(label: &str, params: &[f64], grads: &[f32], f: impl Fn(&[f64]) -> f64) {
        assert_eq!(params.len(), grads.len(), "{label}: gradient length");
        let (mut p, h) = (params.to_vec(), 1e-6);
        for i in 0..p.len() {
            let orig = p[i];
            p[i] = orig + h;
            let up = f(&p);
            p[i] = orig - h;
            let down = f(&p);
            p[i] = orig;
            let (fd, g) = ((up - down) / (2.0 * h), grads[i] as f64);
            assert!((g - fd).abs() <= 2e-5 + 2e-3 * fd.abs(), "{label}: d loss / d param[{i}] analytic {g} vs finite difference {fd}");
        }
    }

    fn uniform(n: usize, lo: f32, hi: f32, rng: &mut Rng) -> Vec<f32> {
        (0..n).map(|_| rng.uniform_in(lo, hi)).collect()
    }

    fn to64(v: &[f32]) -> Vec<f64> {
        v.iter().map(|&x| x as f64).collect()
    }

    /// E[id] + P[t] for every position, side by side (B, L·d), in f64.
    fn embed64(ids: &[f32], length: usize, table: &[f64], pos: &[f64], d: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity(ids.len() * d);
        for (i, &id) in ids.iter().enumerate() {
            let t = i % length;
            out.extend((0..d).map(|k| table[id as usize * d + k] + pos[t * d + k]));
        }
        out
    }

    /// scale · Σ −ln(p(c | q) · p(w | c, q)) written out per position from the definition:
    /// class logits q·C[c] + bc[c] over every class, word logits q·E[u] + bw[u] over the
    /// tokens u of w's class (`class_of` read directly, not the layer's grouping).
    fn class_softmax64(q: &[f64], targets: &[f32], table: &[f64], own: &[f64], class_of: &[u32], d: usize, scale: f64) -> f64 {
        let (v, nc) = (class_of.len(), class_of.iter().map(|&c| c as usize + 1).max().unwrap());
        let (cw, bc, bw) = (&own[..nc * d], &own[nc * d..nc * d + nc], &own[nc * d + nc..]);
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let lse = |z: &[f64]| {
            let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            m + z.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
        };
        let mut total = 0.0;
        for (i, &t) in targets.iter().enumerate() {
            let qi = &q[i * d..(i + 1) * d];
            let zc: Vec<f64> = (0..nc).map(|c| dot(qi, &cw[c * d..(c + 1) * d]) + bc[c]).collect();
            let c = class_of[t as usize];
            let word = |u: usize| dot(qi, &table[u * d..(u + 1) * d]) + bw[u];
            let zw: Vec<f64> = (0..v).filter(|&u| class_of[u] == c).map(word).collect();
            total += lse(&zc) - zc[c as usize] + lse(&zw) - word(t as usize);
        }
        scale * total
    }

    /// The class softmax alone: gradients of q, E (only the target classes' rows may be
    /// non-zero) and C, bc, bw, for a layer built by `layer`.
    fn check_class_softmax(label: &str, cs: &ClassSoftmax, n: usize, scale: f64, seed: u64) {
        let (v, d) = (cs.vocab(), cs.dim());
        let mut rng = Rng::new(seed, 3);
        let q = uniform(n * d, -1.0, 1.0, &mut rng);
        let table = uniform(v * d, -1.0, 1.0, &mut rng);
        let own = uniform(cs.param_count(), -0.5, 0.5, &mut rng);
        let targets: Vec<f32> = (0..n).map(|_| rng.below(v as u32) as f32).collect();
        let mut s = class_softmax::Scratch::default();
        let loss = cs.forward(mat(&q, n, d), &targets, mat(&table, v, d), &own, scale, &mut s);
        // dq is overwritten (start it at 7); parameter gradients add (start at 1, remove after)
        let (mut dq, mut dtable, mut down) = (vec![7.0f32; n * d], vec![1f32; v * d], vec![1f32; own.len()]);
        cs.backward(mat(&q, n, d), &targets, mat(&table, v, d), &own, scale, &mut s, mat_mut(&mut dq, n, d), mat_mut(&mut dtable, v, d), &mut down);
        let (dtable, down): (Vec<f32>, Vec<f32>) = (dtable.iter().map(|g| g - 1.0).collect(), down.iter().map(|g| g - 1.0).collect());
        let class_of = cs.class_of().to_vec();
        let (q64, t64, o64) = (to64(&q), to64(&table), to64(&own));
        let want = class_softmax64(&q64, &targets, &t64, &o64, &class_of, d, scale);
        assert!((loss - want).abs() <= 1e-5 * want.abs().max(1.0), "{label}: loss {loss} vs f64 {want}");
        compare(&format!("{label}/q"), &q64, &dq, |p| class_softmax64(p, &targets, &t64, &o64, &class_of, d, scale));
        compare(&format!("{label}/E"), &t64, &dtable, |p| class_softmax64(&q64, &targets, p, &o64, &class_of, d, scale));
        compare(&format!("{label}/C,bc,bw"), &o64, &down, |p| class_softmax64(&q64, &targets, &t64, p, &class_of, d, scale));
        // E rows outside every target's class get nothing: the cost is the target classes'
        let used: Vec<u32> = targets.iter().map(|&t| class_of[t as usize]).collect();
        for tok in 0..v {
            if !used.contains(&class_of[tok]) {
                assert!(dtable[tok * d..(tok + 1) * d].iter().all(|&g| g == 0.0), "{label}: row {tok} of an unused class got a gradient");
            }
        }
    }

    #[test]
    fn class_softmax_every_gradient() {
        // frequency binning: token 0 (padding-like) heavy enough for a class alone, ids
        // by descending count so classes are runs of ids (E read in place)
        let counts: Vec<u64> = (0..11).map(|i| if i == 0 { 60 } else { 12 - i as u64 }).collect();
        let runs = ClassSoftmax::from_counts(&counts, 4, 3).unwrap();
        assert_eq!(runs.members(0), &[0], "the heavy token has a class alone");
        check_class_softmax("runs/mean", &runs, 9, 1.0 / 9.0, 1);
        check_class_softmax("runs/sum per row", &runs, 9, 1.0 / 3.0, 2);
        // classes whose members are scattered ids (E gathered), one of them a singleton
        let scattered = ClassSoftmax::from_classes(&[2, 0, 1, 0, 2, 1, 0, 3, 1], 4).unwrap();
        check_class_softmax("scattered", &scattered, 12, 1.0 / 12.0, 3);
        // one class (a plain softmax) and one token a class (p(w | c) = 1)
        check_class_softmax("one class", &ClassSoftmax::from_classes(&[0; 6], 3).unwrap(), 5, 0.2, 4);
        check_class_softmax("singletons", &ClassSoftmax::from_classes(&[0, 1, 2, 3, 4], 3).unwrap(), 5, 0.2, 5);
    }

    #[test]
    fn token_embedding_every_gradient() {
        // loss = Σ r ⊙ out for fixed random r, so dout = r; ids repeat within and across rows
        let (rows, length, v, d) = (3, 4, 5, 3);
        let mut rng = Rng::new(8, 1);
        let ids: Vec<f32> = [0, 1, 1, 4, 2, 2, 2, 0, 4, 3, 0, 0].iter().map(|&i| i as f32).collect();
        let (table, pos) = (uniform(v * d, -1.0, 1.0, &mut rng), uniform(length * d, -1.0, 1.0, &mut rng));
        let r = uniform(rows * length * d, -1.0, 1.0, &mut rng);
        let mut out = vec![0f32; rows * length * d];
        token_embedding::forward(mat(&ids, rows, length), mat(&table, v, d), mat(&pos, length, d), mat_mut(&mut out, rows, length * d));
        let want = embed64(&ids, length, &to64(&table), &to64(&pos), d);
        assert!(out.iter().zip(&want).all(|(&a, &b)| (a as f64 - b).abs() < 1e-6), "forward");
        // gradients add: start from 1 and subtract it after
        let (mut dtable, mut dpos) = (vec![1f32; v * d], vec![1f32; length * d]);
        token_embedding::backward(mat(&ids, rows, length), mat(&r, rows, length * d), mat_mut(&mut dtable, v, d), mat_mut(&mut dpos, length, d));
        let (dtable, dpos): (Vec<f32>, Vec<f32>) = (dtable.iter().map(|g| g - 1.0).collect(), dpos.iter().map(|g| g - 1.0).collect());
        let r64 = to64(&r);
        let f = |t: &[f64], p: &[f64]| embed64(&ids, length, t, p, d).iter().zip(&r64).map(|(a, b)| a * b).sum::<f64>();
        let (t64, p64) = (to64(&table), to64(&pos));
        compare("embedding/E", &t64, &dtable, |t| f(t, &p64));
        compare("embedding/P", &p64, &dpos, |p| f(&t64, p));
    }

    /// The shapes of the tied test: the table E feeds the embedding and the output layer.
    struct Tied {
        rows: usize,
        length: usize,
        v: usize,
        d: usize,
        cs: ClassSoftmax,
        ids: Vec<f32>,
    }

    impl Tied {
        /// Parameter layout: E (V×d), P (L×d), W (L·d × L·d), b (L·d), then C, bc, bw.
        fn ranges(&self) -> [std::ops::Range<usize>; 5] {
            let (ld, vd) = (self.length * self.d, self.v * self.d);
            let p = vd..vd + self.length * self.d;
            let w = p.end..p.end + ld * ld;
            let b = w.end..w.end + ld;
            [0..vd, p, w, b.clone(), b.end..b.end + self.cs.param_count()]
        }

        /// f64 loss: E[id]+P[t] side by side, tanh(x·W + b) read as one query per position,
        /// class softmax against the input ids (mean over positions).
        fn loss64(&self, p: &[f64]) -> f64 {
            let [e, pos, w, b, own] = self.ranges();
            let ld = self.length * self.d;
            let x = embed64(&self.ids, self.length, &p[e.clone()], &p[pos], self.d);
            let mut q = vec![0f64; self.rows * ld];
            for r in 0..self.rows {
                for o in 0..ld {
                    let z = p[b.start + o] + (0..ld).map(|i| x[r * ld + i] * p[w.start + i * ld + o]).sum::<f64>();
                    q[r * ld + o] = z.tanh();
                }
            }
            let n = self.rows * self.length;
            class_softmax64(&q, &self.ids, &p[e], &p[own], self.cs.class_of(), self.d, 1.0 / n as f64)
        }

        /// f32 loss and gradients through the layers: embedding -> dense (tanh) -> class
        /// softmax, and back; E's gradient collects both uses.
        fn loss_and_grads(&self, p: &[f32]) -> (f64, Vec<f32>) {
            let [e, pos, w, b, own] = self.ranges();
            let (rows, l, d, ld, n) = (self.rows, self.length, self.d, self.length * self.d, self.rows * self.length);
            let (mut x, mut z, mut a) = (vec![0f32; rows * ld], vec![0f32; rows * ld], vec![0f32; rows * ld]);
            let ids = mat(&self.ids, rows, l);
            token_embedding::forward(ids, mat(&p[e.clone()], self.v, d), mat(&p[pos.clone()], l, d), mat_mut(&mut x, rows, ld));
            dense::forward(mat(&x, rows, ld), mat(&p[w.clone()], ld, ld), &p[b.clone()], Activation::Tanh, mat_mut(&mut z, rows, ld), mat_mut(&mut a, rows, ld));
            let mut s = class_softmax::Scratch::default();
            let table = mat(&p[e.clone()], self.v, d);
            let scale = 1.0 / n as f64;
            let loss = self.cs.forward(mat(&a, n, d), &self.ids, table, &p[own.clone()], scale, &mut s);
            let mut g = vec![0f32; p.len()];
            let mut dq = vec![0f32; n * d];
            let (ge, rest) = g.split_at_mut(e.end);
            let own_g = &mut rest[own.start - e.end..];
            self.cs.backward(mat(&a, n, d), &self.ids, table, &p[own], scale, &mut s, mat_mut(&mut dq, n, d), mat_mut(ge, self.v, d), own_g);
            Activation::Tanh.backward(&z, &a, &mut dq);
            let mut dx = vec![0f32; rows * ld];
            let (gw, gb) = g[w.start..b.end].split_at_mut(ld * ld);
            dense::backward(mat(&x, rows, ld), mat(&p[w], ld, ld), mat(&dq, rows, ld), mat_mut(gw, ld, ld), gb, Some(mat_mut(&mut dx, rows, ld)));
            let (ge, gp) = g[..pos.end].split_at_mut(e.end);
            token_embedding::backward(ids, mat(&dx, rows, ld), mat_mut(ge, self.v, d), mat_mut(gp, l, d));
            (loss, g)
        }
    }

    #[test]
    fn tied_table_gets_the_gradient_of_embedding_and_output() {
        // 7 tokens, one class of scattered ids so both E paths (in place, gathered) run
        let cs = ClassSoftmax::from_classes(&[0, 1, 1, 2, 1, 2, 2], 3).unwrap();
        let ids: Vec<f32> = [3, 1, 0, 0, 6, 2, 5, 0, 4, 4, 1, 0].iter().map(|&i| i as f32).collect();
        let t = Tied { rows: 3, length: 4, v: 7, d: 3, cs, ids };
        let count = t.ranges()[4].end;
        let mut rng = Rng::new(21, 2);
        let p = uniform(count, -0.6, 0.6, &mut rng);
        let (loss, g) = t.loss_and_grads(&p);
        let p64 = to64(&p);
        let want = t.loss64(&p64);
        assert!((loss - want).abs() <= 1e-5 * want.abs().max(1.0), "tied: loss {loss} vs f64 {want}");
        // the finite differences move E in both places at once, so a missing use fails here
        compare("tied", &p64, &g, |p| t.loss64(p));
    }
}
