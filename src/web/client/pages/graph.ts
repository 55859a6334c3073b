import type cytoscape from 'cytoscape';
import {
  get,
  type ActiveGraph,
  type DependencyReport,
  type GraphEdge,
  type ImpactNode,
  type ImpactResult,
} from '../api.js';
import { badge, fmtNum, fmtPct, fmtTime, h, localInputToMs, msToLocalInput, shortUrn } from '../dom.js';
import type { Page } from '../page.js';
import { nodeEvents } from './events.js';

type Cytoscape = typeof cytoscape;
let lib: Promise<Cytoscape> | null = null;

/**
 * cytoscape and its dagre layout, loaded on first use: the page fetches its graph while the
 * browser downloads and compiles them (they are most of the page's script).
 */
function graphLib(): Promise<Cytoscape> {
  lib ??= Promise.all([import('cytoscape'), import('cytoscape-dagre')]).then(([c, d]) => {
    c.default.use(d.default);
    return c.default;
  });
  return lib;
}

const STEP = 5 * 60_000;
const LIVE_REFRESH_MS = 30_000;

/** Resource kinds as the legend names them: dim_resource.type → kind. */
export function kindOf(type: string): 'service' | 'database' | 'queue' | 'external' | 'user' {
  if (type === 'service' || type === 'k8s_service') return 'service';
  if (type === 'database' || type === 'queue' || type === 'user') return type;
  return 'external';
}

const KIND_LABEL = {
  service: 'service',
  database: 'database',
  queue: 'queue',
  external: 'external host',
  user: 'user',
};

/** Green below 1 % errors, amber to 5 %, red from 10 %: the colour an on-call reads first. */
export function errColor(rate: number): string {
  const stops: [number, [number, number, number]][] = [
    [0, [46, 158, 91]],
    [0.01, [46, 158, 91]],
    [0.05, [224, 168, 0]],
    [0.1, [214, 69, 65]],
  ];
  if (rate >= 0.1) return 'rgb(214,69,65)';
  for (let i = 1; i < stops.length; i++) {
    const [x1, c1] = stops[i]!;
    const [x0, c0] = stops[i - 1]!;
    if (rate <= x1) {
      const t = x1 === x0 ? 0 : (rate - x0) / (x1 - x0);
      const c = c0.map((v, j) => Math.round(v + (c1[j]! - v) * t));
      return `rgb(${c.join(',')})`;
    }
  }
  return 'rgb(214,69,65)';
}

/** Width grows with the log of the rate, so one busy edge does not hide the rest. */
export function edgeWidth(rps: number): number {
  return Math.min(14, 1.5 + 2.2 * Math.log2(1 + Math.max(0, rps)));
}

function elements(g: ActiveGraph): cytoscape.ElementDefinition[] {
  const out: cytoscape.ElementDefinition[] = g.nodes.map((n) => ({
    group: 'nodes',
    data: { id: n.urn, label: shortUrn(n.urn), kind: kindOf(n.type), type: n.type },
  }));
  for (const e of g.edges) {
    out.push({
      group: 'edges',
      data: {
        id: `${e.src}→${e.dst}`,
        source: e.src,
        target: e.dst,
        width: edgeWidth(e.rps),
        color: errColor(e.err_rate),
        edge: e,
      },
    });
  }
  return out;
}

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-size': 11,
      'font-family': 'system-ui, sans-serif',
      color: '#1d2733',
      'text-valign': 'bottom',
      'text-margin-y': 4,
      'text-wrap': 'ellipsis',
      'text-max-width': '120px',
      width: 34,
      height: 34,
      'border-width': 2,
      'border-color': '#ffffff',
      'background-color': '#3b7dd8',
      shape: 'round-rectangle',
    },
  },
  { selector: 'node[kind = "database"]', style: { shape: 'barrel', 'background-color': '#c7862d' } },
  { selector: 'node[kind = "queue"]', style: { shape: 'tag', 'background-color': '#8a5cc2' } },
  { selector: 'node[kind = "external"]', style: { shape: 'hexagon', 'background-color': '#6b7785' } },
  { selector: 'node[kind = "user"]', style: { shape: 'ellipse', 'background-color': '#9fb3c8' } },
  {
    selector: 'edge',
    style: {
      width: 'data(width)',
      'line-color': 'data(color)',
      'target-arrow-color': 'data(color)',
      'target-arrow-shape': 'triangle',
      'arrow-scale': 0.9,
      'curve-style': 'bezier',
      opacity: 0.85,
    },
  },
  { selector: 'node.selected', style: { 'border-color': '#1d2733', 'border-width': 3 } },
  { selector: 'node.up', style: { 'border-color': '#e07b00', 'border-width': 3 } },
  { selector: 'node.down', style: { 'border-color': '#0b8a8a', 'border-width': 3 } },
  { selector: '.faded', style: { opacity: 0.18 } },
];

/** Callers and dependencies within `hops` on the graph shown (used for a past graph; live asks the API). */
export function localImpact(g: ActiveGraph, urn: string, hops: number): ImpactResult {
  const byUrn = new Map(g.nodes.map((n) => [n.urn, n]));
  const side = (dir: 'up' | 'down'): ImpactNode[] => {
    const dist = new Map<string, number>([[urn, 0]]);
    let frontier = [urn];
    for (let d = 1; d <= hops && frontier.length > 0; d++) {
      const next: string[] = [];
      for (const e of g.edges) {
        const [from, to] = dir === 'down' ? [e.src, e.dst] : [e.dst, e.src];
        if (frontier.includes(from) && !dist.has(to)) {
          dist.set(to, d);
          next.push(to);
        }
      }
      frontier = next;
    }
    dist.delete(urn);
    return [...dist]
      .map(([u, d]) => ({ ...(byUrn.get(u) ?? { id: 0, urn: u, type: '' }), hops: d }))
      .sort((a, b) => a.hops - b.hops || (a.urn < b.urn ? -1 : 1));
  };
  return { tenant: g.tenant, urn, hops, upstream: side('up'), downstream: side('down') };
}

function edgeTip(e: GraphEdge): HTMLElement {
  return h(
    'div',
    {},
    h('div', { class: 'tip-title' }, `${shortUrn(e.src)} → ${shortUrn(e.dst)}`),
    h('div', {}, 'p95 ', h('b', { class: 'tip-p95' }, e.p95_ms === null ? '–' : `${fmtNum(e.p95_ms)} ms`)),
    h('div', {}, `${fmtNum(e.rps, 2)} rps · ${fmtPct(e.err_rate)} errors`),
    h('div', { class: 'muted' }, `${e.calls.toLocaleString('en-US')} calls in 10 min`),
  );
}

function impactList(title: string, nodes: ImpactNode[] | undefined, cls: string): HTMLElement {
  const list = nodes ?? [];
  return h(
    'div',
    { class: `impact ${cls}` },
    h('h4', {}, `${title} (${list.length})`),
    list.length === 0
      ? h('p', { class: 'muted small' }, 'none')
      : h(
          'ol',
          { class: 'plain' },
          ...list.map((n) =>
            h('li', {}, h('span', { class: 'hops' }, `${n.hops}`), ' ', h('span', { title: n.urn }, n.urn)),
          ),
        ),
  );
}

export const graphPage: Page = {
  id: 'graph',
  title: 'Call graph',
  async render(root, ctx) {
    const tenantMeta = ctx.meta.tenants.find((t) => t.code === ctx.tenant);
    const calls = tenantMeta?.data.calls;
    // The first instant whose graph has a bucket: the end of the oldest bucket.
    const oldest = calls?.oldest ? Date.parse(calls.oldest) + STEP : null;
    const newest = calls?.newest_end ? Date.parse(calls.newest_end) : null;

    const atInput = h('input', { type: 'datetime-local', id: 'graph-at', step: 300, 'aria-label': 'instant (UTC)' });
    const slider = h('input', { type: 'range', id: 'graph-slider', 'aria-label': 'time travel' });
    const liveBtn = h('button', { type: 'button', id: 'graph-live' }, 'Live');
    const stats = h('span', { id: 'graph-stats', class: 'muted small' });
    const container = h('div', { id: 'cy', class: 'cy', role: 'img', 'aria-label': 'call graph' });
    const tip = h('div', { class: 'tip', hidden: true, id: 'graph-tip' });
    const panel = h(
      'aside',
      { class: 'panel', id: 'node-panel' },
      h('p', { class: 'muted' }, 'Click a node for its dependencies, impact and events.'),
    );
    const legend = h(
      'div',
      { class: 'legend' },
      ...(['service', 'database', 'queue', 'external'] as const).map((k) =>
        h('span', { class: `lg lg-${k}` }, KIND_LABEL[k]),
      ),
      h('span', { class: 'lg-sep' }),
      h('span', { class: 'lg-edge' }, 'errors'),
      h('span', { class: 'lg-grad' }),
      h('span', { class: 'muted small' }, '0 · 5 · ≥10 %'),
      h('span', { class: 'lg-sep' }),
      h('span', { class: 'muted small' }, 'width: rps'),
    );
    if (oldest !== null && newest !== null && newest > oldest) {
      slider.min = String(oldest);
      slider.max = String(newest);
      slider.step = String(STEP);
    } else slider.disabled = true;

    root.append(
      h(
        'div',
        { class: 'page-head' },
        h('h1', {}, 'Call graph'),
        h('div', { class: 'toolbar' }, liveBtn, slider, atInput, h('span', { class: 'muted small' }, 'UTC')),
        stats,
      ),
      legend,
      h('div', { class: 'graph-layout' }, h('div', { class: 'cy-wrap' }, container, tip), panel),
    );

    let graph: ActiveGraph | null = null;
    let cy: cytoscape.Core | null = null;
    let selected: string | null = ctx.params.get('node');
    const atParam = () => {
      const v = ctx.params.get('at');
      return v && Number.isFinite(Date.parse(v)) ? Date.parse(v) : null;
    };

    const showTip = (content: HTMLElement, x: number, y: number) => {
      tip.replaceChildren(content);
      tip.hidden = false;
      const w = container.clientWidth;
      tip.style.left = `${Math.min(Math.max(8, x + 12), Math.max(8, w - 220))}px`;
      tip.style.top = `${Math.max(8, y + 12)}px`;
    };

    const selectNode = async (urn: string | null) => {
      selected = urn;
      ctx.setParams({ node: urn });
      cy?.elements().removeClass('selected up down faded');
      if (!urn || !graph || !cy) {
        panel.replaceChildren(h('p', { class: 'muted' }, 'Click a node for its dependencies, impact and events.'));
        return;
      }
      const node = graph.nodes.find((n) => n.urn === urn);
      if (!node) return;
      cy.getElementById(urn).addClass('selected');
      const hopsSel = h(
        'select',
        { id: 'impact-hops', 'aria-label': 'hops' },
        ...[1, 2, 3, 4, 5].map((k) => h('option', { value: k }, `${k} hop${k > 1 ? 's' : ''}`)),
      );
      hopsSel.value = ctx.params.get('hops') ?? '2';
      const depsBox = h('div', { class: 'deps' }, h('p', { class: 'muted small' }, 'loading…'));
      const impactBox = h('div', { class: 'impact-box' });
      const eventsBox = h('div', { class: 'node-events' });
      panel.replaceChildren(
        h(
          'div',
          { class: 'panel-head' },
          h('h3', {}, shortUrn(urn)),
          h('button', { type: 'button', class: 'link', onclick: () => void selectNode(null) }, 'close'),
        ),
        h('p', { class: 'mono small wrap' }, urn),
        h(
          'p',
          {},
          badge(KIND_LABEL[kindOf(node.type)], `kind-${kindOf(node.type)}`),
          ' ',
          h('span', { class: 'muted small' }, node.type),
        ),
        h('h4', {}, 'Dependencies'),
        depsBox,
        h('div', { class: 'row' }, h('h4', {}, 'Impact'), hopsSel),
        impactBox,
        h('h4', {}, 'Events'),
        eventsBox,
      );
      // The span the graph covers: a past graph's as_of; the live one ends where its newest bucket does.
      const newestEdge = graph.edges.map((e) => Date.parse(e.last_seen)).reduce((a, b) => Math.max(a, b), -Infinity);
      const liveEnd = Number.isFinite(newestEdge) ? new Date(newestEdge + STEP).toISOString() : null;
      const at = graph.as_of ?? null;
      const loadImpact = async () => {
        const hops = Number(hopsSel.value);
        ctx.setParams({ hops: String(hops) });
        const r = at
          ? localImpact(graph!, urn, hops)
          : await get<ImpactResult>('/api/graph/impact', { tenant: ctx.tenant, urn, hops });
        if (!ctx.active || selected !== urn) return;
        impactBox.replaceChildren(
          impactList('callers (upstream)', r.upstream, 'up'),
          impactList('dependencies (downstream)', r.downstream, 'down'),
        );
        cy!.elements().removeClass('up down faded');
        const keep = new Set([urn, ...(r.upstream ?? []).map((n) => n.urn), ...(r.downstream ?? []).map((n) => n.urn)]);
        for (const n of r.upstream ?? []) cy!.getElementById(n.urn).addClass('up');
        for (const n of r.downstream ?? []) cy!.getElementById(n.urn).addClass('down');
        cy!.nodes().forEach((n) => {
          if (!keep.has(n.id())) n.addClass('faded');
        });
        cy!.edges().forEach((e) => {
          if (!keep.has(e.source().id()) || !keep.has(e.target().id())) e.addClass('faded');
        });
      };
      hopsSel.addEventListener('change', () => void loadImpact());
      const loadDeps = async () => {
        const r = await get<DependencyReport>(`/api/services/${encodeURIComponent(urn)}/dependencies`, {
          tenant: ctx.tenant,
          since: '10m',
          limit: 20,
          at: at ?? liveEnd,
        });
        if (!ctx.active || selected !== urn) return;
        depsBox.replaceChildren(
          h('p', { class: 'muted small' }, `calls ${fmtTime(r.from)} – ${fmtTime(r.to)}`),
          r.dependencies.length === 0
            ? h('p', { class: 'muted small' }, 'no outgoing calls in this span')
            : h(
                'table',
                { class: 'grid compact', id: 'deps-table' },
                h(
                  'thead',
                  {},
                  h('tr', {}, h('th', {}, 'dependency'), h('th', {}, 'p95'), h('th', {}, 'err'), h('th', {}, 'rps')),
                ),
                h(
                  'tbody',
                  {},
                  ...r.dependencies.map((d) =>
                    h(
                      'tr',
                      {},
                      h('td', { title: d.dst }, shortUrn(d.dst)),
                      h('td', {}, d.p95_ms === null ? '–' : `${fmtNum(d.p95_ms)} ms`),
                      h('td', { class: d.err_rate >= 0.05 ? 'bad' : '' }, fmtPct(d.err_rate)),
                      h('td', {}, fmtNum(d.rps, 2)),
                    ),
                  ),
                ),
              ),
        );
      };
      await Promise.all([
        loadDeps().catch((e: Error) => depsBox.replaceChildren(h('p', { class: 'error small' }, e.message))),
        loadImpact().catch((e: Error) => impactBox.replaceChildren(h('p', { class: 'error small' }, e.message))),
        nodeEvents(eventsBox, ctx, urn),
      ]);
    };

    const draw = (g: ActiveGraph, relayout: boolean, cytoscapeLib: Cytoscape) => {
      graph = g;
      const asOf = g.as_of
        ? `as of ${fmtTime(g.as_of)}`
        : `live · newest edge ${fmtTime(
            g.edges
              .map((e) => e.last_seen)
              .sort()
              .at(-1) ?? null,
          )}`;
      // The counts appear once the graph is drawn (tests and the page-load bench wait for them).
      const showStats = () => {
        stats.textContent = `${g.nodes.length} nodes · ${g.edges.length} edges · ${asOf}`;
        stats.dataset.nodes = String(g.nodes.length);
        stats.dataset.edges = String(g.edges.length);
      };
      if (cy && !relayout) {
        for (const el of elements(g)) cy.getElementById(el.data.id!).data(el.data);
        showStats();
        return;
      }
      cy?.destroy();
      cy = cytoscapeLib({
        container,
        elements: elements(g),
        style: STYLE,
        // Layers across the longer side: left to right on a screen, top down on a phone.
        layout: {
          name: 'dagre',
          rankDir: container.clientWidth >= container.clientHeight ? 'LR' : 'TB',
          nodeSep: 28,
          rankSep: 90,
          padding: 24,
        } as cytoscape.LayoutOptions,
        minZoom: 0.2,
        maxZoom: 3,
        wheelSensitivity: 0.3,
      });
      (window as unknown as { observebridgeGraph?: cytoscape.Core }).observebridgeGraph = cy;
      if (g.nodes.length === 0) {
        container.dataset.empty = 'true';
      } else delete container.dataset.empty;
      cy.on('mouseover', 'edge', (ev) => {
        const p = ev.renderedPosition ?? ev.target.renderedMidpoint();
        showTip(edgeTip(ev.target.data('edge') as GraphEdge), p.x, p.y);
      });
      cy.on('mouseover', 'node', (ev) => {
        const p = ev.target.renderedPosition();
        showTip(
          h(
            'div',
            {},
            h('div', { class: 'tip-title' }, ev.target.data('label') as string),
            h('div', { class: 'muted' }, ev.target.id()),
          ),
          p.x,
          p.y,
        );
      });
      cy.on('mouseout', 'edge, node', () => (tip.hidden = true));
      cy.on('tap', 'node', (ev) => void selectNode(ev.target.id()));
      cy.on('tap', (ev) => {
        if (ev.target === cy) void selectNode(null);
      });
      showStats();
    };

    const load = async (relayout: boolean) => {
      const at = atParam();
      const [g, cytoscapeLib] = await Promise.all([
        get<ActiveGraph>('/api/graph', { tenant: ctx.tenant, at: at === null ? null : new Date(at).toISOString() }),
        graphLib(),
      ]);
      if (!ctx.active) return;
      const same =
        graph !== null &&
        g.nodes.length === graph.nodes.length &&
        g.edges.length === graph.edges.length &&
        g.edges.every((e, i) => e.src === graph!.edges[i]!.src && e.dst === graph!.edges[i]!.dst);
      draw(g, relayout || !same, cytoscapeLib);
      liveBtn.classList.toggle('active', at === null);
      liveBtn.setAttribute('aria-pressed', String(at === null));
      const shown = at ?? newest;
      if (shown !== null) {
        atInput.value = msToLocalInput(g.as_of ? Date.parse(g.as_of) : shown);
        if (!slider.disabled) slider.value = String(Math.min(Math.max(shown, Number(slider.min)), Number(slider.max)));
      }
      if (selected && relayout) await selectNode(g.nodes.some((n) => n.urn === selected) ? selected : null);
    };

    const travel = (ms: number | null) => {
      ctx.setParams({ at: ms === null ? null : new Date(ms).toISOString() });
      void load(true);
    };
    liveBtn.addEventListener('click', () => travel(null));
    slider.addEventListener('change', () => travel(Number(slider.value)));
    atInput.addEventListener('change', () => {
      const ms = localInputToMs(atInput.value);
      if (ms !== null) travel(ms);
    });
    ctx.onLeave(() => cy?.destroy());

    await load(true);
    ctx.every(
      LIVE_REFRESH_MS,
      async () => {
        if (atParam() === null) await load(false);
      },
      false,
    );
  },
};
