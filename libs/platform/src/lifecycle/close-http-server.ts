// A shutdown hook for a node:http (or https) server: stop accepting, let in-flight requests
// finish, and destroy whatever is left when the drain timeout aborts the signal.
import type { Server } from 'node:http';
import type { ShutdownHook } from './shutdown-hooks';

export function closeHttpServer(server: Server): ShutdownHook {
  return (signal) =>
    new Promise<void>((resolve, reject) => {
      if (!server.listening) return resolve();
      server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive connections with no request in flight would otherwise hold close() open.
      server.closeIdleConnections();
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      idle.unref();
      server.once('close', () => clearInterval(idle));
      signal.addEventListener('abort', () => server.closeAllConnections(), { once: true });
    });
}
