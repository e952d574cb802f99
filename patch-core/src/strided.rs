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
    /// Band mode: the innermost outer dimension (length given here) holds
    /// runs that lie side by side in the source, so one source row of
    /// `band * run` elements is read sequentially and scattered into `band`
    /// output blocks (ViT: a whole image row feeds 14 patches at once).
    band: usize,
    offset: isize,
}

/// Largest output band (in bytes) kept in the cache for band mode.
const BAND_BYTES: usize = 64 * 1024;

impl Strided {
    /// Plans a copy of `shape` read through `strides` from `offset`.
    /// `shape` must not be empty of elements.
    pub(crate) fn new(shape: &[usize], strides: &[isize], offset: usize, itemsize: usize) -> Self {
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
        let mut band = 1;
        if let Some(&(n, s)) = dims.last()
            && run > 1
            && rows > 1
            && s == run as isize
            && row_step.unsigned_abs() > run
            && n * rows * run * itemsize <= BAND_BYTES
        {
            band = n;
            dims.pop();
        }
        Strided {
            outer: dims,
            rows,
            row_step,
            run,
            band,
            offset: offset as isize,
        }
    }

    /// Number of output elements per index of the first outer dimension, and
    /// that dimension's length (for splitting the copy across threads).
    pub(crate) fn split(&self) -> (usize, usize) {
        match self.outer.first() {
            Some(&(n, _)) => (
                n,
                self.band
                    * self.rows
                    * self.run
                    * self.outer[1..].iter().map(|d| d.0).product::<usize>(),
            ),
            None => (1, self.band * self.rows * self.run),
        }
    }

    /// Copies the part of the output whose first outer index lies in
    /// `first..last` into `dst` (exactly that part's elements).
    pub(crate) fn copy_part<T: Copy>(&self, src: &[T], dst: &mut [T], first: usize, last: usize) {
        // The run length is dispatched once, so the whole loop nest is
        // compiled for a run of known size (N = 0: known only at run time).
        macro_rules! fixed {
            ($($n:literal)*) => {
                match self.run {
                    $($n => self.walk::<T, $n>(src, dst, first, last),)*
                    _ => self.walk::<T, 0>(src, dst, first, last),
                }
            };
        }
        fixed!(2 3 4 6 8 12 16 24 32 48 64 96 128 192 256);
    }

    fn walk<T: Copy, const N: usize>(&self, src: &[T], dst: &mut [T], first: usize, last: usize) {
        let block = self.band * self.rows * self.run;
        if self.outer.is_empty() {
            self.block::<T, N>(src, dst, self.offset);
            return;
        }
        let mut idx = vec![0usize; self.outer.len()];
        idx[0] = first;
        let mut at = self.offset + first as isize * self.outer[0].1;
        let mut chunks = dst.chunks_exact_mut(block);
        loop {
            let Some(chunk) = chunks.next() else { return };
            self.block::<T, N>(src, chunk, at);
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

    /// Copies one output block (`band` blocks of `rows` runs) starting at `at`.
    #[inline(always)]
    fn block<T: Copy, const N: usize>(&self, src: &[T], dst: &mut [T], at: isize) {
        let (run, rows, step) = (self.run, self.rows, self.row_step);
        if run == 1 {
            let mut a = at;
            for d in dst.iter_mut() {
                *d = src[a as usize];
                a = a.wrapping_add(step);
            }
        } else if self.band > 1 {
            // Band mode: source row `r` (`band * run` contiguous elements)
            // feeds row `r` of each of the `band` output blocks.
            let seg = self.band * run;
            let mut a = at;
            for r in 0..rows {
                let s = a as usize;
                let from = &src[s..s + seg];
                if N == 0 {
                    for (g, piece) in from.chunks_exact(run).enumerate() {
                        let o = (g * rows + r) * run;
                        dst[o..o + run].copy_from_slice(piece);
                    }
                } else {
                    scatter_run::<T, N>(from, &mut dst[r * N..], rows * N);
                }
                a = a.wrapping_add(step);
            }
        } else if N == 0 {
            copy_rows_dyn(dst, src, at, step, run);
        } else {
            copy_rows::<T, N>(dst, src, at, step);
        }
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

/// Scatters the runs of `N` elements of `from` into `dst` at `stride` apart.
#[inline]
fn scatter_run<T: Copy, const N: usize>(from: &[T], dst: &mut [T], stride: usize) {
    let (pieces, _) = from.as_chunks::<N>();
    let mut o = 0;
    for piece in pieces {
        let to: &mut [T; N] = (&mut dst[o..o + N])
            .try_into()
            .expect("a run of N elements");
        *to = *piece;
        o += stride;
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
