import type { FastifyInstance } from "fastify";

/**
 * Once app.close() has begun, every response (those of requests still in flight) ends its connection.
 * Otherwise a kept-alive connection — a reverse proxy holds them to each upstream — would keep the
 * closing server waiting for its idle timeout after the last response, well past a container's grace.
 */
export function registerConnectionCloseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    if (closing) reply.header("connection", "close");
    return payload;
  });
}
