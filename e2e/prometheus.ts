import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { Proc, request, requireProgram, start } from '../test/_servers';
import { K8sObject, PodSpec } from './local-pod';

// A real Prometheus for the end-to-end run, configured the way the Prometheus Operator configures
// it from the synthesized PodMonitors (pods by the monitor's selector, endpoints by port name and
// path, the labels namespace/pod/container/endpoint) and loading the synthesized PrometheusRule.
// Only what a cluster decides differently is changed: each pod's address is 127.0.0.1, each
// container port a local port, and everything happens every second, so the run stays fast.

/** The local port a container port of a workload's pod listens on. */
export type LocalPort = (workload: K8sObject, containerName: string, portName: string) => number;

/** One scrape job of the generated configuration, for assertions. */
export interface ScrapeJob {
  readonly job: string;
  readonly workload: string;
  readonly container: string;
  readonly port: string;
  readonly path: string;
  readonly target: string;
}

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** The scrape jobs of every endpoint of every PodMonitor; throws when a monitor selects no pod or names a port no container has. */
export function scrapeJobs(objects: readonly K8sObject[], localPort: LocalPort): ScrapeJob[] {
  const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
  return objects.filter((o) => o.kind === 'PodMonitor').flatMap((pm) => {
    const selected = workloads.filter((w) => w.metadata.namespace === pm.metadata.namespace && matches(pm.spec.selector.matchLabels, w.spec.template.metadata.labels));
    if (selected.length !== 1) throw new Error(`PodMonitor ${pm.metadata.name} selects ${selected.length} workloads`);
    const workload = selected[0];
    const pod: PodSpec = workload.spec.template.spec;
    return (pm.spec.podMetricsEndpoints as Array<{ port: string; path?: string }>).map((ep, i) => {
      const containers = pod.containers.filter((c) => c.ports?.some((p) => p.name === ep.port));
      if (containers.length !== 1) throw new Error(`PodMonitor ${pm.metadata.name}: ${containers.length} containers have a port named ${ep.port}`);
      return {
        // The operator's job name for a PodMonitor endpoint.
        job: `podMonitor/${pm.metadata.namespace}/${pm.metadata.name}/${i}`,
        workload: workload.metadata.name,
        container: containers[0].name,
        port: ep.port,
        path: ep.path ?? '/metrics',
        target: `127.0.0.1:${localPort(workload, containers[0].name, ep.port)}`,
      };
    });
  });
}

/** Writes prometheus.yml and the rule file into `dir`; returns the config file's path. */
export function writeConfig(dir: string, jobs: readonly ScrapeJob[], namespace: string, ruleGroups: unknown[]): string {
  const rules = path.join(dir, 'rules.yml');
  fs.writeFileSync(rules, yaml.dump({ groups: ruleGroups }));
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: [rules],
    scrape_configs: jobs.map((j) => ({
      job_name: j.job,
      metrics_path: j.path,
      static_configs: [{ targets: [j.target], labels: { namespace, pod: `${j.workload}-0`, container: j.container, endpoint: j.port } }],
    })),
  };
  const file = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(file, yaml.dump(config));
  return file;
}

/** Starts Prometheus on 127.0.0.1:`port` with a fresh TSDB in `dir`. */
export function startPrometheus(dir: string, configFile: string, port: number, logFile: string): Proc {
  return start('prometheus', requireProgram('prometheus'), [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ], 'SIGTERM', logFile);
}

/** GET of Prometheus's HTTP API, parsed; throws on an HTTP or API error. */
export async function api(port: number, urlPath: string): Promise<any> {
  const res = await request(port, urlPath, { timeoutMs: 5_000 });
  const body = JSON.parse(res.body.toString());
  if (res.status !== 200 || body.status !== 'success') throw new Error(`${urlPath}: HTTP ${res.status} ${res.body.toString()}`);
  return body.data;
}

/** An instant query; throws when Prometheus cannot evaluate it. */
export function query(port: number, expr: string): Promise<{ resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> }> {
  return api(port, `/api/v1/query?query=${encodeURIComponent(expr)}`);
}

/** Polls `check` every 200 ms until it returns a value, at most `ms`; throws with the last reason. */
export async function eventually<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last = 'not tried';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms (${last})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
