import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ConfigIssue, throwIfAny } from './_errors';
import { PythonWebService } from './python-web-service';
import { IngressConfig } from './stack-config';

/** Props of `WebIngress`: the `ingress` section plus the web service it routes to. */
export interface WebIngressProps extends IngressConfig {
  /** The web service whose `http` Service port receives the traffic. */
  readonly web: PythonWebService;
}

/**
 * A `networking.k8s.io/v1` Ingress `<name>-web`: the host, path `/` to the web Service's
 * `http` port, and TLS from an existing Secret or issued by cert-manager.
 */
export class WebIngress extends Construct {
  /** Validates the `ingress` section. */
  public static validate(props: IngressConfig, path = 'ingress'): ConfigIssue[] {
    if (props.tls && !props.tls.secretName && !props.tls.clusterIssuer) {
      return [{ path: `${path}.tls`, message: 'needs secretName or clusterIssuer', value: props.tls, allowed: '{secretName: shop-tls} or {clusterIssuer: letsencrypt-prod}' }];
    }
    return [];
  }

  public readonly host: string;
  /** The TLS Secret, when there is TLS. */
  public readonly tlsSecretName?: string;

  constructor(scope: Construct, id: string, props: WebIngressProps) {
    super(scope, id);
    throwIfAny(WebIngress.validate(props));
    const web = props.web;
    this.host = props.host;
    const issuer = props.tls?.clusterIssuer;
    this.tlsSecretName = props.tls ? props.tls.secretName ?? web.stack.objectName('tls') : undefined;

    new k8s.KubeIngress(this, 'Ingress', {
      metadata: web.stack.metadata('web', 'web', {
        instance: web.workloadName,
        ...(issuer ? { annotations: { 'cert-manager.io/cluster-issuer': issuer } } : {}),
      }),
      spec: {
        ...(props.className ? { ingressClassName: props.className } : {}),
        ...(this.tlsSecretName ? { tls: [{ hosts: [this.host], secretName: this.tlsSecretName }] } : {}),
        rules: [{
          host: this.host,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: web.workloadName, port: { name: 'http' } } } }] },
        }],
      },
    });
  }
}
