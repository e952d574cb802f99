// The tabbed code panel: one tab per way of writing the current geometry
// (code.js makes the programs), each with a copy button. Keyboard: the
// tabs are an ARIA tablist (arrow keys move between them).

import { esc } from './util.js';
import { TABS } from './code.js';

/** The last tab chosen, shared by every code panel of the page. */
let chosen = 'numpy';
const panels = [];

/** Builds the panel in `root` (once); returns { update(G, note) }. */
export function codePanel(root, prefix) {
  const tabs = TABS.map((t) => `<button role="tab" id="${prefix}-tab-${t.id}" data-tab="${t.id}" aria-controls="${prefix}-pane" aria-selected="false" tabindex="-1">${esc(t.label)}</button>`).join('');
  root.innerHTML = `<div class="code-tabs" role="tablist" aria-label="Language">${tabs}</div>
    <div class="code-pane" id="${prefix}-pane" role="tabpanel" aria-labelledby="${prefix}-tab-numpy">
      <div class="code-tools"><span class="code-note" id="${prefix}-note"></span>
        <button type="button" class="copy" data-testid="${prefix}-copy">Copy</button><span class="copied" aria-live="polite"></span></div>
      <pre tabindex="0"><code data-testid="${prefix}-code"></code></pre>
    </div>`;
  const code = root.querySelector('code');
  const note = root.querySelector('.code-note');
  const copied = root.querySelector('.copied');
  let texts = {};
  const show = (id) => {
    chosen = id;
    for (const b of root.querySelectorAll('[role=tab]')) {
      const on = b.dataset.tab === id;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    root.querySelector('[role=tabpanel]').setAttribute('aria-labelledby', `${prefix}-tab-${id}`);
    code.textContent = texts[id] ?? '';
    code.dataset.tab = id;
    copied.textContent = '';
  };
  root.querySelector('[role=tablist]').addEventListener('click', (e) => {
    const b = e.target.closest('[role=tab]');
    if (b) show(b.dataset.tab);
  });
  root.querySelector('[role=tablist]').addEventListener('keydown', (e) => {
    const ids = TABS.map((t) => t.id);
    const i = ids.indexOf(chosen);
    const d = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (d === undefined) return;
    e.preventDefault();
    const next = ids[(i + d + ids.length) % ids.length];
    show(next);
    root.querySelector(`[data-tab="${next}"]`).focus();
  });
  root.querySelector('.copy').addEventListener('click', async () => {
    const text = texts[chosen] ?? '';
    try {
      await navigator.clipboard.writeText(text);
      copied.textContent = 'copied';
    } catch {
      // No clipboard permission (an insecure origin, a test browser): select the code instead.
      const r = document.createRange();
      r.selectNodeContents(code);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(r);
      copied.textContent = 'selected: press Ctrl+C';
    }
  });
  const panel = {
    /** New programs for the geometry `G` (null: none, with `why`). */
    update(G, why = '') {
      texts = {};
      if (G) for (const t of TABS) texts[t.id] = t.gen(G);
      else for (const t of TABS) texts[t.id] = `# ${why}\n`;
      note.textContent = G ? '' : why;
      root.dataset.ready = G ? '1' : '0';
      show(chosen);
    },
    /** Every program, by tab id (the tests run them). */
    texts: () => ({ ...texts }),
    show,
  };
  panels.push(panel);
  return panel;
}
