import { Testing } from 'cdk8s';
import { PythonWebStack, PythonWebStackProps } from '../constructs';

/** Synthesizes one stack (as its own chart) into its objects. */
export function synthStack(props: PythonWebStackProps): any[] {
  const app = Testing.app();
  const chart = new PythonWebStack(app, props.name, props);
  return Testing.synth(chart);
}

/** The one object of a kind (and optional name) in a manifest; fails when there is not one. */
export function only(objects: readonly any[], kind: string, name?: string): any {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}

/** The pod spec of a workload object. */
export function podSpec(workload: any): any {
  return workload.spec.template.spec;
}

/** A container of a pod spec by name. */
export function container(spec: any, name: string): any {
  const c = [...(spec.initContainers ?? []), ...spec.containers].find((x: any) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

/** A minimal valid stack, with overrides. */
export function stack(overrides: Partial<PythonWebStackProps> = {}): PythonWebStackProps {
  return {
    name: 'shop',
    web: { image: 'ghcr.io/acme/shop:1.4.2', framework: 'flask' },
    ...overrides,
  };
}
