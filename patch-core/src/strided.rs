//! The copy kernel of plans that are views: a strided N-d gather into a
//! contiguous buffer, with adjacent axes merged so that the innermost loop
//! copies the longest contiguous run (`p*C` elements for ViT), short runs
//! copied with sizes known at compile time, and an odometer that updates the
//! source offset incrementally.

/// A strided source walked in C order of `shape`, written contiguously.
#[derive(Debug, Clone)]
pub(crate) struct Strided {
    /// Outer dimensions (after merging), without the row and run dimensions.
    outer: Vec<(usize, isize)>,
    /// Rows per innermost outer position, and the source step between rows.
    rows: usize,
    row_step: isize,
    /// Elements per contiguous run (1 when the innermost axis is strided).
    run: usize,
    offset: isize,
}

impl Strided {
    /// Plans a copy of `shape` read through `strides` from `offset`.
    /// `shape` must not be empty of elements.
    pub(crate) fn new(shape: &[usize], strides: &[isize], offset: usize) -> Self {
        // Drop length-1 axes, then merge an axis into the one before it when
        // the pair is contiguous with each other.
        let mut dims: Vec<(usize, isize)> = Vec::with_capacity(shape.len());
        for (&n, &s) in shape.iter().zip(strides) {
            if n == 1 {
                continue;
            }
            match dims.last_mut() {
                Some((pn, ps)) if *ps == s.wrapping_mul(n as isize) => {
                    *pn *= n;
                    *ps = s;
                }
                _ => dims.push((n, s)),
            }
        }
        let run = match dims.last() {
            Some(&(n, 1)) => {
                dims.pop();
                n
            }
            _ => 1,
        };
        let (rows, row_step) = dims.pop().unwrap_or((1, 0));
        Strided {
            outer: dims,
            rows,
            row_step,
            run,
            offset: offset as isize,
        }
    }

    /// Number of output elements per index of the first outer dimension, and
    /// that dimension's length (for splitting the copy across threads).
    pub(crate) fn split(&self) -> (usize, usize) {
        match self.outer.first() {
            Some(&(n, _)) => (
                n,
                self.rows * self.run * self.outer[1..].iter().map(|d| d.0).product::<usize>(),
            ),
            None => (1, self.rows * self.run),
        }
    }

    /// Copies the part of the output whose first outer index lies in
    /// `first..last` into `dst` (exactly that part's elements).
    pub(crate) fn copy_part<T: Copy>(&self, src: &[T], dst: &mut [T], first: usize, last: usize) {
        let block = self.rows * self.run;
        if self.outer.is_empty() {
            self.copy_block(src, dst, self.offset);
            return;
        }
        let mut idx = vec![0usize; self.outer.len()];
        idx[0] = first;
        let mut at = self.offset + first as isize * self.outer[0].1;
        let mut chunks = dst.chunks_exact_mut(block);
        loop {
            let Some(chunk) = chunks.next() else { return };
            self.copy_block(src, chunk, at);
            // Advance the odometer, updating the source offset incrementally.
            let mut m = self.outer.len();
            loop {
                if m == 0 {
                    return;
                }
                m -= 1;
                let (n, s) = self.outer[m];
                idx[m] += 1;
                at = at.wrapping_add(s);
                let end = if m == 0 { last } else { n };
                if idx[m] < end {
                    break;
                }
                if m == 0 {
                    return;
                }
                at = at.wrapping_sub(s.wrapping_mul(n as isize));
                idx[m] = 0;
            }
        }
    }

    /// Copies `rows` runs starting at `at` into `dst`.
    #[inline]
    fn copy_block<T: Copy>(&self, src: &[T], dst: &mut [T], at: isize) {
        let (run, step) = (self.run, self.row_step);
        if run == 1 {
            let mut a = at;
            for d in dst.iter_mut() {
                *d = src[a as usize];
                a = a.wrapping_add(step);
            }
            return;
        }
        macro_rules! fixed {
            ($($n:literal)*) => {
                match run {
                    $($n => copy_rows::<T, $n>(dst, src, at, step),)*
                    _ => copy_rows_dyn(dst, src, at, step, run),
                }
            };
        }
        fixed!(2 3 4 5 6 7 8 9 10 12 14 15 16 18 20 21 24 27 28 30 32 36 40 42 45 48 56 60 63 64 72 80 84 96 112 120 128 144 160 192 224 256);
    }
}

/// Copies rows of `N` elements from `src` (rows `step` apart, the first at
/// `at`) into the consecutive rows of `dst`: with `N` known at compile time
/// each row is a few vector moves instead of a `memcpy` call.
#[inline]
pub(crate) fn copy_rows<T: Copy, const N: usize>(dst: &mut [T], src: &[T], at: isize, step: isize) {
    let (rows, _) = dst.as_chunks_mut::<N>();
    let mut a = at;
    for row in rows {
        let s = a as usize;
        *row = *src[s..s + N]
            .as_chunks::<N>()
            .0
            .first()
            .expect("a run of N elements");
        a = a.wrapping_add(step);
    }
}

/// [`copy_rows`] for a run length known only at run time.
#[inline]
pub(crate) fn copy_rows_dyn<T: Copy>(dst: &mut [T], src: &[T], at: isize, step: isize, len: usize) {
    let mut a = at;
    for row in dst.chunks_exact_mut(len) {
        let s = a as usize;
        row.copy_from_slice(&src[s..s + len]);
        a = a.wrapping_add(step);
    }
}
