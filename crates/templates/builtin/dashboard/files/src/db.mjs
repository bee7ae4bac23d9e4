// Every query of the API. pg turns $1, $2 into bound parameters: no SQL injection.
import pg from 'pg';

// pg hands bigint (ids, count(*)) over as strings, as they may exceed JavaScript's safe
// integers; below 2^53 a number is exact, which is plenty here.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);

// Without DATABASE_URL, pg reads the PG* variables (PGHOST, PGUSER, PGPASSWORD, ...).
export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });

export async function addEvent(kind) {
  const { rows } = await pool.query(
    'INSERT INTO events (kind) VALUES ($1) RETURNING id, kind, created_at',
    [kind],
  );
  return rows[0];
}

// Counts over the last `days` days (today included), by UTC day.
export async function summary(days) {
  // The window's first day: a fixed piece of SQL, `days` itself goes in as $1.
  const start = `((now() AT TIME ZONE 'UTC')::date - ($1::int - 1))`;
  const byKind = await pool.query(
    `SELECT kind, count(*) AS count
       FROM events
      WHERE created_at >= ${start}::timestamp AT TIME ZONE 'UTC'
      GROUP BY kind
      ORDER BY count DESC, kind`,
    [days],
  );
  // Every day of the window, those without events as 0.
  const byDay = await pool.query(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, count(e.id) AS count
       FROM generate_series(${start}::timestamp, (now() AT TIME ZONE 'UTC')::date::timestamp,
                            interval '1 day') AS day
       LEFT JOIN events e ON (e.created_at AT TIME ZONE 'UTC')::date = day::date
      GROUP BY day
      ORDER BY day`,
    [days],
  );
  return { days, byKind: byKind.rows, byDay: byDay.rows };
}
