// The source catalog (GET /v1/sources): list envelopes and SLA wording.
import { describe, expect, it } from 'vitest';
import { sourceList } from '../src/api/hooks';
import { slaDays } from '../src/lib/format';
import type { SourceInfo } from '../src/api/types';

const comex: SourceInfo = { id: 'comex', title: 'Comex Stat', owner: 'MDIC/SECEX', frequency: 'monthly', sla: '45 days', status: 'stale', past_sla: true, synthetic: true };

describe('sourceList', () => {
  it('reads the API list envelope, an {items} envelope and a bare array', () => {
    expect(sourceList({ data: [comex], next_cursor: null })).toEqual([comex]);
    expect(sourceList({ items: [comex] })).toEqual([comex]);
    expect(sourceList([comex])).toEqual([comex]);
  });

  it('reads an empty catalog as an empty list', () => {
    expect(sourceList({ data: [], next_cursor: null })).toEqual([]);
  });
});

describe('slaDays', () => {
  it("reads PostgreSQL's interval text in days", () => {
    expect(slaDays('45 days')).toBe(45);
    expect(slaDays('1 day')).toBe(1);
    expect(slaDays(' 400 days ')).toBe(400);
  });

  it('refuses other shapes, which the screen shows as they are', () => {
    expect(slaDays('1 mon')).toBeNull();
    expect(slaDays('1 year 2 days')).toBeNull();
    expect(slaDays('')).toBeNull();
  });
});
