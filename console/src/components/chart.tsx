import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { OperationStats } from '../api';

const SERIES = [
  { status: 'succeeded', label: 'succeeded', stroke: '#1a7f37' },
  { status: 'failed', label: 'failed', stroke: '#cf222e' },
  { status: 'dead', label: 'dead', stroke: '#6e40c9' },
  { status: 'queued', label: 'queued', stroke: '#9a6700' },
  { status: 'running', label: 'running', stroke: '#0969da' },
] as const;

/** Operations per bucket by status (uPlot on a canvas), with the same numbers as a table. */
export function OperationsChart({ stats }: { stats: OperationStats }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = stats.buckets.map((b) => Date.parse(b.start) / 1000);
    const data: uPlot.AlignedData = [
      xs,
      ...SERIES.map((s) => stats.buckets.map((b) => b.byStatus[s.status])),
    ];
    const plot = new uPlot(
      {
        width: Math.max(320, el.clientWidth),
        height: 260,
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, max)] } },
        axes: [{}, { label: 'operations', size: 50 }],
        series: [
          { label: 'hour' },
          ...SERIES.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            width: 2,
            points: { show: true },
          })),
        ],
      },
      data,
      el,
    );
    const resize = () => plot.setSize({ width: Math.max(320, el.clientWidth), height: 260 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [stats]);
  return (
    <figure class="chart">
      <div ref={box} class="chart-canvas" aria-hidden="true" data-testid="operations-chart" />
      <figcaption>
        Operations accepted per {stats.bucket} since{' '}
        <time dateTime={stats.since}>{new Date(stats.since).toLocaleString()}</time>, by current
        status.
      </figcaption>
      <details>
        <summary>The numbers as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{stats.bucket} starting</th>
              {SERIES.map((s) => (
                <th scope="col" key={s.status}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {stats.buckets
              .filter((b) => b.total > 0)
              .map((b) => (
                <tr key={b.start}>
                  <td>{new Date(b.start).toLocaleString()}</td>
                  {SERIES.map((s) => (
                    <td key={s.status}>{b.byStatus[s.status]}</td>
                  ))}
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
