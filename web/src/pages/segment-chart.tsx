import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { get, qs } from '../api.ts';
import { fmtNumber } from '../format.ts';
import type { HistoryPoint } from '../types.ts';
import { Empty, ErrorBox, Loading } from '../ui/states.tsx';

/** No bucket, or nobody in the segment at any point of the period and no one moving: nothing to draw. */
const quiet = (points: HistoryPoint[]) => points.every((p) => p.size === 0 && p.entered === 0 && p.exited === 0);

/** The segment's size per day (or hour) from GET /v1/segments/{id}/history (its transition log), drawn with uPlot (small and fast). */
export default function SizeChart({ segmentId }: { segmentId: string }) {
  const [bucket, setBucket] = useState<'day' | 'hour'>('day');
  const history = useQuery({
    queryKey: ['segment-history', segmentId, bucket],
    queryFn: ({ signal }) => get<{ data: HistoryPoint[] }>(`/v1/segments/${segmentId}/history${qs({ bucket })}`, signal).then((r) => r.data),
  });
  return (
    <div>
      <div className="segmented small" role="radiogroup" aria-label="Resolution">
        {(['day', 'hour'] as const).map((b) => (
          <button key={b} type="button" role="radio" aria-checked={bucket === b} className={bucket === b ? 'on' : ''} onClick={() => setBucket(b)}>
            {b === 'day' ? 'Last 30 days' : 'Last 48 hours'}
          </button>
        ))}
      </div>
      {history.isPending ? <Loading /> : history.error ? <ErrorBox error={history.error} retry={() => history.refetch()} /> : quiet(history.data) ? (
        <Empty title="No members in this period.">
          <p className="muted small">The chart fills in as the membership worker records people entering and leaving the segment.</p>
        </Empty>
      ) : (
        <>
          <Plot points={history.data} />
          <p className="muted small">
            Now {fmtNumber(history.data[history.data.length - 1]!.size)} ·
            entered {fmtNumber(history.data.reduce((n, p) => n + p.entered, 0))} ·
            exited {fmtNumber(history.data.reduce((n, p) => n + p.exited, 0))} in this period
          </p>
        </>
      )}
    </div>
  );
}

function Plot({ points }: { points: HistoryPoint[] }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = el.current;
    if (!box) return;
    const data: uPlot.AlignedData = [points.map((p) => new Date(p.stop).getTime() / 1000), points.map((p) => p.size)];
    const plot = new uPlot({
      width: box.clientWidth || 600,
      height: 220,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { y: { range: (_u, min, max) => [0, Math.max(1, max + (max - min) * 0.1)] } },
      axes: [{ stroke: '#6b7280' }, { stroke: '#6b7280', values: (_u, vals) => vals.map((v) => fmtNumber(v)) }],
      series: [{}, { label: 'Members', stroke: '#4f46e5', width: 2, fill: 'rgba(79,70,229,0.08)', points: { show: true, size: 5 } }],
    }, data, box);
    const ro = new ResizeObserver(() => plot.setSize({ width: box.clientWidth, height: 220 }));
    ro.observe(box);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [points]);
  return <div ref={el} className="chart" role="img" aria-label={`Segment size over time, now ${points[points.length - 1]?.size ?? 0}`} />;
}
