import type { FastifyRequest } from 'fastify';

/**
 * Whether the TCP peer is this machine. Reads the socket, never X-Forwarded-For, so a proxy on this host
 * forwarding outside callers must not be in front of loopback-only routes.
 */
export function fromLoopback(request: FastifyRequest): boolean {
  const address = request.socket.remoteAddress ?? '';
  return (
    address === '::1' ||
    address.startsWith('127.') ||
    address.startsWith('::ffff:127.') ||
    address === 'localhost'
  );
}
