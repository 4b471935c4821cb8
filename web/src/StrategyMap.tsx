import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import { Background, ReactFlow, MarkerType, Position, type Edge, type Node } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import { formatNumber, localName } from './format.ts';
import { perspectiveKey, perspectiveOrder, type Scorecard } from './performance-types.ts';

const BAND_HEIGHT = 120;
const MAP_WIDTH = 900;
const NODE_WIDTH = 220;
const lightBorder: Record<string, string> = { GREEN: '#2b8a3e', YELLOW: '#e67700', RED: '#c92a2a' };
const bandFill = ['#edf2ff', '#f3f0ff', '#e6fcf5', '#fff9db'];

/**
 * The strategy map: one band per perspective (customer on top), objectives as nodes inside their band,
 * arrows from cause to effect along the BSC chain learning → process → work performance → customer.
 */
export function StrategyMap({ scorecard }: { scorecard: Scorecard }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { nodes, edges } = useMemo(() => {
    const perspectives = [...scorecard.perspectives].sort(
      (a, b) => perspectiveOrder.indexOf(perspectiveKey(a)) - perspectiveOrder.indexOf(perspectiveKey(b)),
    );
    const nodes: Node[] = [];
    const edges: Edge[] = [];
    perspectives.forEach((perspective, band) => {
      const key = perspectiveKey(perspective);
      nodes.push({
        id: `band-${key}`,
        position: { x: 0, y: band * BAND_HEIGHT },
        data: {
          label: `${t(`perf.perspective.${key}`, { defaultValue: key })} · ${perspective.weight}%`,
        },
        style: {
          width: MAP_WIDTH,
          height: BAND_HEIGHT - 8,
          background: bandFill[band % bandFill.length],
          border: '1px solid #ced4da',
          borderRadius: 6,
          fontWeight: 700,
          fontSize: 13,
          textAlign: 'left',
          padding: '6px 10px',
          color: '#212529',
        },
        draggable: false,
        selectable: false,
        focusable: false,
        zIndex: -1,
        type: 'default',
        className: 'band-node',
      });
      const count = perspective.objectives.length;
      perspective.objectives.forEach((objective, index) => {
        const slot = (MAP_WIDTH - 160) / Math.max(count, 1);
        nodes.push({
          id: objective.code,
          position: { x: 160 + slot * index + (slot - NODE_WIDTH) / 2, y: band * BAND_HEIGHT + 28 },
          data: {
            label: `${localName(objective, lang)}${objective.score !== null ? ` (${formatNumber(objective.score, lang)})` : ''}${objective.light ? ` · ${t(`light.${objective.light}`)}` : ''}`,
          },
          style: {
            width: NODE_WIDTH,
            fontSize: 12,
            color: '#212529',
            background: '#fff',
            border: `3px solid ${lightBorder[objective.light ?? ''] ?? '#495057'}`,
          },
          draggable: false,
          connectable: false,
          sourcePosition: Position.Top,
          targetPosition: Position.Bottom,
          className: `objective-node light-${objective.light ?? 'NONE'}`,
        });
      });
    });
    for (let band = perspectives.length - 1; band > 0; band--) {
      for (const cause of perspectives[band]?.objectives ?? []) {
        for (const effect of perspectives[band - 1]?.objectives ?? []) {
          edges.push({ id: `${cause.code}->${effect.code}`, source: cause.code, target: effect.code });
        }
      }
    }
    // Effects sit above causes, so arrows run from a node's top to the next band's bottom.
    return {
      nodes,
      edges: edges.map((e) => ({
        ...e,
        markerEnd: { type: MarkerType.ArrowClosed },
        style: { stroke: '#495057' },
      })),
    };
  }, [scorecard, lang, t]);

  return (
    <div
      style={{ height: scorecard.perspectives.length * BAND_HEIGHT + 20, width: '100%' }}
      data-testid="strategy-map"
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        zoomOnScroll={false}
        preventScrolling={false}
        proOptions={{ hideAttribution: true }}
        ariaLabelConfig={{ 'node.a11yDescription.default': t('perf.mapHint') }}
      >
        <Background gap={24} />
      </ReactFlow>
    </div>
  );
}
