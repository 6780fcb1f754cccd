/**
 * A small Mermaid flowchart builder for the target READMEs: safe node ids, escaped labels,
 * de-duplicated nodes and edges, and output in insertion order so the same objects always
 * give the same text (a README diff then shows only real changes).
 */

/**
 * A Mermaid-safe node id for an object: `<kind>_<name>` with every non-alphanumeric
 * character replaced by `_`, so ids never clash with Mermaid syntax (`-->`, `[`, `end`...).
 */
export function nodeId(kind: string, name: string): string {
  return `${kind}_${name}`.replace(/[^A-Za-z0-9]/g, '_');
}

/**
 * Text safe inside a quoted Mermaid label: `"` would end the label and `<`/`>` would be read
 * as HTML, so they become Mermaid entity codes; `|` would end an edge label.
 */
export function mermaidText(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;');
}

interface Node { readonly label: string; readonly group?: string }
interface Edge { readonly from: string; readonly to: string; readonly labels: string[] }

/** A flowchart: nodes (optionally in a subgraph, e.g. per namespace) and labelled edges. */
export class Flowchart {
  private readonly nodes = new Map<string, Node>();
  private readonly groups = new Map<string, string>();
  private readonly edges = new Map<string, Edge>();

  /** Whether a node id is declared. */
  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /** Declares a subgraph; its title is escaped. */
  group(id: string, title: string): string {
    if (!this.groups.has(id)) this.groups.set(id, title);
    return id;
  }

  /**
   * Declares a node once: the first declaration wins, so a precise label (e.g. "created by
   * ExternalSecret") is not overwritten by a later, vaguer one. Lines are joined with `<br/>`.
   */
  node(id: string, lines: readonly string[], group?: string): string {
    if (!this.nodes.has(id)) this.nodes.set(id, { label: lines.filter((l) => l !== '').map(mermaidText).join('<br/>'), group });
    return id;
  }

  /** An edge; repeated edges between the same nodes merge their labels. */
  edge(from: string, to: string, label?: string): void {
    if (from === to) return;
    const key = `${from}\u0000${to}`;
    const edge = this.edges.get(key) ?? { from, to, labels: [] };
    if (label && !edge.labels.includes(label)) edge.labels.push(label);
    this.edges.set(key, edge);
  }

  /** The flowchart's lines, starting with `flowchart LR`. */
  render(): string[] {
    const lines = ['flowchart LR'];
    const declare = (id: string, node: Node, indent: string) => lines.push(`${indent}${id}["${node.label}"]`);
    for (const [group, title] of this.groups) {
      lines.push(`  subgraph ${group}["${mermaidText(title)}"]`);
      for (const [id, node] of this.nodes) if (node.group === group) declare(id, node, '    ');
      lines.push('  end');
    }
    for (const [id, node] of this.nodes) if (!node.group || !this.groups.has(node.group)) declare(id, node, '  ');
    for (const { from, to, labels } of this.edges.values()) {
      // Long label lists (e.g. many secret keys) would widen the arrow past readability.
      const text = labels.length > 4 ? `${labels.slice(0, 3).join(', ')} +${labels.length - 3} more` : labels.join(', ');
      lines.push(text ? `  ${from} -->|"${mermaidText(text)}"| ${to}` : `  ${from} --> ${to}`);
    }
    return lines;
  }
}
