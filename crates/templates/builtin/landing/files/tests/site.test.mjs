// Checks the page as shipped (site/): it has a title and a description, every local link and
// image points at a file that exists, every #anchor at an element, and no id repeats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

const SITE = new URL('../site/', import.meta.url);
const html = readFileSync(new URL('index.html', SITE), 'utf8');
const ids = [...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]);
const refs = [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]);

test('the page has a title and a meta description', () => {
  assert.match(html, /<title>[^<]*\S[^<]*<\/title>/);
  assert.match(html, /<meta name="description" content="[^"]*\S[^"]*">/);
});

test('every local href and src exists in site/', () => {
  const local = refs.filter((ref) => !/^([a-z][a-z0-9+.-]*:|\/\/|#)/i.test(ref));
  assert.ok(local.length > 0);
  for (const ref of local) {
    assert.ok(existsSync(new URL(ref, SITE)), `${ref} is not in site/`);
  }
});

test('every #anchor points at an id on the page', () => {
  for (const ref of refs.filter((r) => r.startsWith('#'))) {
    assert.ok(ids.includes(ref.slice(1)), `${ref} has no element`);
  }
});

test('no two elements share an id', () => {
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  assert.deepEqual(repeated, []);
});
