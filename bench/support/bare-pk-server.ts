/**
 * The status bench's baseline server: bare fastify + node-postgres answering `GET /complaints/:receiptNo`
 * with the complaint row looked up by its primary key, nothing else (no plugins, no schema, no auth).
 * Run as its own process; prints `listening <port>` once ready. Env: DATABASE_URL, PORT, POOL (default 10).
 */
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL ?? 10) });
const app = Fastify({ logger: false });
app.get<{ Params: { receiptNo: string } }>('/complaints/:receiptNo', async (request, reply) => {
  const { rows } = await pool.query('SELECT * FROM "Complaint" WHERE "receiptNo" = $1', [
    request.params.receiptNo,
  ]);
  if (rows.length === 0) return reply.status(404).send({ error: 'not found' });
  return rows[0];
});
const shutdown = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown());
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
