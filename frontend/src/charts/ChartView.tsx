// The on-screen chart (canvas). Its accessible name says what it shows and
// points to the table that follows it, which carries the same data.
import { useEffect, useRef } from 'react';
import { echarts } from './echarts';
import { buildOption } from './option';
import type { ChartModel } from '../lib/results';
import type { ChartType } from '../lib/spec';
import type { Locale } from '../api/types';

export interface ChartHandle {
  /** A PNG of the chart as it is on screen. */
  toPNG: () => string | null;
}

export default function ChartView({ model, type, locale, label, height = 380, onReady }: { model: ChartModel; type: ChartType; locale: Locale; label: string; height?: number; onReady?: (h: ChartHandle | null) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(ref.current);
    onReady?.({ toPNG: () => (c.isDisposed() ? null : c.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' })) });
    return () => {
      ro.disconnect();
      onReady?.(null);
      c.dispose();
      chart.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    chart.current?.setOption(buildOption(model, type, { locale }) as echarts.EChartsCoreOption, true);
  }, [model, type, locale]);

  return <div ref={ref} className="chart" role="img" aria-label={label} style={{ height }} />;
}
