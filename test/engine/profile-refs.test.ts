/** Persisted snapshots refer to the profile instead of copying it, and restore its current parts. */
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/domain/profile.js';
import { ProfileRefs } from '../../src/engine/profile-refs.js';
import { TEST_PROFILE } from '../support/profiles.js';

const profile = loadProfile(TEST_PROFILE);

describe('profile references in snapshots', () => {
  it('replaces parts of the profile by markers and puts them back', () => {
    const refs = new ProfileRefs(profile, { calendar: { timezone: 'Asia/Riyadh' } });
    const type = profile.requestTypes[1];
    const snapshot = { context: { input: { consent: profile.consent, lang: 'ar' }, type, answers: { a: 1 } }, value: 'fields' };
    const stored = JSON.parse(JSON.stringify(refs.strip(snapshot)));
    expect(JSON.stringify(stored).length).toBeLessThan(JSON.stringify(snapshot).length / 4);
    expect(stored.context.input.consent).toEqual({ $p: 'consent' });
    expect(stored.context.type).toEqual({ $p: 'requestTypes', id: type?.id });
    const back = refs.restore(stored) as typeof snapshot;
    expect(back.context.input.consent).toBe(profile.consent);
    expect(back.context.type).toBe(type);
    expect(back).toEqual(snapshot);
  });

  it('fails to restore a part that is no longer in the profile (the engine then restarts politely)', () => {
    const refs = new ProfileRefs(profile);
    expect(() => refs.restore({ context: { type: { $p: 'requestTypes', id: 'no_such_type' } } })).toThrow(/gone/);
  });

  it('leaves copies that are not the profile’s own objects as they are', () => {
    const refs = new ProfileRefs(profile);
    const copy = { ...profile.consent };
    expect(refs.strip({ context: { consent: copy } })).toEqual({ context: { consent: copy } });
  });
});
