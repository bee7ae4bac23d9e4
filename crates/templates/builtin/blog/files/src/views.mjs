// HTML pages. Every value from the database or a form goes through escape().
const SITE = {{ name|tojson }};

export function escape(text) {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function layout(title, content) {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escape(title)}</title>
  <style>
    body { font: 17px/1.6 system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
    a { color: #0b5fff; }
    header { display: flex; justify-content: space-between; align-items: baseline; }
    time { color: #777; font-size: 0.9em; }
    input, textarea { display: block; box-sizing: border-box; width: 100%; margin: 0.3rem 0 1rem; font: inherit; }
    .error { color: #b00020; }
  </style>
</head>
<body>
  <header><a href="/"><strong>${escape(SITE)}</strong></a> <a href="/new">Write a post</a></header>
  <main>
${content}
  </main>
</body>
</html>
`;
}

function date(value) {
  const iso = value.toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 10)}</time>`;
}

// Blank lines separate paragraphs.
function paragraphs(text) {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => `<p>${escape(p)}</p>`)
    .join('\n');
}

export function home(posts) {
  const items = posts
    .map((p) => `<li><a href="/posts/${p.id}">${escape(p.title)}</a> ${date(p.created_at)}</li>`)
    .join('\n');
  return layout(SITE, posts.length ? `<ul>\n${items}\n</ul>` : '<p>No posts yet.</p>');
}

export function post(p{% if comments %}, comments{% endif %}) {
  return layout(
    p.title,
    `<article>
<h1>${escape(p.title)}</h1>
${date(p.created_at)}
${paragraphs(p.body)}
</article>{% if comments %}

<section>
<h2>Comments</h2>
${comments.map((c) => `<div><strong>${escape(c.author)}</strong> ${date(c.created_at)}${paragraphs(c.body)}</div>`).join('\n')}
<form method="post" action="/posts/${p.id}/comments">
  <label>Name <input name="author" required maxlength="100"></label>
  <label>Comment <textarea name="body" rows="4" required></textarea></label>
  <button>Comment</button>
</form>
</section>{% endif %}`,
  );
}

export function newPost({ title = '', body = '', error = '' } = {}) {
  return layout(
    'Write a post',
    `<h1>Write a post</h1>
${error ? `<p class="error">${escape(error)}</p>` : ''}
<form method="post" action="/posts">
  <label>Title <input name="title" required maxlength="200" value="${escape(title)}"></label>
  <label>Text <textarea name="body" rows="12" required>${escape(body)}</textarea></label>
  <button>Publish</button>
</form>`,
  );
}

export function message(title, text) {
  return layout(title, `<h1>${escape(title)}</h1>\n<p>${escape(text)}</p>`);
}
