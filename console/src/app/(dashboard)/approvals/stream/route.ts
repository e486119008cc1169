import { requirePage } from '../../../../lib/gateway';

export const dynamic = 'force-dynamic';

const KEEPALIVE_MS = 15_000;

/**
 * GET /approvals/stream: the gateway's approval changes as server-sent events, for the queue page's EventSource.
 * The browser never holds the key, so the console reads the gateway's stream with the viewer's key and passes each
 * change on; it ends when the page goes away, and when the gateway's stream ends the EventSource reconnects.
 */
export async function GET(request: Request): Promise<Response> {
  const { admin } = await requirePage('/approvals');
  const encoder = new TextEncoder();
  const stop = new AbortController();
  request.signal.addEventListener('abort', () => stop.abort());
  let keepalive: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!stop.signal.aborted) controller.enqueue(encoder.encode(text));
      };
      send(': connected\n\n');
      keepalive = setInterval(() => send(': keep-alive\n\n'), KEEPALIVE_MS);
      try {
        for await (const change of admin.approvals.stream({ signal: stop.signal })) send(`data: ${JSON.stringify(change)}\n\n`);
      } catch {
        // The gateway refused or went away: closing lets the EventSource reconnect (and show it meanwhile).
      } finally {
        clearInterval(keepalive);
        if (!stop.signal.aborted) controller.close();
      }
    },
    cancel() {
      clearInterval(keepalive);
      stop.abort();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' } });
}
