/**
 * What the console bench injects into every page (before the console's own scripts run), as plain
 * JavaScript text: tsx would wrap a TypeScript function in helpers that do not exist in the page.
 * Every time is performance.now(), i.e. milliseconds since the navigation started.
 *
 * - window.__ready: the first instant the page under test is usable, seen by a MutationObserver (so it
 *   is exact, not a polling interval): People when its table has rows and the subtitle shows the total
 *   ("1,000,000 profiles"), Segments when its table has rows and every row shows its member count.
 * - window.__keys: the time of every keydown.
 * - window.__previews: each POST /v1/segments/preview the page makes: its rule, when fetch was called,
 *   when the answer's body was read, and the count it holds.
 * - window.__counts: every text the live preview count (data-testid=preview-count) takes, with its time.
 */
export const PROBES = `(() => {
  const w = window;
  w.__ready = undefined;
  w.__keys = [];
  w.__previews = [];
  w.__counts = [];
  const text = (sel) => document.querySelector(sel)?.textContent ?? '';
  const ready = {
    '/people': () => document.querySelector('main table tbody tr') && /\\d profiles/.test(text('main .page-header p')),
    '/segments': () => {
      const rows = [...document.querySelectorAll('main table tbody tr')];
      return rows.length > 0 && rows.every((r) => /\\d/.test(r.querySelector('.num')?.textContent ?? ''));
    },
  };
  let lastCount;
  const observe = () => {
    const now = performance.now();
    const test = ready[location.pathname];
    if (w.__ready === undefined && test && test()) w.__ready = now;
    const c = document.querySelector('[data-testid=preview-count]');
    if (c && c.textContent !== lastCount) {
      lastCount = c.textContent;
      w.__counts.push({ t: now, text: lastCount });
    }
  };
  new MutationObserver(observe).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  document.addEventListener('keydown', () => w.__keys.push(performance.now()), true);
  const fetch0 = w.fetch.bind(w);
  w.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    if (!url.endsWith('/v1/segments/preview')) return fetch0(input, init);
    const entry = { rule: JSON.parse(init.body).rule, start: performance.now(), end: undefined, count: undefined };
    w.__previews.push(entry);
    const res = await fetch0(input, init);
    res.clone().json().then((b) => { entry.end = performance.now(); entry.count = b.count; }, () => {});
    return res;
  };
})();`;
