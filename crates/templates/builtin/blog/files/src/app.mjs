// The HTTP side: routes to pages, form posts to rows. No framework, only node:http.
import http from 'node:http';
import * as db from './db.mjs';
import * as views from './views.mjs';

const MAX_FORM_LENGTH = 100_000;

export function createServer() {
  return http.createServer(async (req, res) => {
    try {
      await route(req, res);
    } catch (error) {
      console.error(error);
      send(res, 500, views.message('Error', 'Something went wrong.'));
    }
  });
}

async function route(req, res) {
  const { pathname } = new URL(req.url, 'http://localhost');

  if (req.method === 'GET' && pathname === '/') {
    return send(res, 200, views.home(await db.listPosts()));
  }
  if (req.method === 'GET' && pathname === '/new') {
    return send(res, 200, views.newPost());
  }
  if (req.method === 'POST' && pathname === '/posts') {
    const form = await readForm(req);
    if (!form) return send(res, 413, views.message('Too long', 'That post is too long.'));
    const title = (form.get('title') ?? '').trim();
    const body = (form.get('body') ?? '').trim();
    if (!title || !body) {
      return send(res, 400, views.newPost({ title, body, error: 'A post needs a title and a text.' }));
    }
    const { id } = await db.createPost(title, body);
    return redirect(res, `/posts/${id}`);
  }

  // Ids are bigint: more than 15 digits could overflow, so such paths are simply not found.
  const match = pathname.match(/^\/posts\/(\d{1,15}){% if comments %}(\/comments)?{% endif %}$/);
  if (match) {
    const post = await db.getPost(match[1]);
    if (!post) return send(res, 404, views.message('Not found', 'There is no such post.'));
{% if comments %}
    if (req.method === 'POST' && match[2]) {
      const form = await readForm(req);
      if (!form) return send(res, 413, views.message('Too long', 'That comment is too long.'));
      const author = (form.get('author') ?? '').trim();
      const body = (form.get('body') ?? '').trim();
      if (!author || !body) {
        return send(res, 400, views.message('Missing text', 'A comment needs a name and a text.'));
      }
      await db.addComment(post.id, author, body);
      return redirect(res, `/posts/${post.id}`);
    }
    if (req.method === 'GET' && !match[2]) {
      return send(res, 200, views.post(post, await db.listComments(post.id)));
    }
{% else %}
    if (req.method === 'GET') return send(res, 200, views.post(post));
{% endif %}
  }

  send(res, 404, views.message('Not found', 'There is no such page.'));
}

// A urlencoded form body, or null when it is longer than MAX_FORM_LENGTH.
async function readForm(req) {
  req.setEncoding('utf8'); // decodes characters split across chunks correctly
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > MAX_FORM_LENGTH) return null;
  }
  return new URLSearchParams(body);
}

function send(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(html);
}

// 303 after a POST: reloading the page then does not send the form again.
function redirect(res, location) {
  res.writeHead(303, { Location: location });
  res.end();
}
