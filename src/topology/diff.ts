import { edgeKey, type Edge, type EdgeProps } from './model.js';
import { mergeProps, propsEqual } from './props.js';

/** An edge whose validity range is still open (`upper_inf(valid)`), as the writer reads it back. */
export interface EdgeRow extends Edge {
  /** When the range opened (epoch ms), if the writer has it. */
  validFrom?: number;
}

export interface EdgeDiff<R extends EdgeRow> {
  /** In `now` but not open: insert with `valid = [t, ∞)`. */
  open: Edge[];
  /** Open but not in `now`: close at t (`upper(valid) = t`). Also extra open rows of one identity. */
  close: R[];
  /** Open and in `now` with equal props: nothing to do. */
  keep: R[];
  /** Open and in `now` with different props: update props, or close and reopen, at the writer's choice. */
  propsChanged: { row: R; props: EdgeProps }[];
}

/**
 * The temporal difference between the edges currently open for a source and the edges it has
 * now (T7). Identity is (src, dst, relation); props do not take part in identity. Partitions:
 * every distinct identity of `prevOpen` lands in exactly one of close / keep / propsChanged,
 * every distinct identity of `now` in open / keep / propsChanged. Pure, DB-free.
 */
export function diffEdges<R extends EdgeRow>(prevOpen: readonly R[], now: readonly Edge[]): EdgeDiff<R> {
  const next = new Map<string, Edge>();
  for (const e of now) {
    const k = edgeKey(e);
    const seen = next.get(k);
    next.set(k, seen === undefined ? e : { ...seen, props: mergeProps(seen.props, e.props) });
  }
  const out: EdgeDiff<R> = { open: [], close: [], keep: [], propsChanged: [] };
  for (const row of prevOpen) {
    const k = edgeKey(row);
    const e = next.get(k);
    if (e === undefined) {
      // Gone — or a second open row of an edge already matched, which breaks "ranges never overlap": close it.
      out.close.push(row);
      continue;
    }
    next.delete(k);
    if (propsEqual(row.props, e.props)) out.keep.push(row);
    else out.propsChanged.push({ row, props: e.props });
  }
  for (const e of next.values()) out.open.push(e);
  return out;
}
