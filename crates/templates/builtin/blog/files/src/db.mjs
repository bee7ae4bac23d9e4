// Every query of the blog. pg turns $1, $2 into bound parameters: no SQL injection.
import pg from 'pg';

// pg hands bigint (ids, count(*)) over as strings, as they may exceed JavaScript's safe
// integers; below 2^53 a number is exact, which is plenty here.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);

// Without DATABASE_URL, pg reads the PG* variables (PGHOST, PGUSER, PGPASSWORD, ...).
export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });

export async function listPosts() {
  const { rows } = await pool.query(
    'SELECT id, title, created_at FROM posts ORDER BY created_at DESC, id DESC',
  );
  return rows;
}

export async function getPost(id) {
  const { rows } = await pool.query(
    'SELECT id, title, body, created_at FROM posts WHERE id = $1',
    [id],
  );
  return rows[0];
}

export async function createPost(title, body) {
  const { rows } = await pool.query(
    'INSERT INTO posts (title, body) VALUES ($1, $2) RETURNING id',
    [title, body],
  );
  return rows[0];
}
{% if comments %}

export async function listComments(postId) {
  const { rows } = await pool.query(
    'SELECT id, author, body, created_at FROM comments WHERE post_id = $1 ORDER BY id',
    [postId],
  );
  return rows;
}

export async function addComment(postId, author, body) {
  await pool.query(
    'INSERT INTO comments (post_id, author, body) VALUES ($1, $2, $3)',
    [postId, author, body],
  );
}
{% endif %}
