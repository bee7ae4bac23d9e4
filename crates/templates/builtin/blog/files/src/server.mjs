import { createServer } from './app.mjs';
import { pool } from './db.mjs';

const port = Number(process.env.PORT ?? {{ port }});
const server = createServer().listen(port, () => {
  console.log(`Listening on http://localhost:${port}`);
});

// `docker stop` sends SIGTERM: finish open requests, then close the database pool.
process.on('SIGTERM', () => server.close(() => pool.end()));
