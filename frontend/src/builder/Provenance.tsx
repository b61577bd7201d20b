// Where an answer's numbers come from, shown wherever they appear: synthetic
// demo data, and a source whose last load failed while the answer still
// serves the last good load (up to the watermark). Renders nothing when
// there is nothing to tell.
import { useTranslation } from 'react-i18next';
import type { Locale, QueryMeta } from '../api/types';
import { formatDateTime, formatPeriod } from '../lib/format';
import { Badge } from '../ui';

export interface ProvenanceProps {
  /** The answer's meta (POST /query, GET /datasets/{id}/values); undefined while loading. */
  meta?: Pick<QueryMeta, 'watermark' | 'synthetic' | 'source_status'>;
  locale: Locale;
}

export function Provenance({ meta, locale }: ProvenanceProps) {
  const { t } = useTranslation();
  const failed = meta?.source_status?.last_load_failed;
  if (!meta || (!meta.synthetic && !failed)) return null;
  const period = meta.watermark ? formatPeriod(meta.watermark, locale) : '—';
  const at = meta.source_status?.failed_at;
  return (
    <ul className="provenance" aria-label={t('provenance.label')} style={{ listStyle: 'none', display: 'flex', flexWrap: 'wrap', gap: '0.5rem', padding: 0, margin: '0 0 0.5rem' }}>
      {meta.synthetic ? (
        <li title={t('provenance.syntheticHint')}>
          <Badge tone="warning">{t('provenance.synthetic')}</Badge>
          <span className="visually-hidden"> {t('provenance.syntheticHint')}</span>
        </li>
      ) : null}
      {failed ? (
        <li>
          <Badge tone="error">{at ? t('provenance.loadFailed', { date: formatDateTime(at, locale), period }) : t('provenance.loadFailedUndated', { period })}</Badge>
        </li>
      ) : null}
    </ul>
  );
}
