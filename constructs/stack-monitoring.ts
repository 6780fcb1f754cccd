import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { MonitoredStack, alertRules } from './_alert-rules';
import { renderDashboard } from './_dashboard';
import { StackIdentity } from './_identity';
import { MetricsTarget, MONITORING_API_VERSION } from './_metrics';
import { namespaceSelector } from './_network';

/** The label kube-prometheus-stack's Grafana sidecar finds dashboard ConfigMaps by. */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: '1' };

/** Props of `StackMonitoring`: the resolved `monitoring` section and what there is to watch. */
export interface StackMonitoringProps {
  /** Names, namespace and labels. */
  readonly stack: StackIdentity;
  /** The namespace of Prometheus, the only one admitted to the metrics ports. */
  readonly prometheusNamespace: string;
  /** Labels Prometheus selects the monitors and rules by. */
  readonly labels: Readonly<Record<string, string>>;
  /** The pods to scrape, as their producers state them. */
  readonly targets: readonly MetricsTarget[];
  /** What the alerts and the dashboard watch, by the names the stack gave it. */
  readonly watched: MonitoredStack;
  /** Emit the PrometheusRule `<name>-alerts`. @default true */
  readonly alerts?: boolean;
  /** Emit the dashboard ConfigMap `<name>-dashboard`. @default true */
  readonly dashboard?: boolean;
}

/**
 * What a Prometheus Operator and Grafana need to watch the stack:
 * - for each group of pods with metrics, a PodMonitor `<name>-<target>` (pods by their selector
 *   labels, endpoints by port name and path) and a NetworkPolicy `<name>-<target>-metrics` that
 *   admits the Prometheus namespace to exactly those ports (NetworkPolicies add up, so the
 *   stack's other policies stay as they are);
 * - a PrometheusRule `<name>-alerts` (see `_alert-rules.ts` and the README's runbooks);
 * - a Grafana dashboard in a ConfigMap `<name>-dashboard` labeled `grafana_dashboard: "1"`.
 */
export class StackMonitoring extends Construct {
  public readonly prometheusNamespace: string;
  public readonly targets: readonly MetricsTarget[];
  /**
   * The PrometheusRule, when alerts are on. PodMonitors and the PrometheusRule are plain
   * ApiObjects, validated strictly against the vendored CRDs at every synth (as CloudNativePG's
   * objects are): the classes generated from those CRDs would cost the package 50 kB.
   */
  public readonly rule?: ApiObject;
  /** The dashboard JSON, when the dashboard is on. */
  public readonly dashboardJson?: string;

  constructor(scope: Construct, id: string, props: StackMonitoringProps) {
    super(scope, id);
    const stack = props.stack;
    this.prometheusNamespace = props.prometheusNamespace;
    this.targets = props.targets;
    const withSelectorLabels = (meta: ReturnType<StackIdentity['metadata']>) => ({ ...meta, labels: { ...meta.labels, ...props.labels } });

    for (const target of props.targets) {
      const meta = (suffix: string) => stack.metadata(suffix, target.component, { instance: target.instance });
      new ApiObject(this, `${pascal(target.name)}PodMonitor`, {
        apiVersion: MONITORING_API_VERSION,
        kind: 'PodMonitor',
        metadata: withSelectorLabels(meta(target.name)),
        spec: {
          selector: { matchLabels: { ...target.selector } },
          podMetricsEndpoints: target.endpoints.map((e) => ({ port: e.port, path: e.path })),
        },
      });
      new k8s.KubeNetworkPolicy(this, `${pascal(target.name)}MetricsPolicy`, {
        metadata: meta(`${target.name}-metrics`),
        spec: {
          podSelector: { matchLabels: { ...target.policySelector } },
          policyTypes: ['Ingress'],
          ingress: [{
            from: [{ namespaceSelector: namespaceSelector(props.prometheusNamespace) }],
            ports: target.endpoints.map((e) => ({ protocol: 'TCP', port: k8s.IntOrString.fromString(e.port) })),
          }],
        },
      });
    }

    if (props.alerts ?? true) {
      this.rule = new ApiObject(this, 'Alerts', {
        apiVersion: MONITORING_API_VERSION,
        kind: 'PrometheusRule',
        metadata: withSelectorLabels(stack.metadata('alerts', 'monitoring', { instance: stack.name })),
        spec: {
          groups: [{
            name: `${stack.namespace}.${stack.name}`,
            rules: alertRules(props.watched).map((r) => ({
              alert: r.alert,
              expr: r.expr,
              ...(r.for ? { for: r.for } : {}),
              labels: { ...r.labels },
              annotations: { ...r.annotations },
            })),
          }],
        },
      });
    }

    if (props.dashboard ?? true) {
      this.dashboardJson = renderDashboard(`${stack.name} (${stack.namespace})`, props.watched);
      const meta = stack.metadata('dashboard', 'monitoring', { instance: stack.name });
      new k8s.KubeConfigMap(this, 'Dashboard', {
        metadata: { ...meta, labels: { ...meta.labels, ...GRAFANA_DASHBOARD_LABEL } },
        data: { [`${stack.name}.json`]: this.dashboardJson },
      });
    }
  }
}

/** `web` -> `Web`, for construct ids. */
function pascal(name: string): string {
  return name.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}
