// useUrlState's bookkeeping: the router's late commits of our own writes are
// not navigations; anything else is.
import { describe, expect, it } from 'vitest';
import { noteCommit, noteWrite, type UrlSync } from '../src/layout/useUrlState';

const start: UrlSync = { written: 'f=', pending: [] };

describe('useUrlState bookkeeping', () => {
  it('ignores an older write that commits after a newer one, then the newer one', () => {
    let s = noteWrite(start, 'f=SP');
    s = noteWrite(s, 'f=SP,RS');
    const late = noteCommit(s, 'f=SP');
    expect(late.adopt).toBe(false);
    const last = noteCommit(late.sync, 'f=SP,RS');
    expect(last.adopt).toBe(false);
    expect(last.sync).toEqual({ written: 'f=SP,RS', pending: [] });
  });

  it('adopts a navigation from outside (back, a link, the language switch)', () => {
    const s = noteWrite(start, 'f=SP');
    const nav = noteCommit(s, 'view=1');
    expect(nav.adopt).toBe(true);
    expect(nav.sync).toEqual({ written: 'view=1', pending: [] });
  });

  it('forgets older writes once the last one committed, so a later visit to them is a navigation', () => {
    let s = noteWrite(start, 'f=SP');
    s = noteWrite(s, 'f=SP,RS');
    s = noteCommit(s, 'f=SP,RS').sync;
    expect(noteCommit(s, 'f=SP').adopt).toBe(true);
  });

  it('writing the same address twice records nothing new', () => {
    const s = noteWrite(start, 'f=');
    expect(s).toBe(start);
  });
});
