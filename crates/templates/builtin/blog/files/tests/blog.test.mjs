// Runs the real server against the real database (DATABASE_URL, tables made by the migrations).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from '../src/app.mjs';
import { pool } from '../src/db.mjs';

if (!process.env.DATABASE_URL) {
  throw new Error(
    'DATABASE_URL is not set. Run the tests from Quantum Admin (it starts the database and applies ' +
      'the migrations), or set it: DATABASE_URL=postgres://user:password@127.0.0.1:5432/{{ snake }}',
  );
}

const server = createServer();
let base;
const created = []; // ids of the posts the tests made, deleted at the end

before(async () => {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  await pool.query('DELETE FROM posts WHERE id = ANY($1)', [created]);
  server.close();
  await pool.end();
});

function submit(path, fields) {
  return fetch(base + path, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
}

async function writePost(title, body = 'Some text.') {
  const res = await submit('/posts', { title, body });
  assert.equal(res.status, 303);
  const location = res.headers.get('location');
  created.push(Number(location.split('/').pop()));
  return location;
}

test('the home page lists new posts', async () => {
  await writePost('Hello from the tests');
  const res = await fetch(base + '/');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/html/);
  assert.match(await res.text(), /Hello from the tests/);
});

test('a post has its own page, with its text escaped', async () => {
  const location = await writePost('<script>alert(1)</script>', 'First paragraph.\n\nSecond one & more.');
  const html = await (await fetch(base + location)).text();
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /<p>First paragraph\.<\/p>\n<p>Second one &amp; more\.<\/p>/);
});

test('the form page has a form for a post', async () => {
  const html = await (await fetch(base + '/new')).text();
  assert.match(html, /<form method="post" action="\/posts">/);
});

test('a post without a title is refused', async () => {
  const count = async () => (await pool.query('SELECT count(*) FROM posts')).rows[0].count;
  const earlier = await count();
  const res = await submit('/posts', { title: '  ', body: 'text' });
  assert.equal(res.status, 400);
  assert.match(await res.text(), /needs a title/);
  assert.equal(await count(), earlier);
});

test('unknown pages are 404', async () => {
  assert.equal((await fetch(base + '/posts/999999999')).status, 404);
  assert.equal((await fetch(base + '/posts/abc')).status, 404);
  assert.equal((await fetch(base + '/nope')).status, 404);
});
{% if comments %}

test('readers can comment on a post', async () => {
  const location = await writePost('Open for comments');
  const res = await submit(`${location}/comments`, { author: 'Ann <b>', body: 'Nice post!' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), location);
  const html = await (await fetch(base + location)).text();
  assert.match(html, /<strong>Ann &lt;b&gt;<\/strong>/);
  assert.match(html, /Nice post!/);
});
{% else %}

test('posts have no comment form', async () => {
  const location = await writePost('A quiet post');
  const html = await (await fetch(base + location)).text();
  assert.doesNotMatch(html, /<form/);
});
{% endif %}
