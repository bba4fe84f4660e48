/** Prometheus metrics of the service (GET /metrics). */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The service's metrics, on a registry of their own (tests create several). */
export class Metrics {
  readonly registry = new Registry();
  readonly messagesIn = new Counter({
    name: 'bot_messages_in_total',
    help: 'Inbound messages processed, per channel',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'bot_messages_duplicate_total',
    help: 'Inbound messages dropped as duplicates, per channel',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly messagesOut = new Counter({
    name: 'bot_messages_out_total',
    help: 'Outbound messages sent, per channel',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly sendFailures = new Counter({
    name: 'bot_send_failures_total',
    help: 'Failed send attempts, per channel',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly turnLatency = new Histogram({
    name: 'bot_turn_duration_seconds',
    help: 'Time from an inbound message to its committed turn',
    labelNames: ['channel'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly outboxDepth: Gauge;

  constructor(outboxDepth: () => Promise<number>, defaults = false) {
    this.outboxDepth = new Gauge({
      name: 'bot_outbox_depth',
      help: 'Outbox rows waiting to be sent',
      registers: [this.registry],
      async collect() {
        this.set(await outboxDepth());
      },
    });
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }
}
