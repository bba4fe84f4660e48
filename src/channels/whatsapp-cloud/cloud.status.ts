/**
 * WhatsApp Cloud delivery reports (`statuses` in a webhook): recorded against the message they are
 * about through the outbox port; a report that overtook the dispatcher is looked at again shortly.
 * A failure outside the 24-hour window sends the message again as the approved template; a number
 * that cannot receive marks the person unreachable.
 */
import type { Logger } from 'pino';
import type { PeoplePort } from '../../engine/ports.js';
import type { OutboxPort } from '../module.js';
import { REENGAGEMENT } from './cloud.graph.js';
import type { CloudStatus } from './cloud.mapper.js';

const CHANNEL = 'whatsapp_cloud';

/** Delivery statuses in the order they progress; a late "delivered" never overwrites "read". */
const STATUS_BEFORE = new Map<string, string[]>([
  ['sent', []],
  ['delivered', ['sent']],
  ['read', ['sent', 'delivered']],
  ['failed', ['sent', 'delivered', 'read']],
]);

/** Codes of a failed delivery after which the person is marked unreachable (as the dispatcher does). */
const UNREACHABLE_CODES = new Set([131026, 131050]);

/** Records delivery reports; `stop()` cancels the reports waiting to be looked at again. */
export function createStatusRecorder(deps: { outbox: OutboxPort; people: PeoplePort; logger: Logger; clock: () => Date }) {
  const timers = new Set<NodeJS.Timeout>();

  async function record(s: CloudStatus, attempt = 0): Promise<void> {
    const before = STATUS_BEFORE.get(s.status);
    if (!before) return; // e.g. "deleted", "warning"
    const failed = s.status === 'failed';
    const code = s.errors?.[0]?.code;
    const r = await deps.outbox.recordDelivery(
      CHANNEL,
      s.id,
      s.status,
      before,
      failed ? `failed: ${code ?? 'unknown'}` : undefined,
    );
    if (r === 'unknown' && attempt < 2) {
      // The report may overtake the dispatcher writing the message id: look again shortly.
      const t = setTimeout(
        () => {
          timers.delete(t);
          record(s, attempt + 1).catch(() => {});
        },
        attempt === 0 ? 2_000 : 10_000,
      );
      t.unref();
      timers.add(t);
    }
    if (r !== 'recorded' || !failed) return;
    deps.logger.warn({ channel: CHANNEL, code }, 'message delivery failed');
    const row = await deps.outbox.findSent(CHANNEL, s.id);
    if (!row) return;
    if (code === REENGAGEMENT) {
      // The window had closed after all: send the same message again as the approved template.
      const payload = JSON.parse(row.payload) as { viaTemplate?: boolean };
      if (!payload.viaTemplate)
        await deps.outbox.enqueue(CHANNEL, row.recipient, { ...payload, viaTemplate: true }, deps.clock());
    } else if (code !== undefined && UNREACHABLE_CODES.has(code)) {
      await deps.people.markUnreachable(CHANNEL, row.recipient);
    }
  }

  return {
    record,
    stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
