// State that lives in the URL's query string, mirrored in React state so that
// controls update at once (React Router applies URL changes in a transition,
// which would leave controlled inputs a beat behind). Navigation from outside
// (back, forward, a link, the language switch) replaces the local copy.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';

/**
 * What the hook knows of the address: the last query string it wrote, and the
 * ones it wrote before that the router may still commit. The router applies
 * each write in a transition, so under load an older write can commit after a
 * newer one was made: that is not a navigation and must not roll the state back.
 */
export interface UrlSync {
  written: string;
  pending: string[];
}

/** Records a write of the query string s. */
export function noteWrite(sync: UrlSync, s: string): UrlSync {
  if (s === sync.written) return sync;
  return { written: s, pending: [...sync.pending, sync.written].slice(-20) };
}

/** The router committed the query string s: adopt it (a navigation from outside) or not (one of ours). */
export function noteCommit(sync: UrlSync, s: string): { sync: UrlSync; adopt: boolean } {
  if (s === sync.written) return { sync: { written: s, pending: [] }, adopt: false };
  const i = sync.pending.indexOf(s);
  if (i >= 0) return { sync: { written: sync.written, pending: sync.pending.slice(i + 1) }, adopt: false };
  return { sync: { written: s, pending: [] }, adopt: true };
}

export function useUrlState<T>(parse: (p: URLSearchParams) => T, serialize: (v: T) => URLSearchParams): [T, (next: T | ((prev: T) => T), opts?: { replace?: boolean }) => void] {
  const [params, setParams] = useSearchParams();
  const fromUrl = useMemo(() => parse(params), [params, parse]);
  const [state, setState] = useState(fromUrl);
  const latest = useRef(state);
  const sync = useRef<UrlSync>({ written: params.toString(), pending: [] });

  useEffect(() => {
    const r = noteCommit(sync.current, params.toString());
    sync.current = r.sync;
    if (r.adopt) {
      latest.current = fromUrl;
      setState(fromUrl);
    }
  }, [params, fromUrl]);

  const set = useCallback(
    (next: T | ((prev: T) => T), opts: { replace?: boolean } = {}) => {
      const value = typeof next === 'function' ? (next as (prev: T) => T)(latest.current) : next;
      latest.current = value;
      const p = serialize(value);
      sync.current = noteWrite(sync.current, p.toString());
      setState(value);
      setParams(p, { replace: opts.replace ?? true });
    },
    [serialize, setParams],
  );

  return [state, set];
}
