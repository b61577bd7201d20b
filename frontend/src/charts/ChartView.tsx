// The on-screen chart (canvas). Its accessible name says what it shows and
// points to the table that follows it, which carries the same data (and, when
// the chart is clickable, the same category buttons for the keyboard).
import { useEffect, useRef } from 'react';
import { echarts } from './echarts';
import { buildOption, isHorizontal } from './option';
import type { ChartModel } from '../lib/results';
import type { ChartType } from '../lib/spec';
import type { Locale } from '../api/types';

export interface ChartHandle {
  /** A PNG of the chart as it is on screen. */
  toPNG: () => string | null;
}

export default function ChartView({
  model,
  type,
  locale,
  label,
  height = 380,
  onReady,
  onPick,
}: {
  model: ChartModel;
  type: ChartType;
  locale: Locale;
  label: string;
  height?: number;
  onReady?: (h: ChartHandle | null) => void;
  /** Called with the index of the category clicked (anywhere in its band of the plot). */
  onPick?: (index: number) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const pick = useRef({ onPick, model, type });
  pick.current = { onPick, model, type };

  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(ref.current);
    onReady?.({ toPNG: () => (c.isDisposed() ? null : c.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' })) });
    c.getZr().on('click', (e: { offsetX: number; offsetY: number }) => {
      const { onPick: fn, model: m, type: ty } = pick.current;
      const px = [e.offsetX, e.offsetY];
      if (!fn || !c.containPixel('grid', px)) return;
      const v = c.convertFromPixel({ gridIndex: 0 }, px) as number[] | undefined;
      const i = Math.round(Number(isHorizontal(m, ty) ? v?.[1] : v?.[0]));
      if (Number.isInteger(i) && i >= 0 && i < m.keys.length) fn(i);
    });
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

  return <div ref={ref} className="chart" role="img" aria-label={label} style={{ height, cursor: onPick ? 'pointer' : undefined }} data-clickable={onPick ? 'true' : undefined} />;
}
