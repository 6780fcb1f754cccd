import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { StackIdentity } from './_identity';
import { cidrProblem } from './_cidr';
import { ConfigIssue } from './_errors';
import { dnsEgress, namespaceSelector } from './_network';
import { resolveNetworkPolicy } from './resolve-stack';
import { NetworkPolicyConfig } from './stack-config';

/** Props of `StackNetworkPolicies`: the `networkPolicy` section plus the pods it governs. */
export interface StackNetworkPoliciesProps extends NetworkPolicyConfig {
  /** Names, namespace and labels. */
  readonly stack: StackIdentity;
  /** The label the web pods are selected by (one label: see `StackIdentity.policySelector`). */
  readonly web: Record<string, string>;
  /** The web pods' port (name) that receives traffic: `PythonWebService.servingPortName`. */
  readonly webPort: string;
  /** The label the migration pods are selected by. @default - no migrations */
  readonly migrations?: Record<string, string>;
  /** The workers: each one's name (the policy's) and the label its pods are selected by. @default [] */
  readonly workers?: ReadonlyArray<{ readonly name: string; readonly labels: Record<string, string> }>;
  /** The schedules, likewise. @default [] */
  readonly schedules?: ReadonlyArray<{ readonly name: string; readonly labels: Record<string, string> }>;
  /** The label the database pods are selected by, and their port. @default - no in-cluster database */
  readonly database?: { readonly labels: Record<string, string>; readonly port: number };
  /** A managed database's network and port. @default - none */
  readonly externalDatabase?: { readonly cidr: string; readonly port: number };
  /** The label the Redis pod is selected by, and its port. @default - no in-cluster Redis */
  readonly redis?: { readonly labels: Record<string, string>; readonly port: number };
  /**
   * Leave cert-manager's HTTP-01 solver pods (which it starts in this namespace to prove the
   * domain) out of the default deny, so the ingress controller can reach them.
   * @default false
   */
  readonly acmeSolver?: boolean;
}

/** The label cert-manager puts on its HTTP-01 solver pods. */
export const ACME_SOLVER_LABEL = 'acme.cert-manager.io/http01-solver';

/**
 * Default deny for the namespace, then exactly the traffic the stack needs: to the web pods
 * from the ingress controller's namespace and from within the namespace; from web and
 * migration pods to DNS, the database (in the cluster, or a managed one's network), Redis, the
 * `egress` destinations, and the internet on the configured ports. The database's and Redis's
 * own policies come with `PostgresDatabase` and `RedisServer`.
 */
export class StackNetworkPolicies extends Construct {
  /** Validates the `networkPolicy` section. */
  public static validate(props: NetworkPolicyConfig, path = 'networkPolicy'): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    (props.egress ?? []).forEach((rule, i) => {
      const problem = cidrProblem(rule.cidr);
      if (problem) issues.push({ path: `${path}.egress[${i}].cidr`, message: problem, value: rule.cidr });
      rule.ports.forEach((port, j) => {
        if (rule.ports.indexOf(port) !== j) issues.push({ path: `${path}.egress[${i}].ports[${j}]`, message: 'is listed twice', value: port });
      });
    });
    return issues;
  }

  public readonly ingressControllerNamespace: string;
  public readonly internetEgressPorts: readonly number[];

  constructor(scope: Construct, id: string, props: StackNetworkPoliciesProps) {
    super(scope, id);
    const stack = props.stack;
    const resolved = resolveNetworkPolicy(props);
    this.ingressControllerNamespace = resolved.ingressControllerNamespace;
    this.internetEgressPorts = resolved.internetEgressPorts;

    // Every pod of the namespace, including any a person adds by hand, starts from "nothing".
    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: stack.metadata('default-deny', 'namespace', { instance: stack.name }),
      spec: {
        podSelector: props.acmeSolver ? { matchExpressions: [{ key: ACME_SOLVER_LABEL, operator: 'DoesNotExist' }] } : {},
        policyTypes: ['Ingress', 'Egress'],
      },
    });

    const egress = this.appEgress(props);
    new k8s.KubeNetworkPolicy(this, 'Web', {
      metadata: stack.metadata('web', 'web'),
      spec: {
        podSelector: { matchLabels: props.web },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{
          from: [{ namespaceSelector: namespaceSelector(this.ingressControllerNamespace) }, { podSelector: {} }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromString(props.webPort) }],
        }],
        egress,
      },
    });

    // Migration, worker and schedule pods listen on nothing; each policy's ingress rule admits
    // only pods of its own kind, so the policy has the rule checkers look for without opening
    // anything. They reach what the web reaches.
    const quiet = (id: string, metadata: k8s.ObjectMeta, labels: Record<string, string>) => new k8s.KubeNetworkPolicy(this, id, {
      metadata,
      spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: { matchLabels: labels } }] }], egress },
    });
    if (props.migrations) quiet('Migrations', stack.metadata('migrate', 'migrations'), props.migrations);
    for (const w of props.workers ?? []) quiet(`Worker-${w.name}`, { ...stack.metadata(w.name.slice(stack.name.length + 1), 'worker') }, w.labels);
    for (const s of props.schedules ?? []) quiet(`Schedule-${s.name}`, { ...stack.metadata(s.name.slice(stack.name.length + 1), 'schedule') }, s.labels);
  }

  private appEgress(props: StackNetworkPoliciesProps): k8s.NetworkPolicyEgressRule[] {
    const rules: k8s.NetworkPolicyEgressRule[] = [dnsEgress()];
    for (const peer of [props.database, props.redis]) {
      if (!peer) continue;
      rules.push({
        to: [{ podSelector: { matchLabels: peer.labels } }],
        ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(peer.port) }],
      });
    }
    if (props.externalDatabase) rules.push(ipBlockEgress(props.externalDatabase.cidr, [props.externalDatabase.port]));
    for (const rule of props.egress ?? []) rules.push(ipBlockEgress(rule.cidr, rule.ports));
    if (this.internetEgressPorts.length > 0) {
      rules.push({
        to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
        ports: this.internetEgressPorts.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })),
      });
    }
    return rules;
  }
}

/** Egress to one network on some TCP ports. */
function ipBlockEgress(cidr: string, ports: readonly number[]): k8s.NetworkPolicyEgressRule {
  return {
    to: [{ ipBlock: { cidr } }],
    ports: ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })),
  };
}
