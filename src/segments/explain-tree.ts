/**
 * The explanation as the API returns it: rules/ explain's tree, each node with the path of the rule node
 * it explains, written as validation errors write them (`rule.all[2]`; inside a referenced segment
 * `rule.segments.ID.…`), so the console can point at the condition, and for a segment reference the
 * referenced segment's name.
 */
import type { Explanation, RuleNode } from '../rules/index.ts';
import type { SegmentCatalog } from './catalog.ts';

export interface ExplainNode {
  kind: string;
  path: string;
  result: boolean;
  detail: string;
  /** A segment reference: the referenced segment's name. */
  segment_name?: string;
  children?: ExplainNode[];
}


/** The node's children with their rule nodes and paths (explain gives children in the rule's order). */
function childNodes(node: RuleNode, path: string): [RuleNode, string][] {
  switch (node.kind) {
    case 'all':
    case 'any':
      return node.rules.map((r, i) => [r, `${path}.${node.kind}[${i}]`]);
    case 'not':
      return [[node.rule, `${path}.not`]];
    case 'segment':
      return [[node.rule, `rule.segments.${node.segment}`]];
    default:
      return [];
  }
}

export function annotate(args: { explanation: Explanation; node: RuleNode; catalog: SegmentCatalog; path?: string }): ExplainNode {
  const { explanation: e, node, catalog, path = 'rule' } = args;
  const kids = childNodes(node, path);
  const name = node.kind === 'segment' ? catalog.get(node.segment)?.name : undefined;
  return {
    kind: e.kind,
    path,
    result: e.result,
    detail: e.detail,
    ...(name !== undefined ? { segment_name: name } : {}),
    ...(e.children ? { children: e.children.map((c, i) => annotate({ explanation: c, node: kids[i]![0], catalog, path: kids[i]![1] })) } : {}),
  };
}
