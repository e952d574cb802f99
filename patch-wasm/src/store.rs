//! The store: the elements of every live `WasmArray`, by [`Handle`].
//!
//! A `WasmArray` object holds only its handle: a slot of the store and the
//! generation of that slot when the array was made. Slots are reused after
//! `free()`, generations never (within 2^32 reuses of one slot), so a
//! handle of a freed array never reaches the array that took its slot.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;

use patch_core::ErrorKind;

use crate::buf::{Buf, BufMut, BufRef};
use crate::dtype::JsDType;
use crate::error::{JsResult, error, invalid};

/// Where an array lives in the store. `repr(C)`: `WasmArray` is this
/// handle, and its bytes are read back from wasm memory to recognise a
/// genuine `WasmArray` argument (see `input.rs`); `check` makes 12 bytes
/// that merely happen to hold a live slot and generation (a pointer a few
/// bytes off, other data) fail to pass for a handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct Handle {
    pub(crate) slot: u32,
    pub(crate) generation: u32,
    pub(crate) check: u32,
}

impl Handle {
    /// The index of the handle's slot (a handle comes from JavaScript: the
    /// conversion is checked; one that does not fit indexes no slot).
    pub(crate) fn index(&self) -> usize {
        slot_index(self.slot)
    }

    /// The handle of `slot` at `generation`, with its check word.
    pub(crate) fn new(slot: u32, generation: u32) -> Handle {
        Handle {
            slot,
            generation,
            check: check_word(slot, generation),
        }
    }

    /// Whether the check word is the one of this slot and generation.
    pub(crate) fn is_consistent(&self) -> bool {
        self.check == check_word(self.slot, self.generation)
    }
}

thread_local! {
    /// A per-instance secret mixed into every check word, from
    /// `Math.random()` (so the words are not the same in every program).
    static SECRET: u32 = {
        // A double in [0, 1) times 2^32, rounded down, is below 2^32.
        crate::num::exact::<u32>((js_sys::Math::random() * 4_294_967_296.0).floor()).unwrap_or(0)
    };
}

/// A 32-bit mix (a multiply-xorshift) of the slot, the generation and the
/// secret.
fn check_word(slot: u32, generation: u32) -> u32 {
    let secret = SECRET.with(|s| *s);
    let mut h = (u64::from(slot) << 32 | u64::from(generation))
        ^ u64::from(secret).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    // The low half of the mix.
    u32::try_from(h & u64::from(u32::MAX)).unwrap_or(0)
}

/// An array in the store: dtype, shape and elements (C order).
pub(crate) struct Entry {
    pub(crate) dtype: JsDType,
    pub(crate) shape: Vec<usize>,
    pub(crate) buf: Buf,
}

/// A stored array, or a range of one (a typed array viewing its elements).
#[derive(Clone)]
pub(crate) struct Part {
    pub(crate) handle: Handle,
    /// Element range; `None` for the whole array (with its shape).
    pub(crate) range: Option<Range<usize>>,
}

impl Part {
    /// The shape of the part: the array's, or 1-D for a range.
    fn shape<'a>(&self, array: &'a [usize]) -> Cow<'a, [usize]> {
        match &self.range {
            None => Cow::Borrowed(array),
            Some(r) => Cow::Owned(vec![r.len()]),
        }
    }
}

/// Elements to read, with their dtype and shape (1-D for a range).
pub(crate) struct Src<'a> {
    pub(crate) dtype: JsDType,
    pub(crate) shape: Cow<'a, [usize]>,
    pub(crate) elements: BufRef<'a>,
}

/// Elements to write, with their dtype.
pub(crate) struct Dst<'a> {
    pub(crate) dtype: JsDType,
    pub(crate) elements: BufMut<'a>,
}

impl Dst<'_> {
    /// All of `buf`, which holds `dtype` elements, to write.
    pub(crate) fn of(dtype: JsDType, buf: &mut Buf) -> JsResult<Dst<'_>> {
        Ok(Dst {
            dtype,
            elements: buf.part_mut(&None)?,
        })
    }
}

/// A new buffer of `n` elements of `dtype`, written by `f` (the output
/// of every allocating call: `extract`, `fold`, `frame`, `overlapAdd`).
pub(crate) fn written(
    dtype: JsDType,
    n: usize,
    f: impl FnOnce(Dst<'_>) -> JsResult<()>,
) -> JsResult<Buf> {
    let mut buf = Buf::zeroed(dtype, n)?;
    f(Dst::of(dtype, &mut buf)?)?;
    Ok(buf)
}

struct Slot {
    generation: u32,
    entry: Option<Entry>,
    /// Whether JavaScript may hold a view of the elements (`.data` or
    /// `.ptr` was read), so that freeing them must detach the views.
    viewed: bool,
}

/// Every live `WasmArray`'s elements.
#[derive(Default)]
pub(crate) struct Store {
    slots: Vec<Slot>,
    free: Vec<u32>,
}

/// The index of slot `slot`: checked, `usize::MAX` (no slot) where a u32
/// does not fit `usize`.
fn slot_index(slot: u32) -> usize {
    usize::try_from(slot).unwrap_or(usize::MAX)
}

pub(crate) fn freed() -> wasm_bindgen::JsValue {
    invalid("the WasmArray was freed")
}

impl Store {
    /// Stores `entry` under a new handle.
    pub(crate) fn insert(&mut self, entry: Entry) -> JsResult<Handle> {
        if let Some(slot) = self.free.pop() {
            let Some(s) = self.slots.get_mut(slot_index(slot)) else {
                return Err(invalid(
                    "the free list names a slot the store lacks (a bug)",
                ));
            };
            // Generation 0 is never handed out (it marks probes and fresh slots).
            s.generation = s.generation.wrapping_add(1).max(1);
            s.entry = Some(entry);
            s.viewed = false;
            return Ok(Handle::new(slot, s.generation));
        }
        let slot = u32::try_from(self.slots.len())
            .ok()
            .filter(|&s| s < u32::MAX)
            .ok_or_else(|| error(ErrorKind::Allocation, "too many live WasmArrays"))?;
        self.slots
            .try_reserve(1)
            .map_err(|_| error(ErrorKind::Allocation, "cannot grow the table of WasmArrays"))?;
        self.free
            .try_reserve(self.slots.len() + 1)
            .map_err(|_| error(ErrorKind::Allocation, "cannot grow the table of WasmArrays"))?;
        self.slots.push(Slot {
            generation: 1,
            entry: Some(entry),
            viewed: false,
        });
        Ok(Handle::new(slot, 1))
    }

    /// Frees the array of `handle`: `Some(viewed)` (whether JavaScript may
    /// hold a view of its elements), `None` when it was already freed.
    pub(crate) fn remove(&mut self, handle: Handle) -> Option<bool> {
        match self.slots.get_mut(handle.index()) {
            Some(s) if s.generation == handle.generation && s.entry.is_some() => {
                s.entry = None;
                // Reserved in `insert`: one free entry per slot.
                self.free.push(handle.slot);
                Some(s.viewed)
            }
            _ => None,
        }
    }

    /// The array behind `handle`, whose elements JavaScript is about to
    /// get a view of.
    pub(crate) fn viewed(&mut self, handle: Handle) -> JsResult<&Entry> {
        let s = self
            .slots
            .get_mut(handle.index())
            .filter(|s| s.generation == handle.generation && s.entry.is_some())
            .ok_or_else(freed)?;
        s.viewed = true;
        s.entry.as_ref().ok_or_else(freed)
    }

    /// Whether `handle` names a live array.
    pub(crate) fn is_live(&self, handle: Handle) -> bool {
        self.get(handle).is_ok()
    }

    /// Whether `handle` names a slot of the store, live or freed.
    pub(crate) fn has_slot(&self, handle: Handle) -> bool {
        (handle.index()) < self.slots.len() && handle.generation != 0
    }

    /// The array behind `handle`.
    pub(crate) fn get(&self, handle: Handle) -> JsResult<&Entry> {
        self.slots
            .get(handle.index())
            .filter(|s| s.generation == handle.generation)
            .and_then(|s| s.entry.as_ref())
            .ok_or_else(freed)
    }

    fn get_mut(&mut self, handle: Handle) -> JsResult<&mut Entry> {
        self.slots
            .get_mut(handle.index())
            .filter(|s| s.generation == handle.generation)
            .and_then(|s| s.entry.as_mut())
            .ok_or_else(freed)
    }

    /// The elements of `part` to read.
    pub(crate) fn src(&self, part: &Part) -> JsResult<Src<'_>> {
        let e = self.get(part.handle)?;
        Ok(Src {
            dtype: e.dtype,
            shape: part.shape(&e.shape),
            elements: e.buf.part(&part.range)?,
        })
    }

    /// The elements of `part` to write.
    pub(crate) fn dst(&mut self, part: &Part) -> JsResult<Dst<'_>> {
        let e = self.get_mut(part.handle)?;
        Ok(Dst {
            dtype: e.dtype,
            elements: e.buf.part_mut(&part.range)?,
        })
    }

    /// The live array whose elements a typed array of `dtype` with `len`
    /// elements at byte address `addr` views, and the element range.
    pub(crate) fn find(&self, addr: usize, len: usize, dtype: JsDType) -> Option<Part> {
        let size = dtype.itemsize();
        let end = addr.checked_add(len.checked_mul(size)?)?;
        // Slots are counted by a u32 (checked in `insert`): the index never wraps.
        self.slots.iter().zip(0u32..).find_map(|(s, slot)| {
            let e = s.entry.as_ref()?;
            let start = e.buf.addr();
            let stop = start + e.buf.len() * size;
            let fits = e.dtype.accepts(dtype)
                && addr >= start
                && end <= stop
                && (addr - start).is_multiple_of(size);
            fits.then(|| {
                let first = (addr - start) / size;
                Part {
                    handle: Handle::new(slot, s.generation),
                    range: Some(first..first + len),
                }
            })
        })
    }

    /// Runs `f` on `src` (read) and `dst` (written): two different arrays,
    /// or two disjoint ranges of one. Overlapping parts are refused
    /// (`aliasing`): a copy cannot read and write the same elements.
    pub(crate) fn pair<R>(
        &mut self,
        src: &Part,
        dst: &Part,
        f: impl FnOnce(Src<'_>, Dst<'_>) -> JsResult<R>,
    ) -> JsResult<R> {
        let (s, d) = (src.handle, dst.handle);
        if s.slot != d.slot {
            let [a, b] = self
                .slots
                .get_disjoint_mut([s.index(), d.index()])
                .map_err(|_| freed())?;
            let (Some(a), Some(b)) = (
                a.entry.as_ref().filter(|_| a.generation == s.generation),
                b.entry.as_mut().filter(|_| b.generation == d.generation),
            ) else {
                return Err(freed());
            };
            return f(
                Src {
                    dtype: a.dtype,
                    shape: src.shape(&a.shape),
                    elements: a.buf.part(&src.range)?,
                },
                Dst {
                    dtype: b.dtype,
                    elements: b.buf.part_mut(&dst.range)?,
                },
            );
        }
        let Entry { dtype, shape, buf } = self.get_mut(s)?;
        if d.generation != s.generation {
            return Err(freed());
        }
        let read = src.range.clone().unwrap_or(all_of(buf));
        let write = dst.range.clone().unwrap_or(all_of(buf));
        let shape = src.shape(shape);
        let whole = read == all_of(buf) && write == all_of(buf);
        let (r, w) = buf.split(read.clone(), write.clone()).ok_or_else(|| {
            let message = if whole {
                "the source and the destination are the same WasmArray; a copy cannot read and write one buffer".to_string()
            } else {
                format!(
                    "the source (elements {}..{}) and the destination (elements {}..{}) overlap in one WasmArray; a copy cannot read and write the same elements",
                    read.start, read.end, write.start, write.end
                )
            };
            error(ErrorKind::Aliasing, message)
        })?;
        f(
            Src {
                dtype: *dtype,
                shape,
                elements: r,
            },
            Dst {
                dtype: *dtype,
                elements: w,
            },
        )
    }
}

fn all_of(buf: &Buf) -> Range<usize> {
    0..buf.len()
}

thread_local! {
    static STORE: RefCell<Store> = RefCell::new(Store::default());
}

/// Runs `f` on the store. The store is never borrowed while JavaScript
/// could call back into this module, but a re-entrant call is still turned
/// into an error rather than a panic.
pub(crate) fn with_store<R>(f: impl FnOnce(&mut Store) -> JsResult<R>) -> JsResult<R> {
    STORE.with(|s| match s.try_borrow_mut() {
        Ok(mut store) => f(&mut store),
        Err(_) => Err(invalid(
            "re-entrant call into patch-wasm while it was working on its arrays",
        )),
    })
}
