// The reports screen's lists (GET /v1/orgs/{org}/reports and /schedules):
// both endpoints exist, so a failure, 404 included, is an error shown as one,
// never a "not available on this server yet" notice.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import i18n from '../src/i18n';
import { ListError, describeCron, failureText } from '../src/pages/Reports';
import { DEFAULT_PRESET, cronToPreset, presetToCron, type Preset } from '../src/lib/schedulePreset';
import { ApiError } from '../src/api/client';
import { fetchReports, fetchSchedules } from '../src/api/hooks';

const text = (html: string) => html.replace(/&#x27;/g, "'").replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

describe('reports and schedules when the list endpoint fails', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  afterAll(async () => {
    await i18n.changeLanguage('pt-BR');
  });

  const json = (status: number, body: unknown) =>
    vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } }));

  it('a 404 rejects instead of meaning "not built yet"', async () => {
    vi.stubGlobal('fetch', json(404, { title: 'Not Found' }));
    await expect(fetchReports('porto-sul')).rejects.toMatchObject({ status: 404 });
    await expect(fetchSchedules('porto-sul')).rejects.toMatchObject({ status: 404 });
  });

  it('reads the lists when the endpoints answer', async () => {
    vi.stubGlobal('fetch', json(200, { data: [{ id: 'r1', status: 'succeeded' }], next_cursor: null }));
    await expect(fetchReports('porto-sul')).resolves.toEqual([{ id: 'r1', status: 'succeeded' }]);
    await expect(fetchSchedules('porto-sul')).resolves.toHaveLength(1);
  });

  it('renders a failure as an error alert, in both languages', async () => {
    for (const lang of ['pt-BR', 'en'] as const) {
      await i18n.changeLanguage(lang);
      const notFound = renderToStaticMarkup(createElement(ListError, { query: { isError: true, error: new ApiError(404, {}) } }));
      const forbidden = renderToStaticMarkup(createElement(ListError, { query: { isError: true, error: new ApiError(403, { reason: 'no_membership' }) } }));
      for (const html of [notFound, forbidden]) {
        expect(html).toContain('role="alert"');
        expect(html).toContain('alert-error');
        expect(text(html)).not.toMatch(/ainda não|not available|yet/i);
      }
      expect(text(notFound)).toContain(i18n.t('errors.notFound'));
      expect(text(forbidden)).toContain(i18n.t('errors.forbidden'));
    }
  });

  it('renders nothing when the list loaded', () => {
    expect(renderToStaticMarkup(createElement(ListError, { query: { isError: false, error: null } }))).toBe('');
  });

  it('has no "not available yet" texts left in either language', () => {
    for (const lang of ['pt-BR', 'en']) {
      const reports = i18n.getResourceBundle(lang, 'translation').reports as Record<string, unknown>;
      expect(reports).not.toHaveProperty('unavailable');
      expect(reports).not.toHaveProperty('schedulesUnavailable');
      expect(reports).not.toHaveProperty('unavailableTitle');
    }
  });
});

describe('schedule presets and cron', () => {
  const p = (over: Partial<Preset>): Preset => ({ ...DEFAULT_PRESET, ...over });

  it('builds cron from each preset', () => {
    expect(presetToCron(p({ frequency: 'daily', time: '07:30' }))).toBe('30 7 * * *');
    expect(presetToCron(p({ frequency: 'weekly', time: '08:00', weekday: 1 }))).toBe('0 8 * * 1');
    expect(presetToCron(p({ frequency: 'weekly', time: '18:05', weekday: 5 }))).toBe('5 18 * * 5');
    expect(presetToCron(p({ frequency: 'monthly', time: '06:00', day: 15 }))).toBe('0 6 15 * *');
    expect(presetToCron(p({ frequency: 'custom', cron: ' 0 */2 * * * ' }))).toBe('0 */2 * * *');
  });

  it('refuses what no preset makes', () => {
    expect(presetToCron(p({ frequency: 'daily', time: '24:00' }))).toBeNull();
    expect(presetToCron(p({ frequency: 'daily', time: '' }))).toBeNull();
    expect(presetToCron(p({ frequency: 'weekly', weekday: 7 }))).toBeNull();
    expect(presetToCron(p({ frequency: 'monthly', day: 31 }))).toBeNull();
    expect(presetToCron(p({ frequency: 'custom', cron: '  ' }))).toBeNull();
  });

  it('reads a preset back from the cron it made, every way round', () => {
    for (const pre of [p({ frequency: 'daily', time: '23:59' }), p({ frequency: 'weekly', time: '00:00', weekday: 0 }), p({ frequency: 'monthly', time: '12:15', day: 28 })]) {
      const cron = presetToCron(pre)!;
      const back = cronToPreset(cron);
      expect(back.frequency).toBe(pre.frequency);
      expect(back.time).toBe(pre.time);
      expect(presetToCron(back)).toBe(cron);
    }
    expect(cronToPreset('0 8 * * 7')).toMatchObject({ frequency: 'weekly', weekday: 0 });
  });

  it('keeps any other cron as custom', () => {
    for (const cron of ['0 8 * * 1-5', '0 8 31 * *', '0 8 1 1 *', '*/30 * * * *', 'not a cron', '0 8 1 * 1']) {
      expect(cronToPreset(cron)).toMatchObject({ frequency: 'custom', cron });
    }
  });

  it('describes a schedule in words in both languages, the cron only as detail', async () => {
    await i18n.changeLanguage('pt-BR');
    expect(describeCron(i18n.t, '0 8 * * 1')).toBe('Semanal, segunda-feira às 08:00');
    expect(describeCron(i18n.t, '30 7 10 * *')).toBe('Mensal, dia 10 às 07:30');
    await i18n.changeLanguage('en');
    expect(describeCron(i18n.t, '0 8 * * *')).toBe('Daily at 08:00');
    expect(describeCron(i18n.t, '0 8 * * 1-5')).toBe('Custom');
    await i18n.changeLanguage('pt-BR');
  });
});

describe('failure reasons', () => {
  it('say the reason in words from the stable code, in both languages', async () => {
    await i18n.changeLanguage('pt-BR');
    expect(failureText(i18n.t, { error: 'the report took too long to render', error_code: 'timeout' })).toBe('O relatório demorou demais para ser gerado.');
    await i18n.changeLanguage('en');
    expect(failureText(i18n.t, { error: 'x', error_code: 'render_failed' })).toBe("The report's file could not be rendered.");
    // A code the SPA does not know yet falls back to the server's sentence.
    expect(failureText(i18n.t, { error: 'something new', error_code: 'brand_new' })).toBe('something new');
    await i18n.changeLanguage('pt-BR');
  });
});
