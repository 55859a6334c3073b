import { defineRoute } from '../context.js';

export const metricsRoute = defineRoute({
  method: 'GET',
  url: '/metrics',
  public: true,
  summary: 'Prometheus metrics (text format 0.0.4): runs, lag, queue, circuits, records, rows, process',
  tags: ['health'],
  produces: 'text/plain; version=0.0.4',
  responses: { 200: 'Metrics in the Prometheus text format' },
  async handler({ reply, ctx }) {
    const text = await ctx.metrics.text();
    return reply.type(ctx.metrics.contentType).send(text);
  },
});
