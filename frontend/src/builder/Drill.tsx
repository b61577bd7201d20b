// The drill-down breadcrumb above a chart: the top level, then one crumb per
// value clicked; every crumb but the last goes back up to it.
import { useTranslation } from 'react-i18next';
import type { DatasetInfo } from '../api/types';
import type { DrillStep } from '../lib/drill';
import { pickText } from '../lib/format';
import { useLocale } from '../layout/nav';

export function DrillTrail({ trail, ds, onBack }: { trail: Pick<DrillStep, 'dim' | 'label'>[]; ds?: DatasetInfo; onBack: (i: number) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (!trail.length) return null;
  const title = (dim: string) => {
    const d = ds?.dimensions.find((x) => x.id === dim);
    return d ? pickText(d.title, locale, dim) : dim;
  };
  const crumbs = [t('results.drill.top', { dim: title(trail[0].dim) }), ...trail.map((s) => t('results.drill.step', { dim: title(s.dim), value: s.label }))];
  return (
    <nav className="drill-trail" aria-label={t('results.drill.label')}>
      <ol>
        {crumbs.map((c, i) => (
          <li key={i}>
            {i < crumbs.length - 1 ? (
              <button type="button" className="link-button" onClick={() => onBack(i)} aria-label={t('results.drill.backTo', { crumb: c })}>
                {c}
              </button>
            ) : (
              <span aria-current="location">{c}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
