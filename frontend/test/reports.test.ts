// The reports screen's lists (GET /v1/orgs/{org}/reports and /schedules):
// both endpoints exist, so a failure, 404 included, is an error shown as one,
// never a "not available on this server yet" notice.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import i18n from '../src/i18n';
import { ListError } from '../src/pages/Reports';
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
