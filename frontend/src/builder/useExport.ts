// Running an export (image, table, PDF) from a button: the exporters load on
// first use, one export runs at a time, and its outcome is said in words.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

type Exporters = typeof import('../lib/exports');

/**
 * busy names the export running (null when none), done the file the last one
 * wrote, error why it failed; run starts kind with make, which returns the
 * file's name. pdfLabels are the PDF's page and row-count words.
 */
export function useExport<K extends string>() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<K | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (kind: K, make: (x: Exporters) => string | Promise<string>) => {
    setBusy(kind);
    setDone(null);
    setError(null);
    try {
      const name = await make(await import('../lib/exports'));
      setDone(t('export.done', { name }));
    } catch (e) {
      setError(t('export.failed', { reason: e instanceof Error ? e.message : String(e) }));
    } finally {
      setBusy(null);
    }
  };
  const pdfLabels = { page: (n: number, of: number) => t('export.page', { n, of }), rowsShown: (n: number, of: number) => t('export.rowsShown', { n, of }) };
  return { busy, done, error, run, pdfLabels };
}
