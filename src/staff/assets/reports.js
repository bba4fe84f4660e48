// The reports page's charts (issue 13): reads the figures the server embedded as JSON (not
// executed) and draws them with Chart.js, served by the app from its own node_modules. No inline
// script, nothing from another origin (the page's CSP allows scripts from 'self' only).
/* global Chart */
(() => {
  const source = document.getElementById('report-data');
  if (!source || typeof Chart === 'undefined') return;
  const data = JSON.parse(source.textContent || '{}');
  const rtl = document.documentElement.dir === 'rtl';
  const font = { family: 'Tahoma, "Noto Naskh Arabic", Arial, sans-serif' };
  Chart.defaults.font = { ...Chart.defaults.font, ...font };
  Chart.defaults.animation = false;
  const colors = ['#0f5c4d', '#c9a227', '#b33a3a', '#3a6fb3', '#7a4fb3', '#55606b', '#2a9d8f'];
  for (const chart of data.charts || []) {
    const canvas = document.getElementById(chart.id);
    if (!canvas) continue;
    const instance = new Chart(canvas, {
      type: chart.type,
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map((d, i) => ({
          label: d.label,
          data: d.data,
          backgroundColor: d.color || colors[i % colors.length],
          borderColor: d.color || colors[i % colors.length],
          stack: chart.stacked ? 'all' : undefined,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        locale: document.documentElement.lang === 'ar' ? 'ar-SA' : 'en-US',
        plugins: { legend: { rtl, position: 'bottom' }, tooltip: { rtl } },
        scales: {
          x: { stacked: Boolean(chart.stacked), reverse: rtl && chart.type === 'bar' && !chart.horizontal },
          y: { stacked: Boolean(chart.stacked), beginAtZero: true, ...(chart.max ? { max: chart.max } : {}) },
        },
        indexAxis: chart.horizontal ? 'y' : 'x',
      },
    });
    // What the chart holds, for the people reading the markup and for the tests.
    const points = instance.data.datasets.reduce((n, d) => n + d.data.length, 0);
    const total = instance.data.datasets.reduce((n, d) => n + d.data.reduce((a, b) => a + (Number(b) || 0), 0), 0);
    canvas.dataset.points = String(points);
    canvas.dataset.total = String(Math.round(total * 100) / 100);
    canvas.dataset.drawn = 'true';
  }
})();
