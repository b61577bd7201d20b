// Connection state, announced politely: a banner while the browser is offline
// (TanStack's onlineManager, which also pauses queries and refetches them on
// reconnect), and a countdown while a 429 waits out its Retry-After.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { onlineManager } from '@tanstack/react-query';
import { retryStore } from '../api/client';

export function useOnline(): boolean {
  return useSyncExternalStore(
    (cb) => onlineManager.subscribe(cb),
    () => onlineManager.isOnline(),
    () => true,
  );
}

/** Seconds until the first waiting request is sent again, or null when none waits. */
function useRetryCountdown(): number | null {
  const pending = useSyncExternalStore(retryStore.subscribe, retryStore.snapshot, retryStore.snapshot);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!pending.length) return;
    setNow(Date.now());
    const h = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(h);
  }, [pending]);
  if (!pending.length) return null;
  const until = Math.min(...pending.map((p) => p.until));
  return Math.max(0, Math.ceil((until - now) / 1000));
}

export function ConnectionStatus() {
  const { t } = useTranslation();
  const online = useOnline();
  const retry = useRetryCountdown();
  return (
    <div className="connection-status" role="status">
      {!online ? <p className="connection-banner connection-offline">{t('errors.offline')}</p> : null}
      {online && retry !== null ? <p className="connection-banner">{t('errors.retrying', { count: retry })}</p> : null}
    </div>
  );
}
