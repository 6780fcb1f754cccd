import * as k8s from '../imports/k8s';

/** Egress to the cluster DNS (any namespace, port 53 over UDP and TCP). */
export function dnsEgress(): k8s.NetworkPolicyEgressRule {
  return {
    to: [{ namespaceSelector: {} }],
    ports: [
      { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
      { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
    ],
  };
}

/** Selects every pod of one namespace, by the label Kubernetes sets on every namespace. */
export function namespaceSelector(name: string): k8s.LabelSelector {
  return { matchLabels: { 'kubernetes.io/metadata.name': name } };
}
