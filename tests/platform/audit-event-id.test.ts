import { describe, expect, it } from 'vitest';
import { newEventId } from '../../platform/audit/audit-log';

describe('audit event ids', () => {
  it('sort in recording order, also within one millisecond and across milliseconds', () => {
    const ids = [
      ...Array.from({ length: 50 }, () => newEventId(1_700_000_000_000)),
      ...Array.from({ length: 5 }, () => newEventId(1_700_000_000_001)),
    ];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^evt_[0-9a-z]{13}[0-9A-Za-z]{22}$/);
  });
});
