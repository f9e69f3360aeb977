/**
 * The page script of the HTML report, as browser JavaScript: it reads the report from
 * `#bench-data`, draws one Chart.js chart per `[data-chart]` canvas, and marks each canvas with
 * `data-points` (how many measured values it drew; the overheads' bound markers are not counted)
 * and the body with `data-rendered`, so that a test can compare the page with the JSON.
 */
export const renderChartsScript = String.raw`
(function renderCharts() {
  'use strict';
  const report = JSON.parse(document.getElementById('bench-data').textContent);
  const ok = report.cells.filter((cell) => cell.status === 'ok' && cell.summary);
  const palette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  const colour = (index) => palette[index % palette.length];
  const unique = (values) => [...new Set(values)];
  const seriesOf = (cell) => cell.target + ' ' + cell.variant;
  const workloadNames = report.workloads.map((workload) => workload.name);
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  // One bar per ok cell: workloads along x, one dataset per target and variant.
  function byWorkload(pick) {
    const labels = workloadNames.filter((name) => ok.some((cell) => cell.workload === name));
    const datasets = unique(ok.map(seriesOf)).map((series, index) => ({
      label: series,
      backgroundColor: colour(index),
      data: labels.map((name) => {
        const cell = ok.find((candidate) => seriesOf(candidate) === series && candidate.workload === name);
        return cell ? pick(cell.summary) : null;
      }),
    }));
    return { labels, datasets };
  }

  function concurrency() {
    const pair = report.workloads.filter((workload) => workload.name === 'store-46b' || workload.name === 'store-46b-x64');
    const cells = ok.filter((cell) => pair.some((workload) => workload.name === cell.workload));
    const labels = unique(cells.map(seriesOf));
    const datasets = pair.map((workload, index) => ({
      label: workload.name + ' (' + workload.concurrency + ' in flight)',
      backgroundColor: colour(index),
      data: labels.map((series) => {
        const cell = cells.find((candidate) => seriesOf(candidate) === series && candidate.workload === workload.name);
        return cell ? cell.summary.opsPerSecond.median : null;
      }),
    }));
    return { labels, datasets };
  }

  function batches() {
    const labels = unique(report.batchSpeedups.map((entry) => entry.target + ' ' + entry.variant));
    const datasets = unique(report.batchSpeedups.map((entry) => entry.batch)).map((batch, index) => ({
      label: batch,
      backgroundColor: colour(index),
      data: labels.map((series) => {
        const entry = report.batchSpeedups.find((candidate) => candidate.target + ' ' + candidate.variant === series && candidate.batch === batch);
        return entry ? entry.speedup.median : null;
      }),
    }));
    return { labels, datasets };
  }

  function cpu() {
    const labels = ok.map((cell) => seriesOf(cell) + ' ' + cell.workload);
    return {
      labels,
      datasets: [
        { label: 'client CPU µs/op', backgroundColor: colour(0), data: ok.map((cell) => cell.summary.clientCpuUsPerOp.median) },
        { label: 'server CPU µs/op', backgroundColor: colour(1), data: ok.map((cell) => cell.summary.serverCpuUsPerOp.median) },
      ],
    };
  }

  function overheads() {
    const entries = report.overheads;
    return {
      labels: entries.map((entry) => entry.workload + ': ' + entry.measure + ', ' + entry.ours + ' ÷ ' + entry.baseline),
      datasets: [
        {
          type: 'bar',
          label: 'ratio (median); red when the bound is missed',
          backgroundColor: entries.map((entry) => (entry.withinBound ? '#59a14f' : '#e15759')),
          data: entries.map((entry) => entry.ratio.median),
        },
        {
          type: 'line',
          bound: true,
          label: 'bound (at most / at least)',
          showLine: false,
          pointStyle: 'line',
          rotation: 90,
          pointRadius: 14,
          pointBorderWidth: 3,
          borderColor: '#222',
          backgroundColor: '#222',
          data: entries.map((entry) => entry.bound.value),
        },
      ],
    };
  }

  const charts = {
    latency: { data: byWorkload((s) => s.latencyP50Us.median), x: 'workload', y: 'p50 latency, µs (log)', log: true },
    throughput: { data: byWorkload((s) => s.opsPerSecond.median), x: 'workload', y: 'ops/s (log)', log: true },
    concurrency: { data: concurrency(), x: 'target and variant', y: 'StoreBlob ops/s (log)', log: true },
    batches: { data: batches(), x: 'target and variant', y: 'time per blob, one by one ÷ batched (×)' },
    cpu: { data: cpu(), x: 'CPU per op, µs', y: 'cell', horizontal: true },
    overheads: { data: overheads(), x: 'govc ÷ baseline (×)', y: 'comparison', horizontal: true },
  };

  for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
    const spec = charts[canvas.dataset.chart];
    if (!spec) throw new Error('no chart named ' + canvas.dataset.chart);
    const rows = spec.data.labels.length;
    if (spec.horizontal) canvas.parentElement.style.height = Math.max(240, 90 + rows * 30) + 'px';
    const valueAxis = { type: spec.log ? 'logarithmic' : 'linear', title: { display: true, text: spec.horizontal ? spec.x : spec.y } };
    const categoryAxis = { title: { display: true, text: spec.horizontal ? spec.y : spec.x } };
    const chart = new Chart(canvas, {
      type: 'bar',
      data: spec.data,
      options: {
        indexAxis: spec.horizontal ? 'y' : 'x',
        plugins: {
          title: { display: true, text: canvas.dataset.title + (rows === 0 ? ' (no data in this run)' : '') },
          legend: { display: true, position: 'bottom' },
        },
        scales: spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      },
    });
    let points = 0;
    chart.data.datasets.forEach((dataset, index) => {
      if (dataset.bound) return;
      const drawn = chart.getDatasetMeta(index).data;
      points += drawn.filter((_, at) => dataset.data[at] !== null && Number.isFinite(dataset.data[at])).length;
    });
    canvas.dataset.points = String(points);
  }
  document.body.dataset.rendered = 'true';
})();
`;
