import { Component } from './_identity';

/** The API version of Prometheus Operator's PodMonitor and PrometheusRule. */
export const MONITORING_API_VERSION = 'monitoring.coreos.com/v1';

/** One metrics endpoint of a pod: a container port by name, and the HTTP path. */
export interface MetricsEndpoint {
  /** The container port's name (PodMonitors and NetworkPolicies refer to it by name). */
  readonly port: string;
  readonly path: string;
}

/**
 * What Prometheus scrapes in one group of pods, as its producer (the web service, the database)
 * states it: the monitoring objects consume these values and never spell a port or label again.
 */
export interface MetricsTarget {
  /** The object-name suffix of its PodMonitor (`<name>-<name>`) and NetworkPolicy (`<name>-<name>-metrics`). */
  readonly name: string;
  /** The recommended-label component of the pods. */
  readonly component: Component;
  /** The `app.kubernetes.io/instance` of the pods. */
  readonly instance: string;
  /** The labels the pods' workload selects them by. */
  readonly selector: Record<string, string>;
  /** The one label NetworkPolicies select the pods by. */
  readonly policySelector: Record<string, string>;
  readonly endpoints: readonly MetricsEndpoint[];
}
