import type { ExplainNode } from '../types.ts';

const GROUP_LABEL: Record<string, string> = { all: 'All of these', any: 'Any of these', not: 'Not' };

/** The explain endpoint's answer as the rule tree, each node with a tick or a cross and what it saw. */
export function ExplainTree({ node }: { node: ExplainNode }) {
  return (
    <ul className="explain-tree" role="tree">
      <ExplainItem node={node} />
    </ul>
  );
}

function ExplainItem({ node }: { node: ExplainNode }) {
  const label = node.kind === 'segment' && node.segment_name ? `In segment "${node.segment_name}"` : GROUP_LABEL[node.kind];
  return (
    <li role="treeitem" aria-expanded={node.children ? true : undefined} data-path={node.path}>
      <span className={node.result ? 'tick' : 'cross'} aria-label={node.result ? 'holds' : 'does not hold'}>{node.result ? '✓' : '✗'}</span>{' '}
      {label && <strong>{label}: </strong>}
      <span>{node.detail}</span>
      {node.children && node.children.length > 0 && (
        <ul role="group">
          {node.children.map((c) => <ExplainItem key={c.path} node={c} />)}
        </ul>
      )}
    </li>
  );
}
