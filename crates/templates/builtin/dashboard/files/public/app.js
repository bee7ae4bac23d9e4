// Draws /api/summary: events per day as SVG bars, events per kind as a table. Text goes in through
// textContent only, so whatever a kind holds is never read as HTML.
const SVG = 'http://www.w3.org/2000/svg';

function svg(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function drawChart(chart, days) {
  const width = 640;
  const height = 220;
  const bottom = 20; // room for the date labels
  const top = 16; // room for the counts
  const slot = width / days.length;
  const max = Math.max(1, ...days.map((d) => d.count));
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
  chart.replaceChildren(
    ...days.flatMap((d, i) => {
      const barHeight = (d.count / max) * (height - bottom - top);
      const x = i * slot;
      const y = height - bottom - barHeight;
      const bar = svg('rect', { class: 'bar', x: x + 3, y, width: slot - 6, height: barHeight, rx: 2 });
      bar.append(svg('title', {}, `${d.day}: ${d.count}`));
      return [
        bar,
        svg('text', { x: x + slot / 2, y: height - 5 }, d.day.slice(5)),
        ...(d.count ? [svg('text', { x: x + slot / 2, y: y - 4 }, String(d.count))] : []),
      ];
    }),
  );
}

function drawTable(tbody, kinds) {
  const rows = kinds.map(({ kind, count }) => {
    const row = document.createElement('tr');
    for (const value of [kind, count]) {
      const cell = document.createElement('td');
      cell.textContent = value;
      row.append(cell);
    }
    return row;
  });
  if (!rows.length) {
    const row = document.createElement('tr');
    row.innerHTML = '<td colspan="2">No events yet</td>';
    rows.push(row);
  }
  tbody.replaceChildren(...rows);
}

async function refresh() {
  const res = await fetch('/api/summary?days=14');
  if (!res.ok) throw new Error(`The summary failed: ${res.status}`);
  const summary = await res.json();
  drawChart(document.querySelector('#chart'), summary.byDay);
  drawTable(document.querySelector('#kinds tbody'), summary.byKind);
}

const status = document.querySelector('#status');
const show = (error) => {
  status.textContent = error.message;
};

document.querySelector('#record').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const res = await fetch('/api/events', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind: form.kind.value }),
  });
  status.textContent = res.ok ? `Recorded “${form.kind.value}”.` : (await res.json()).error;
  if (res.ok) form.reset();
  await refresh().catch(show);
});

refresh().catch(show);
