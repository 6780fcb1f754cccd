import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ConfigIssue, throwIfAny } from './_errors';
import { SYNC_WAVE } from './_gitops';
import { annotationIssues } from './_k8s-names';
import { PythonWebService } from './python-web-service';
import { isValidated, resolveIngress } from './resolve-stack';
import { IngressConfig } from './stack-config';

/** The annotation cert-manager's ingress-shim reads. */
const CLUSTER_ISSUER = 'cert-manager.io/cluster-issuer';

/** ingress-nginx's request body limit (its default, 1m, refuses larger uploads with 413). */
export const PROXY_BODY_SIZE = 'nginx.ingress.kubernetes.io/proxy-body-size';

/** Props of `WebIngress`: the `ingress` section plus the web service it routes to. */
export interface WebIngressProps extends IngressConfig {
  /** The web service whose Service port (`servicePort`) receives the traffic. */
  readonly web: PythonWebService;
  /**
   * The largest request body the pod accepts (nginx units, e.g. `10m`): with ingress-nginx
   * (`className: nginx`, or no class), the controller's `proxy-body-size` is set to it, so the
   * controller does not refuse what the pod would take.
   * @default - no limit is passed on
   */
  readonly uploadLimit?: string;
}

/**
 * A `networking.k8s.io/v1` Ingress `<name>-web`: the host and any extra hosts, path `/` to the
 * web Service's `http` port, and TLS from an existing Secret or issued by cert-manager.
 */
export class WebIngress extends Construct {
  /** Validates the `ingress` section. */
  public static validate(props: IngressConfig, path = 'ingress'): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    if (props.tls && !props.tls.secretName && !props.tls.clusterIssuer) {
      issues.push({ path: `${path}.tls`, message: 'needs secretName or clusterIssuer', value: props.tls, allowed: '{secretName: shop-tls} or {clusterIssuer: letsencrypt-prod}' });
    }
    const { extraHosts, annotations } = resolveIngress(props, 'app');
    const hosts = [props.host, ...extraHosts];
    extraHosts.forEach((host, i) => {
      if (hosts.indexOf(host) !== i + 1) issues.push({ path: `${path}.extraHosts[${i}]`, message: host === props.host ? 'is ingress.host already' : 'is listed twice', value: host });
    });
    issues.push(...annotationIssues(annotations, `${path}.annotations`, { [CLUSTER_ISSUER]: 'remove it and set ingress.tls.clusterIssuer', [SYNC_WAVE]: 'remove it: the stack orders its objects itself' }));
    return issues;
  }

  /** The Ingress's name (ingress-nginx labels its request metrics with it). */
  public readonly ingressName: string;
  public readonly host: string;
  /** Every host the Ingress routes: `host`, then `extraHosts`. */
  public readonly hosts: readonly string[];
  /** The TLS Secret, when there is TLS. */
  public readonly tlsSecretName?: string;
  /** The Ingress's annotations. */
  public readonly annotations: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: WebIngressProps) {
    super(scope, id);
    if (!isValidated(props)) throwIfAny(WebIngress.validate(props));
    const web = props.web;
    const ingress = resolveIngress(props, web.stack.name);
    this.ingressName = web.stack.objectName('web');
    this.host = ingress.host;
    this.hosts = [ingress.host, ...ingress.extraHosts];
    const issuer = ingress.tls?.clusterIssuer;
    this.tlsSecretName = ingress.tls?.secretName;
    const ingressNginx = ingress.className === undefined || ingress.className === 'nginx';
    this.annotations = {
      ...(ingressNginx && props.uploadLimit ? { [PROXY_BODY_SIZE]: props.uploadLimit } : {}),
      // The user's own win: they know their controller.
      ...ingress.annotations,
      ...(issuer ? { [CLUSTER_ISSUER]: issuer } : {}),
    };

    new k8s.KubeIngress(this, 'Ingress', {
      metadata: web.stack.metadata('web', 'web', {
        instance: web.workloadName,
        ...(Object.keys(this.annotations).length ? { annotations: sorted(this.annotations) } : {}),
      }),
      spec: {
        ...(ingress.className ? { ingressClassName: ingress.className } : {}),
        ...(this.tlsSecretName ? { tls: [{ hosts: [...this.hosts], secretName: this.tlsSecretName }] } : {}),
        rules: this.hosts.map((host) => ({
          host,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: web.service.name, port: { name: web.servicePort.name } } } }] },
        })),
      },
    });
  }
}

/** A map with its keys in order, so the output does not depend on the order they were written in. */
function sorted(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(map).sort().map((k) => [k, map[k]]));
}
