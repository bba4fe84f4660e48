/**
 * Keeps the association profile out of persisted snapshots. The dialogues copy parts of the
 * profile (request types, committees, the privacy text) into their context; storing them with
 * every turn would write kilobytes of unchanged text per message. Before a snapshot is stored,
 * any object that IS a part of the profile (same reference) is replaced by a small marker; when
 * it is restored, the marker is replaced by that part of the current profile. A marker that no
 * longer resolves (the part was removed from the profile) makes the restore fail, which the
 * engine answers with a polite restart.
 */
import type { Profile } from '../domain/profile.js';

interface Marker {
  $p: string;
  id?: string;
}

const MAX_DEPTH = 4;

/** Profile parts by reference, and back. */
export class ProfileRefs {
  private readonly byRef = new Map<object, Marker>();

  /** `derived`: objects built once from the profile (e.g. its working calendar), by name. */
  constructor(
    private readonly profile: Profile,
    private readonly derived: Record<string, object> = {},
  ) {
    for (const [key, value] of Object.entries(derived)) this.byRef.set(value, { $p: `~${key}` });
    for (const [key, value] of Object.entries(profile)) {
      if (typeof value !== 'object' || value === null) continue;
      this.byRef.set(value, { $p: key });
      if (Array.isArray(value))
        for (const item of value)
          if (item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string')
            this.byRef.set(item, { $p: key, id: (item as { id: string }).id });
    }
  }

  /** A copy of `value` with the profile's parts replaced by markers. */
  strip(value: unknown, depth = 0): unknown {
    if (typeof value !== 'object' || value === null) return value;
    const marker = this.byRef.get(value);
    if (marker) return marker;
    if (depth >= MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((v) => this.strip(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.strip(v, depth + 1);
    return out;
  }

  /** The value with markers replaced by the current profile's parts; throws on a dangling one. */
  restore(value: unknown, depth = 0): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (isMarker(value)) return this.resolve(value);
    if (depth >= MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((v) => this.restore(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.restore(v, depth + 1);
    return out;
  }

  private resolve(m: Marker): unknown {
    if (m.$p.startsWith('~')) {
      const d = this.derived[m.$p.slice(1)];
      if (!d) throw new Error(`derived part ${m.$p} is gone`);
      return d;
    }
    const part = (this.profile as unknown as Record<string, unknown>)[m.$p];
    if (m.id === undefined) {
      if (part === undefined) throw new Error(`profile part ${m.$p} is gone`);
      return part;
    }
    const item = Array.isArray(part) ? part.find((x: { id?: string }) => x?.id === m.id) : undefined;
    if (!item) throw new Error(`profile part ${m.$p}#${m.id} is gone`);
    return item;
  }
}

function isMarker(v: object): v is Marker {
  const keys = Object.keys(v);
  return (
    typeof (v as Marker).$p === 'string' && (keys.length === 1 || (keys.length === 2 && typeof (v as Marker).id === 'string'))
  );
}
