// The provenance badges: synthetic demo data and a source whose last load
// failed, next to the watermark still served, in both languages.
import { afterAll, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import i18n from '../src/i18n';
import { Provenance, type ProvenanceProps } from '../src/builder/Provenance';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

async function render(meta: ProvenanceProps['meta'], locale: 'pt-BR' | 'en') {
  await i18n.changeLanguage(locale);
  return renderToStaticMarkup(createElement(Provenance, { meta, locale }));
}

describe('Provenance', () => {
  afterAll(async () => {
    await i18n.changeLanguage('pt-BR');
  });

  it('says nothing about real data whose last load went well, or before an answer', async () => {
    expect(await render({ watermark: '2025-09', synthetic: false, source_status: { last_load_failed: false } }, 'pt-BR')).toBe('');
    expect(await render({ watermark: '2025-09' }, 'pt-BR')).toBe('');
    expect(await render(undefined, 'pt-BR')).toBe('');
  });

  it('marks synthetic data as a labelled list item', async () => {
    const html = await render({ watermark: '2025-09', synthetic: true }, 'pt-BR');
    expect(html).toMatch(/^<ul[^>]*aria-label="Procedência dos dados"/);
    expect(text(html)).toContain('Dados sintéticos de demonstração');
    expect(text(html)).not.toContain('falhou');
    expect(text(await render({ watermark: '2025-09', synthetic: true }, 'en'))).toContain('Synthetic demo data');
  });

  it('tells a failed load with its date and the watermark still served', async () => {
    const meta = { watermark: '2025-09', synthetic: false, source_status: { last_load_failed: true, last_error_code: 'file_refused', failed_at: '2026-12-06T15:30:00Z' } };
    const pt = text(await render(meta, 'pt-BR'));
    expect(pt).toMatch(/^Última carga falhou em .*2026.* — mostrando dados até set\.? (de )?2025$/);
    const en = text(await render(meta, 'en'));
    expect(en).toMatch(/^Last load failed on .*2026.* — showing data up to Sep 2025$/);
    const undated = text(await render({ ...meta, source_status: { last_load_failed: true } }, 'pt-BR'));
    expect(undated).toMatch(/^Última carga falhou — mostrando dados até /);
  });
});
