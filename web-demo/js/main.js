// The visualizer's shell: loads the engine, switches between the three modes
// (tiny array, image, audio), shows errors and announces selections to
// screen readers. Each mode lives in its own module.

import init from '../pkg/web/patch_wasm.js';
import { setupTiny } from './tiny.js';
import { setupImage } from './image.js';
import { setupAudio } from './audio.js';
import { $ } from './util.js';
import { renderError } from './errors.js';

const demo = {
  /** Number of finished updates: the tests wait on it. */
  updates: 0,
  /** Whether an update is scheduled or running (in the worker too) and not yet shown. */
  pending: false,
  /** The last error message shown, or ''. */
  lastError: '',
  ready: false,
  model: null,
  mode: '',
};
window.demo = demo;

const MODES = ['tiny', 'image', 'audio'];

const LEDE = {
  tiny: 'numpy\'s <code>as_strided</code> cuts an array into windows <em>without copying a byte</em>: the same memory, read through a new ' +
    '<b>shape</b> and new <b>strides</b> (how many bytes to jump per step along each axis). Start here, with 48 numbered cells: ' +
    'hover a cell of the patch to see where it lives in memory, then press play and watch the window slide.',
  image: 'The same idea on a picture: ViT tokens, im2col windows, dilation and padding. Every count, stride, origin, patch and fold below ' +
    'is computed by the Rust engine compiled to WebAssembly; change a control and the patches are cut again. Hover a patch and follow it through the panels.',
  audio: 'The 1-D case: framing a signal (<code>tf.signal.frame</code>, the frames of an STFT). One window axis of size ' +
    '<i>frame length</i> that steps by <i>hop</i>: the frames are a view with strides <code>[hop × 4, 4]</code> bytes.',
};

let lastAnnounce = '';
let announceTimer = 0;
/** Says `text` to screen readers (the polite live region), at most every 300 ms. */
function announce(text) {
  lastAnnounce = text;
  if (announceTimer) return;
  announceTimer = setTimeout(() => {
    announceTimer = 0;
    $('announce').textContent = lastAnnounce;
  }, 300);
}

function showPlainError(plain, engineMessage) {
  demo.lastError = engineMessage || plain;
  renderError($('error'), plain, engineMessage);
}

/** An engine error without a plain sentence of its own: its message, as it is. */
function showError(msg) {
  showPlainError(msg, '');
}

function clearError() {
  demo.lastError = '';
  $('error').hidden = true;
  $('error').textContent = '';
}

const modes = {};

function showMode(name) {
  if (!MODES.includes(name)) name = 'tiny';
  const changed = demo.mode !== name;
  demo.mode = name;
  for (const n of MODES) {
    $(`${n}-mode`).hidden = n !== name;
    const tab = $(`tab-${n}`);
    tab.setAttribute('aria-selected', String(n === name));
    tab.tabIndex = n === name ? 0 : -1;
  }
  $('lede').innerHTML = LEDE[name];
  if (changed) {
    clearError();
    if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
  }
  modes[name]?.activate();
}

function wireTabs() {
  for (const n of MODES) $(`tab-${n}`).addEventListener('click', () => showMode(n));
  $('main').closest('body').querySelector('[role=tablist]').addEventListener('keydown', (e) => {
    const i = MODES.indexOf(demo.mode);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: MODES.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const n = MODES[(next + MODES.length) % MODES.length];
    showMode(n);
    $(`tab-${n}`).focus();
  });
  window.addEventListener('hashchange', () => showMode(location.hash.slice(1)));
  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => modes[demo.mode]?.redraw(), 150);
  });
}

async function main() {
  // On a phone the image controls start folded, so that the first picture is on the first screen.
  if (matchMedia('(max-width: 760px)').matches) $('controls-box').open = false;
  try {
    await init();
  } catch (e) {
    $('status').textContent = '';
    showError(`Could not load the WebAssembly engine (pkg/web/patch_wasm.js): ${e?.message || e}. Run "make demo" to build it.`);
    return;
  }
  $('status').textContent = '';
  const app = { demo, announce, showError, showPlainError, clearError, showMode };
  modes.tiny = setupTiny(app);
  modes.image = setupImage(app);
  modes.audio = setupAudio({ ...app, messageOf: (e) => (e instanceof Error ? e.message : String(e)) });
  wireTabs();
  showMode(location.hash.slice(1) || 'tiny');
  demo.ready = true;
}

main();
