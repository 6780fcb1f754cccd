import { ApiObject, App, Chart, DependencyVertex } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ConfigError, PythonWebStack, formatIssue } from '../../constructs';
import { UserError } from '../user-error';
import { StackFile } from '../load/stack-file';
import { manifestPath } from '../layout';
import { withFastObjectJson } from './object-json';
import { stringifyDocuments } from './yaml-emitter';

/** One output file: its path below the output folder, its YAML, and the objects in it. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
  readonly objects: readonly any[];
  /**
   * Secrets the objects read that exist outside the output (`secrets.source: existing`): name ->
   * the keys they must hold, for the cross-reference checks.
   */
  readonly externalSecrets?: Record<string, string[]>;
  /** ConfigMaps the objects read that exist outside the output (`web.envFrom`): name -> keys. */
  readonly externalConfigMaps?: Record<string, string[]>;
  /** What the stack allows but a reviewer should know (e.g. a staging database without backups). */
  readonly warnings?: readonly string[];
}

/** The App of a set of stacks, with each chart's output path. */
export interface StackApp {
  readonly app: App;
  readonly charts: ReadonlyArray<{ readonly chart: Chart; readonly path: string; readonly externalSecrets?: Record<string, string[]>; readonly externalConfigMaps?: Record<string, string[]> }>;
}

/** Builds one App holding one `PythonWebStack` chart per stack file. */
export function buildApp(stacks: readonly StackFile[]): StackApp {
  const app = new App({ outdir: 'unused' });
  return { app, charts: stacks.map((stack) => addStack(app, stack)) };
}

function addStack(app: App, { file, config, target, stack }: StackFile): StackApp['charts'][number] {
  // A stack loaded from a file was validated and resolved then: the chart is built from that.
  let chart: PythonWebStack;
  try {
    chart = new PythonWebStack(app, `${target}.${config.name}`, stack ?? config);
  } catch (err) {
    // Should a construct still refuse a loaded stack, name the file.
    if (err instanceof ConfigError) throw new UserError(err.issues.map((i) => `${file}: ${formatIssue(i)}`));
    throw err;
  }
  return { chart, path: manifestPath(target, config.name), ...chart.existingObjects() };
}

/**
 * Builds, renders and drops one stack's chart at a time, handing each file to `onFile`: the
 * same files, byte for byte, as `renderApp(buildApp(stacks))` (the stacks never depend on one
 * another), in time and memory that stay linear however many stacks there are. A 2,000-stack
 * App held at once made every allocation slower (a larger heap to mark), so even per-chart
 * work grew with the App's size.
 */
export function renderStacks(stacks: readonly StackFile[], onFile: (file: RenderedFile) => void): void {
  const app = new App({ outdir: 'unused' });
  withFastObjectJson(() => {
    for (const stack of stacks) {
      const entry = addStack(app, stack);
      renderCharts(entry.chart.node.findAll(), [entry], onFile);
      app.node.tryRemoveChild(entry.chart.node.id);
    }
  });
  validate([app]);
}

/**
 * The manifest files synth writes for these stacks, in order: `renderStacks` collected, for
 * callers that want them all at once (tests, a user's own pipeline).
 */
export function renderFiles(stacks: readonly StackFile[]): RenderedFile[] {
  const files: RenderedFile[] = [];
  renderStacks(stacks, (file) => files.push(file));
  return files;
}

/**
 * Renders every chart of the App as cdk8s's own `App.synth()` would, byte for byte, but in
 * time linear in the size of the App: cdk8s's `Chart.toJson()` re-resolves dependencies and
 * re-validates the whole App for each chart (quadratic in the number of charts), where we do
 * both once, then render each chart once.
 */
export function renderApp({ app, charts }: StackApp): RenderedFile[] {
  const files: RenderedFile[] = [];
  withFastObjectJson(() => renderCharts(app.node.findAll(), charts, (file) => files.push(file)));
  return files;
}

/** Validation and dependency resolution once over `all`, then each chart rendered once. */
function renderCharts(all: readonly IConstruct[], charts: StackApp['charts'], onFile: (file: RenderedFile) => void): void {
  validate(all);
  resolveDependencies(all);
  for (const { chart, path, externalSecrets, externalConfigMaps } of charts) {
    const objects = chartObjects(chart).map((o) => o.toJson());
    // Not `instanceof`: cdk8s's Chart answers it for any chart.
    const stackWarnings: readonly string[] = (chart as Partial<PythonWebStack>).warnings ?? [];
    const warnings = stackWarnings.length > 0 ? { warnings: stackWarnings } : {};
    onFile({ path, content: stringifyDocuments(objects), objects, externalSecrets, externalConfigMaps, ...warnings });
  }
}

/** cdk8s's app-level validation: every construct's `node.validate()`. */
function validate(all: readonly IConstruct[]): void {
  const errors: string[] = [];
  for (const c of all) {
    for (const error of c.node.validate()) errors.push(`[${c.node.path}] ${error}`);
  }
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/**
 * cdk8s's dependency resolution (app.ts `resolveDependencies`), once for the whole App: nested
 * charts and cross-chart construct dependencies become chart dependencies; construct
 * dependencies become ApiObject dependencies within a chart.
 */
function resolveDependencies(all: readonly IConstruct[]): void {
  for (const parent of all) {
    if (!(parent instanceof Chart)) continue;
    for (const child of parent.node.children) {
      if (child instanceof Chart) parent.node.addDependency(child);
    }
  }
  const deps = all.flatMap((source) => source.node.dependencies.map((target) => ({ source, target })));
  for (const { source, target } of deps) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    if (sourceChart !== targetChart) sourceChart.node.addDependency(targetChart);
  }
  for (const { source, target } of deps) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    const targets = target.node.findAll().filter((c) => c instanceof ApiObject && Chart.of(c) === targetChart);
    const sources = source.node.findAll().filter((c) => c instanceof ApiObject && Chart.of(c) === sourceChart);
    for (const t of targets) {
      for (const s of sources) if (t !== s) s.node.addDependency(t);
    }
  }
}

/**
 * A chart's own ApiObjects in dependency order (cdk8s's `chartToKube`): cdk8s's
 * `DependencyGraph`, built with its own `DependencyVertex` (edges, cycle check, topology), but
 * with the vertices keyed by construct rather than by `node.path`, a string joined anew for every
 * construct (60-110 ms of a 1,000-stack render). The same graph: paths name constructs one to
 * one, and the roots come in `findAll` order, as cdk8s's `Object.values` gives them (a path is an
 * integer-like key, which it would put first, only for the chart itself at the App's root,
 * first anyway).
 */
function chartObjects(chart: Chart): ApiObject[] {
  const all = chart.node.findAll();
  const vertices = new Map<IConstruct, DependencyVertex>();
  for (const construct of all) vertices.set(construct, new DependencyVertex(construct));
  for (const source of all) {
    for (const target of source.node.dependencies) {
      // Not across the chart's boundary: cdk8s renders a chart's own objects only.
      const to = vertices.get(target);
      if (to) vertices.get(source)!.addChild(to);
    }
  }
  const root = new DependencyVertex();
  for (const vertex of vertices.values()) {
    if (vertex.inbound.length === 0) root.addChild(vertex);
  }
  return root.topology().filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart);
}
