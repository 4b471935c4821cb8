import http from 'node:http';

export interface Balancer {
  url: string;
  stop(): Promise<void>;
}

/**
 * One address in front of several API instances: round robin, and a request whose instance is down
 * (connection refused or reset before any answer) goes to the next one. Bodies are small JSON, so each is
 * read whole first and can be sent again.
 */
export async function startBalancer(options: {
  port: number;
  host?: string;
  upstreams: string[];
}): Promise<Balancer> {
  let next = 0;
  const send = (upstream: string, request: http.IncomingMessage, body: Buffer) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const target = new URL(request.url ?? '/', upstream);
      const forwarded = http.request(
        target,
        {
          method: request.method,
          headers: {
            ...request.headers,
            'x-forwarded-for': request.socket.remoteAddress ?? '',
            'x-forwarded-host': request.headers.host ?? '',
          },
        },
        resolve,
      );
      forwarded.once('error', reject);
      forwarded.end(body);
    });
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks);
      const first = next++ % options.upstreams.length;
      for (let attempt = 0; attempt < options.upstreams.length; attempt += 1) {
        const upstream = options.upstreams[(first + attempt) % options.upstreams.length]!;
        try {
          const answer = await send(upstream, request, body);
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          return;
        } catch {
          // that instance is down: the next one
        }
      }
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'No API instance is reachable' } }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    url: `http://localhost:${options.port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
