// The code panel's snippets: the current geometry written in numpy
// (as_strided, sliding_window_view), torch, and this library's Rust, C,
// JavaScript and Python doors. Pure functions of a geometry description
// whose numbers (view shape, strides, padding, origins) are the engine's
// answers; nothing here computes a stride. Each snippet is a whole program
// that prints the view's shape and strides (or says why there are none),
// and the browser tests run the numpy, C, JavaScript and Python ones.
//
// The description G:
//   { kind: 'image' | 'frames' | 'tiny', shape, dtype, names (one letter per input axis),
//     axes: [{ role, size, step, dilation }], per input axis,
//     padding: { convention, mode, pads: [[lo, hi]] per window axis (the engine's), fill },
//     view: { shape, strides (bytes) | null, elementStrides | null },
//     padded: { shape, strides, elementStrides } | null   the view over numpy's padded copy (the engine's)
//     origins: [[...] per window axis] | null             window origins (Cover)
//     coverLast: [origin | null per window axis] | null  the engine's shifted last windows (Cover)
//     numPatches, patchLen, frames?: { frameLen, hop, padEnd, fill } }

import { mergeGroups } from './geometry.js';

const NP = { uint8: 'np.uint8', float32: 'np.float32', float64: 'np.float64' };
const TORCH = { uint8: 'torch.uint8', float32: 'torch.float32', float64: 'torch.float64' };
const C_TYPE = { uint8: 'unsigned char', float32: 'float', float64: 'double' };
const C_DTYPE = { uint8: 'PATCH_DTYPE_U8', float32: 'PATCH_DTYPE_F32', float64: 'PATCH_DTYPE_F64' };
const RUST = { uint8: 'u8', float32: 'f32', float64: 'f64' };
const TORCH_MODE = { reflect: 'reflect', edge: 'replicate', wrap: 'circular' };

const tuple = (a) => (a.length === 1 ? `(${a[0]},)` : `(${a.join(', ')})`);
const list = (a) => `[${a.join(', ')}]`;
const windowAxes = (G) => G.axes.map((a, i) => i).filter((i) => G.axes[i].role === 'window');
/** Whether the windows read padding (then numpy pads first and G.padded is the view of that copy). */
const padded = (G) => (G.padding.convention === 'same' || G.padding.convention === 'explicit') && G.padded != null;
const cover = (G) => G.padding.convention === 'cover';
const product = (a) => a.reduce((x, y) => x * y, 1);
const extentOf = (a) => a.dilation * (a.size - 1) + 1;
/** A number as Python, C, Rust and JavaScript print it (floats keep a decimal point in Python and Rust). */
const pyNum = (v, dtype) => (dtype === 'uint8' ? String(v) : Number.isInteger(v) ? `${v}.0` : String(v));

/** The pad widths of numpy.pad: (lo, hi) per window axis from the engine, (0, 0) elsewhere. */
function padWidth(G) {
  let w = 0;
  return G.axes.map((a) => (a.role === 'window' ? G.padding.pads[w++] : [0, 0]));
}

function npPadLine(G, src = 'x') {
  const pw = padWidth(G);
  const width = G.shape.length === 1 ? tuple(pw[0]) : `(${pw.map(tuple).join(', ')})`;
  const mode = G.padding.mode;
  const value = mode === 'constant' ? `, constant_values=${pyNum(G.padding.fill, G.dtype)}` : '';
  return `xp = np.pad(${src}, ${width}, mode='${mode}'${value})  # a padded copy: numpy pads before it can cut`;
}

/** The engine's order of the view's axes as positions of numpy's and torch's window results: input axes (windows as grids) ++ window axes. */
function engineOrder(G) {
  const n = G.shape.length;
  const win = windowAxes(G);
  const outer = [];
  const inner = [];
  G.axes.forEach((a, i) => {
    if (a.role !== 'whole') outer.push(i);
    if (a.role === 'window') inner.push(n + win.indexOf(i));
    else if (a.role === 'whole') inner.push(i);
  });
  return outer.concat(inner);
}
const isIdentity = (p) => p.every((v, i) => v === i);

function header(G) {
  const names = G.names.join(', ');
  if (G.kind === 'tiny') return `x = np.arange(${product(G.shape)}, dtype=${NP[G.dtype]}).reshape${tuple(G.shape)}  # ${names}: each element holds its index`;
  return `x = np.zeros(${tuple(G.shape)}, dtype=${NP[G.dtype]})  # ${names}`;
}

/** Python lines that print a tuple and, as a comment, what it prints. */
const pyPrint = (expr, value) => `print(${expr})${' '.repeat(Math.max(1, 22 - expr.length))}# ${tuple(value)}`;

// ---------------------------------------------------------------- numpy

export function numpyStrided(G) {
  const L = ['import numpy as np', 'from numpy.lib.stride_tricks import as_strided', '', header(G)];
  if (cover(G)) {
    L.push('', '# Cover shifts the last window on an axis back to the border, so the windows are', '# not evenly strided: no (shape, strides) holds them, as_strided cannot either.');
    L.push(...coverNumpy(G));
    return L.join('\n') + '\n';
  }
  let src = 'x';
  let strides = G.view.strides;
  if (padded(G)) {
    L.push(npPadLine(G));
    src = 'xp';
    strides = G.padded.strides;
  }
  L.push(
    '',
    '# WARNING: as_strided trusts its arguments. A wrong shape or stride reads',
    '# (with writeable=True, writes) memory outside the array: garbage or a',
    '# crash, never an error. Overlapping windows share memory: keep it read-only.',
    `view = as_strided(${src}, shape=${tuple(G.view.shape)}, strides=${tuple(strides)}, writeable=False)`,
    pyPrint('view.shape', G.view.shape),
    pyPrint('view.strides', strides),
  );
  L.push(...copyLines(G, 'view', strides));
  return L.join('\n') + '\n';
}

function coverNumpy(G) {
  const win = windowAxes(G);
  const L = [];
  win.forEach((i, w) => L.push(`starts_${G.names[i].toLowerCase()} = ${list(G.origins[w])}  # window origins along ${G.names[i]} (the engine's)`));
  const idx = G.axes.map((a, i) => {
    if (a.role !== 'window') return ':';
    const v = G.names[i].toLowerCase();
    return `${v}:${v} + ${extentOf(a)}${a.dilation > 1 ? `:${a.dilation}` : ''}`;
  });
  const loops = win.map((i) => `for ${G.names[i].toLowerCase()} in starts_${G.names[i].toLowerCase()}`).join(' ');
  L.push(`windows = np.stack([x[${idx.join(', ')}] ${loops}])  # a copy, window by window`);
  // windows: (g1*g2*..., <input axes with windows cut>) -> the engine's order.
  const grids = win.map((i, w) => G.origins[w].length);
  L.push(`windows = windows.reshape(${tuple(grids.concat(G.shape.map((d, i) => (G.axes[i].role === 'window' ? G.axes[i].size : d))))})`);
  // dims now: grids (one per window axis) ++ input axes (window ones as their size).
  const order = [];
  const g = win.length;
  G.axes.forEach((a, i) => {
    if (a.role === 'batch') order.push(g + i);
    else if (a.role === 'window') order.push(win.indexOf(i));
  });
  G.axes.forEach((a, i) => {
    if (a.role !== 'batch') order.push(g + i);
  });
  if (!isIdentity(order)) L.push(`windows = windows.transpose${tuple(order)}  # the engine's axis order`);
  L.push(pyPrint('windows.shape', G.view.shape));
  return L;
}

/** Lines that reshape a view into the patch matrix, saying whether numpy must copy (its strides cannot be merged). */
function copyLines(G, v, strides) {
  const nOuter = G.view.shape.length - G.axes.filter((a) => a.role !== 'batch').length;
  const free = mergeGroups(G.view.shape, strides, 0, nOuter).length <= 1 && mergeGroups(G.view.shape, strides, nOuter).length <= 1;
  return [
    `patches = ${v}.reshape(${G.numPatches}, ${G.patchLen})  # ${free ? 'no copy: these strides merge' : 'a copy: these strides cannot be merged'}`,
    pyPrint('patches.shape', [G.numPatches, G.patchLen]),
    pyPrint(`np.shares_memory(patches, ${v})`, [free ? 'True' : 'False']).replace(/# \((\w+),\)/, '# $1'),
  ];
}

export function numpySwv(G) {
  const L = ['import numpy as np', 'from numpy.lib.stride_tricks import sliding_window_view', '', header(G)];
  if (cover(G)) {
    L.push('', '# Cover shifts the last window on an axis back to the border: sliding_window_view', '# has no such option, and no strides hold the shifted windows. Gather them (a copy):');
    L.push(...coverNumpy(G));
    return L.join('\n') + '\n';
  }
  let src = 'x';
  if (padded(G)) {
    L.push(npPadLine(G));
    src = 'xp';
  }
  const win = windowAxes(G);
  const winShape = win.map((i) => extentOf(G.axes[i]));
  const axisArg = G.shape.length === win.length && win.length === 1 ? '' : `, axis=${tuple(win)}`;
  const steps = G.axes.map((a) => (a.role === 'window' && a.step > 1 ? `::${a.step}` : ':'));
  const dil = win.map((i) => (G.axes[i].dilation > 1 ? `::${G.axes[i].dilation}` : ':'));
  const index = trimIndex(steps.concat(dil));
  L.push(
    '',
    '# Every window position (a view, bounds-checked by numpy), then every step-th',
    `# position${win.some((i) => G.axes[i].dilation > 1) ? ' and, for dilation, every dilation-th sample inside' : ''}: still a view.`,
    `view = sliding_window_view(${src}, ${winShape.length === 1 ? winShape[0] : tuple(winShape)}${axisArg})${index}`,
  );
  L.push(...swvTranspose(G, 'view'));
  const strides = padded(G) ? G.padded.strides : G.view.strides;
  L.push(pyPrint('view.shape', G.view.shape), pyPrint('view.strides', strides));
  L.push(...copyLines(G, 'view', strides));
  return L.join('\n') + '\n';
}

function trimIndex(parts) {
  const p = parts.slice();
  while (p.length && p[p.length - 1] === ':') p.pop();
  return p.length ? `[${p.join(', ')}]` : '';
}

function swvTranspose(G, v) {
  const order = engineOrder(G);
  if (isIdentity(order)) return [];
  return [`${v} = ${v}.transpose${tuple(order)}  # the engine's axis order: grid axes, then inside the patch`];
}

// ---------------------------------------------------------------- torch

export function torch(G) {
  const L = ['import torch', 'import torch.nn.functional as F', '', `x = torch.zeros(${G.shape.join(', ')}, dtype=${TORCH[G.dtype]})  # ${G.names.join(', ')}`];
  let src = 'x';
  if (cover(G)) {
    L.push('', '# Cover shifts the last window back to the border: no strides hold it.', '# Tensor.unfold gives the regular windows; the shifted one is a slice of its own (a copy with torch.cat).');
  }
  const win = windowAxes(G);
  if (padded(G)) {
    // F.pad takes (lo, hi) pairs from the last dimension backwards.
    const pairs = [];
    for (let i = G.shape.length - 1; i >= 0; i--) {
      const w = win.indexOf(i);
      pairs.push(...(w >= 0 ? G.padding.pads[w] : [0, 0]));
    }
    while (pairs.length > 2 && pairs[pairs.length - 1] === 0 && pairs[pairs.length - 2] === 0) pairs.length -= 2;
    if (G.padding.mode === 'constant') {
      L.push(`xp = F.pad(x, ${tuple(pairs)}, value=${pyNum(G.padding.fill, G.dtype)})  # a padded copy`);
    } else if (TORCH_MODE[G.padding.mode]) {
      // Non-constant modes pad the last dims of a float (N, C, ...) tensor: window axes last, a batch dim in front.
      const other = G.axes.map((x, i) => i).filter((i) => !win.includes(i));
      const perm = other.concat(win);
      const inv = perm.map((_, i) => perm.indexOf(i));
      const lead = Math.max(1, 2 - other.length);
      const t = `${isIdentity(perm) ? 'x' : `x.permute${tuple(perm)}`}${'[None]'.repeat(lead)}.float()`;
      const back = `${'[0]'.repeat(lead)}${isIdentity(inv) ? '' : `.permute${tuple(inv)}`}`;
      L.push(`xp = F.pad(${t}, ${tuple(pairs.slice(0, 2 * win.length))}, mode='${TORCH_MODE[G.padding.mode]}')${back}  # numpy's '${G.padding.mode}'; a padded float copy`);
    } else {
      L.push(`# torch has no '${G.padding.mode}' padding: pad with numpy's np.pad(..., mode='${G.padding.mode}') and torch.from_numpy.`);
      L.push(`xp = torch.from_numpy(np.pad(x.numpy(), ${tuple(padWidth(G).map(tuple))}, mode='${G.padding.mode}'))`);
      L.unshift('import numpy as np');
    }
    src = 'xp';
  }
  let expr = src;
  const comments = [];
  for (const i of win) {
    const a = G.axes[i];
    expr += `.unfold(${i}, ${extentOf(a)}, ${a.step})`;
    if (a.dilation > 1) expr += `[..., ::${a.dilation}]`;
  }
  comments.push('# Tensor.unfold(dim, size, step) cuts dim into windows and appends the window axis: a view');
  L.push('', ...comments, `view = ${expr}`);
  const order = engineOrder(G);
  if (!isIdentity(order)) L.push(`view = view.permute${tuple(order)}  # the engine's axis order`);
  const es = padded(G) ? G.padded.elementStrides : G.view.elementStrides;
  L.push(`print(tuple(view.shape))  # ${tuple(cover(G) ? regularShape(G) : G.view.shape)}`);
  if (es && !cover(G)) L.push(`print(view.stride())     # ${tuple(es)}: torch counts strides in elements, numpy in bytes`);
  if (G.kind !== 'frames' && win.length === 2) {
    const nc = G.axes.findIndex((a) => a.role !== 'window');
    const chw = nc === 0;
    const nchw = chw ? `${src}[None]` : `${src}.permute(2, 0, 1)[None]`;
    const kh = G.axes[win[0]];
    const kw = G.axes[win[1]];
    L.push(
      '',
      '# im2col: F.unfold takes a float (N, C, H, W) batch and returns the columns',
      '# (N, C*kh*kw, L): the engine\'s extract(order=\'feature-major\') of the CHW layout. A copy.',
      `cols = F.unfold(${nchw}.float(), kernel_size=(${kh.size}, ${kw.size}), dilation=(${kh.dilation}, ${kw.dilation}), stride=(${kh.step}, ${kw.step}))[0]`,
      `print(tuple(cols.shape))  # ${tuple([G.patchLen, cover(G) ? product(regularShape(G).slice(0, 2)) : G.numPatches])}`,
    );
  } else if (G.kind === 'frames') {
    L.push('', '# torch.stft frames the same way internally (with a window and centring).');
  }
  return L.join('\n') + '\n';
}

/** The view shape without Cover's extra window. */
function regularShape(G) {
  let w = 0;
  const shape = G.view.shape.slice();
  // Outer axes in input order: batch axes and grid axes.
  let pos = 0;
  G.axes.forEach((a, i) => {
    if (a.role === 'whole') return;
    if (a.role === 'window') {
      const shifted = G.coverLast && G.coverLast[w] != null;
      shape[pos] -= shifted ? 1 : 0;
      w++;
    }
    pos++;
  });
  return shape;
}

// ---------------------------------------------------------------- this library

function rustPadding(G) {
  const mode = G.padding.mode[0].toUpperCase() + G.padding.mode.slice(1);
  switch (G.padding.convention) {
    case 'same':
      return `Padding::same(PadMode::${mode})`;
    case 'explicit':
      return `Padding::explicit(&[${G.padding.pads.map((p) => `(${p[0]}, ${p[1]})`).join(', ')}], PadMode::${mode})`;
    case 'cover':
      return 'Padding::cover()';
    default:
      return 'Padding::valid()';
  }
}

function rustRole(a, name) {
  if (a.role === 'window') return `AxisRole::window(${a.size}, ${a.step}, ${a.dilation}), // ${name}: size, step, dilation`;
  if (a.role === 'whole') return `AxisRole::Whole, // ${name}: whole, inside every patch`;
  return `AxisRole::Batch, // ${name}: batch, outside the patches`;
}

export function rust(G) {
  const T = RUST[G.dtype];
  const n = product(G.shape);
  const fill = G.padding.mode === 'constant' && padded(G) ? `${pyNum(G.padding.fill, G.dtype)}${T}` : null;
  const L = [
    '// Cargo.toml: patch-core = { path = "patch-core" } (this repository)',
    `use patch_core::{AxisRole, ${fill ? 'ExtractOptions, ' : ''}Layout, ${padded(G) ? 'PadMode, ' : ''}Padding, ${fill ? '' : 'PatchOrder, '}PatchSpec, Plan};`,
    '',
    'fn main() -> Result<(), patch_core::PatchError> {',
    `    let x = vec![0${T}; ${n}]; // ${G.names.join(', ')}`,
    `    let layout = Layout::of::<${T}>(&${list(G.shape)})?;`,
    '    let spec = PatchSpec::new(vec![',
    ...G.axes.map((a, i) => `        ${rustRole(a, G.names[i])}`),
    '    ]);',
    `    let plan = Plan::new(&layout, &spec, &${rustPadding(G)})?;`,
    `    println!("{:?}", plan.shape()); // ${list(G.view.shape)}`,
    G.view.strides
      ? `    println!("{:?}", plan.view_byte_strides()?); // ${list(G.view.strides)}`
      : `    println!("{}", plan.view_byte_strides().unwrap_err()); // not a view: ${padded(G) ? 'the windows read padding' : 'Cover shifted a window'}`,
    fill
      ? `    let patches = plan.extract_with(&x, &ExtractOptions::new().fill(${fill}))?; // a copy; constant padding reads ${fill}`
      : '    let patches = plan.extract(&x, PatchOrder::PatchMajor)?; // a copy',
    `    println!("{:?}", patches.shape()); // ${list([G.numPatches, G.patchLen])}`,
    '    Ok(())',
    '}',
  ];
  return L.join('\n') + '\n';
}

function cAxis(a) {
  if (a.role === 'window') return `patch_axis_window(${a.size}, ${a.step}, ${a.dilation})`;
  return a.role === 'whole' ? 'patch_axis_whole()' : 'patch_axis_batch()';
}

export function c(G) {
  const n = G.shape.length;
  const nd = G.view.shape.length;
  const T = C_TYPE[G.dtype];
  const conv = { valid: 'VALID', same: 'SAME', explicit: 'EXPLICIT', cover: 'COVER' }[G.padding.convention];
  const mode = G.padding.mode.toUpperCase();
  let w = 0;
  const axes = G.axes.map((a) => {
    if (a.role === 'window' && G.padding.convention === 'explicit') {
      const [lo, hi] = G.padding.pads[w++];
      return `patch_axis_window_padded(${a.size}, ${a.step}, ${a.dilation}, ${lo}, ${hi})`;
    }
    return cAxis(a);
  });
  const fill = padded(G) && G.padding.mode === 'constant';
  const L = [
    '#include <stdio.h>',
    '#include <stdlib.h>',
    '#include "patch.h"',
    '',
    'int main(void) {',
    `    static ${T} x[${G.shape.join(' * ')}]; /* ${G.names.join(', ')} */`,
    `    const size_t shape[${n}] = {${G.shape.join(', ')}};`,
    `    const patch_layout layout = {shape, NULL /* C-contiguous */, ${n}, 0, ${C_DTYPE[G.dtype]}};`,
    `    const patch_axis axes[${n}] = {${axes.join(', ')}};`,
    `    const patch_padding padding = {PATCH_CONVENTION_${conv}, PATCH_PAD_MODE_${padded(G) ? mode : 'CONSTANT'}};`,
    `    size_t vshape[${nd}], i, bytes = 0;`,
    `    ptrdiff_t strides[${nd}];`,
    '    patch_view *view = NULL;',
    '    void *patches;',
    '    patch_status st = patch_view_create(&layout, axes, ' + n + ', &padding, &view);',
    '    if (st != PATCH_STATUS_OK) {',
    '        fprintf(stderr, "%s\\n", patch_last_error_message());',
    '        return 1;',
    '    }',
    `    patch_view_shape(view, vshape, ${nd}, NULL);`,
    `    printf("shape");  /* ${G.view.shape.join(' ')} */`,
    `    for (i = 0; i < ${nd}; i++) printf(" %zu", vshape[i]);`,
    `    if (patch_view_strides(view, strides, ${nd}, NULL) == PATCH_STATUS_OK) {`,
    `        printf("\\nstrides"); /* ${G.view.strides ? G.view.strides.join(' ') : ''} (bytes, as numpy) */`,
    `        for (i = 0; i < ${nd}; i++) printf(" %td", strides[i]);`,
    '        printf("\\n");',
    '    } else {',
    '        printf("\\nstrides: %s\\n", patch_last_error_message()); /* not a view */',
    '    }',
    '    patch_view_copy_bytes(view, &bytes);',
    '    patches = malloc(bytes ? bytes : 1);',
  ];
  if (fill) {
    L.push(`    {`, `        const ${T} fill = ${G.dtype === 'uint8' ? G.padding.fill : `${pyNum(G.padding.fill, G.dtype)}${G.dtype === 'float32' ? 'f' : ''}`};`,
      '        const patch_extract_options opts = {PATCH_ORDER_PATCH_MAJOR, &fill, sizeof fill};',
      '        st = patch_extract_into(view, x, sizeof x, patches, bytes, &opts);',
      '    }');
  } else {
    L.push('    st = patch_extract_into(view, x, sizeof x, patches, bytes, NULL); /* patch-major, a copy */');
  }
  L.push(
    `    if (st == PATCH_STATUS_OK) printf("copy %zu bytes\\n", bytes); /* ${G.numPatches} x ${G.patchLen} elements */`,
    '    else fprintf(stderr, "%s\\n", patch_last_error_message());',
    '    free(patches);',
    '    patch_view_free(view);',
    '    return st == PATCH_STATUS_OK ? 0 : 1;',
    '}',
  );
  return L.join('\n') + '\n';
}

function jsAxis(a) {
  if (a.role === 'window') {
    const parts = [`role: 'window'`, `size: ${a.size}`];
    if (a.step !== 1) parts.push(`step: ${a.step}`);
    if (a.dilation !== 1) parts.push(`dilation: ${a.dilation}`);
    return `{ ${parts.join(', ')} }`;
  }
  return `{ role: '${a.role}' }`;
}

function jsPadding(G) {
  const p = G.padding;
  if (p.convention === 'valid') return null;
  if (p.convention === 'cover') return `{ convention: 'cover' }`;
  if (p.convention === 'same') return `{ convention: 'same', mode: '${p.mode}' }`;
  return `{ convention: 'explicit', pads: ${JSON.stringify(p.pads).replace(/,/g, ', ')}, mode: '${p.mode}' }`;
}

export function js(G) {
  const pad = jsPadding(G);
  const fill = padded(G) && G.padding.mode === 'constant' ? `{ fill: ${G.padding.fill} }` : '';
  const L = [
    "import { PatchView, WasmArray } from 'patch-wasm'; // browsers: import init, { ... } from 'patch-wasm/web'; await init();",
    '',
    'const view = new PatchView({',
    `  shape: ${list(G.shape)}, dtype: '${G.dtype}', // ${G.names.join(', ')}`,
    `  axes: [${G.axes.map(jsAxis).join(', ')}],`,
    ...(pad ? [`  padding: ${pad},`] : []),
    '});',
    `console.log(view.shape); // ${list(G.view.shape)}`,
    G.view.strides
      ? `console.log(view.strides); // ${list(G.view.strides)} (bytes)`
      : "console.log(view.isView); // false: no strides express these patches (view.strides throws 'not a view')",
    `const x = new WasmArray('${G.dtype}', ${list(G.shape)});`,
    `const patches = view.extract(x${fill ? `, ${fill}` : ''}); // a copy in wasm memory`,
    `console.log(patches.shape); // ${list([G.numPatches, G.patchLen])}`,
    'x.free(); patches.free(); view.free();',
  ];
  return L.join('\n') + '\n';
}

function pyGeometry(G) {
  const win = windowAxes(G);
  const whole = G.axes.map((a, i) => i).filter((i) => G.axes[i].role === 'whole');
  const one = (f) => (win.length === 1 ? String(f(G.axes[win[0]])) : tuple(win.map((i) => f(G.axes[i]))));
  const args = [one((a) => a.size)];
  if (win.length < G.shape.length) args.push(`axis=${win.length === 1 ? win[0] : tuple(win)}`);
  if (win.some((i) => G.axes[i].step !== 1)) args.push(`step=${one((a) => a.step)}`);
  if (win.some((i) => G.axes[i].dilation !== 1)) args.push(`dilation=${one((a) => a.dilation)}`);
  if (whole.length) args.push(`whole=${whole.length === 1 ? whole[0] : tuple(whole)}`);
  if (G.padding.convention === 'same' || G.padding.convention === 'cover') args.push(`padding='${G.padding.convention}'`);
  if (G.padding.convention === 'explicit') args.push(`padding=${tuple(G.padding.pads.map(tuple))}`);
  if (padded(G) && G.padding.mode !== 'constant') args.push(`mode='${G.padding.mode}'`);
  return args.join(', ');
}

export function python(G) {
  const fill = padded(G) && G.padding.mode === 'constant' ? `, fill=${pyNum(G.padding.fill, G.dtype)}` : '';
  const L = [
    'import numpy as np',
    'import stridepatch as sp  # pip install ./patch-py',
    '',
    header(G),
    `plan = sp.Plan(x, ${pyGeometry(G)})`,
    pyPrint('plan.shape', G.view.shape),
    G.view.strides ? pyPrint('plan.strides', G.view.strides) : `print(plan.strides)        # None: ${padded(G) ? 'the windows read padding' : 'Cover shifted a window'}, no strides`,
  ];
  if (G.view.strides) L.push('view = plan.windows(x)  # a read-only numpy view of x, checked: it can never reach outside x', 'print(np.shares_memory(view, x))  # True');
  L.push(`patches = plan.extract(x${fill})  # one copy, padding written while copying`, pyPrint('patches.shape', [G.numPatches, G.patchLen]));
  return L.join('\n') + '\n';
}

// ---------------------------------------------------------------- frames

/** The audio mode's framing as the same description (one window axis). */
export function framesGeometry({ T, frameLen, hop, padEnd, fill, view, olaLength }) {
  const need = padEnd ? Math.max(0, olaLength - T) : 0;
  return {
    kind: 'frames',
    shape: [T],
    dtype: 'float32',
    names: ['T'],
    axes: [{ role: 'window', size: frameLen, step: hop, dilation: 1 }],
    padding: padEnd ? { convention: 'explicit', mode: 'constant', pads: [[0, need]], fill } : { convention: 'valid', mode: 'constant', pads: [[0, 0]], fill: 0 },
    view,
    padded: view.padded || null,
    origins: null,
    numPatches: view.shape[0],
    patchLen: frameLen,
    frames: { frameLen, hop, padEnd, fill },
  };
}

/** The tabs of the code panel, in order: id, label, language, generator. */
export const TABS = [
  { id: 'numpy', label: 'numpy as_strided', lang: 'python', gen: numpyStrided },
  { id: 'swv', label: 'numpy sliding_window_view', lang: 'python', gen: numpySwv },
  { id: 'torch', label: 'torch unfold', lang: 'python', gen: torch },
  { id: 'rust', label: 'Rust', lang: 'rust', gen: rust },
  { id: 'c', label: 'C', lang: 'c', gen: c },
  { id: 'js', label: 'JavaScript', lang: 'js', gen: js },
  { id: 'python', label: 'Python (stridepatch)', lang: 'python', gen: python },
];
