import { only, stack, synthStack } from './_helpers';

describe('WebIngress', () => {
  test('networking.k8s.io/v1, className, host, path / to the web Service http port', () => {
    const objects = synthStack(stack({ ingress: { host: 'shop.example.com', className: 'nginx' } }));
    const ingress = only(objects, 'Ingress');
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata.name).toBe('shop-web');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.rules).toEqual([{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop-web', port: { name: 'http' } } } }] } }]);
    // The backend names a Service and port that exist.
    expect(only(objects, 'Service', 'shop-web').spec.ports.map((p: any) => p.name)).toContain('http');
    expect(ingress.spec.tls).toBeUndefined();
  });

  test('TLS from an existing Secret', () => {
    const ingress = only(synthStack(stack({ ingress: { host: 'a.example.com', tls: { secretName: 'a-cert' } } })), 'Ingress');
    expect(ingress.spec.tls).toEqual([{ hosts: ['a.example.com'], secretName: 'a-cert' }]);
    expect(ingress.metadata.annotations['cert-manager.io/cluster-issuer']).toBeUndefined();
  });

  test('TLS via cert-manager: the cluster-issuer annotation and a generated secret name', () => {
    const ingress = only(synthStack(stack({ ingress: { host: 'a.example.com', tls: { clusterIssuer: 'letsencrypt-prod' } } })), 'Ingress');
    expect(ingress.metadata.annotations).toMatchObject({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
    expect(ingress.spec.tls).toEqual([{ hosts: ['a.example.com'], secretName: 'shop-tls' }]);
  });

  test('fails if tls names neither a Secret nor an issuer', () => {
    expect(() => synthStack(stack({ ingress: { host: 'a.example.com', tls: {} } }))).toThrow(/ingress\.tls: needs secretName or clusterIssuer/);
  });

  test('extraHosts: a rule per host, each to the web Service, all on the certificate', () => {
    const ingress = only(synthStack(stack({ ingress: { host: 'shop.example.com', extraHosts: ['www.shop.example.com'], tls: { clusterIssuer: 'le' } } })), 'Ingress');
    expect(ingress.spec.rules.map((r: any) => r.host)).toEqual(['shop.example.com', 'www.shop.example.com']);
    expect(ingress.spec.rules[1].http.paths[0].backend).toEqual({ service: { name: 'shop-web', port: { name: 'http' } } });
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com', 'www.shop.example.com'], secretName: 'shop-tls' }]);
  });

  test('fails if an extra host repeats the host or another extra host', () => {
    expect(() => synthStack(stack({ ingress: { host: 'a.example.com', extraHosts: ['a.example.com'] } }))).toThrow(/ingress\.extraHosts\[0\]: is ingress\.host already/);
    expect(() => synthStack(stack({ ingress: { host: 'a.example.com', extraHosts: ['b.example.com', 'b.example.com'] } }))).toThrow(/ingress\.extraHosts\[1\]: is listed twice/);
  });

  test('annotations go on the Ingress, in key order, beside the stack\'s own', () => {
    const ingress = only(synthStack(stack({ ingress: { host: 'a.example.com', tls: { clusterIssuer: 'le' }, annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '120', 'a.example.com/x': 'y' } } })), 'Ingress');
    expect(Object.keys(ingress.metadata.annotations)).toEqual(['a.example.com/x', 'argocd.argoproj.io/sync-wave', 'cert-manager.io/cluster-issuer', 'nginx.ingress.kubernetes.io/proxy-read-timeout']);
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('120');
  });

  test('fails if an annotation key is invalid or one the stack sets itself', () => {
    expect(() => synthStack(stack({ ingress: { host: 'a.example.com', annotations: { 'bad key': 'x' } } }))).toThrow(/ingress\.annotations\["bad key"\]: is not a valid annotation key/);
    expect(() => synthStack(stack({ ingress: { host: 'a.example.com', annotations: { 'cert-manager.io/cluster-issuer': 'le' } } }))).toThrow(/ingress\.annotations\["cert-manager\.io\/cluster-issuer"\]: is set by the stack itself \(allowed: remove it and set ingress\.tls\.clusterIssuer\)/);
  });

  describe('ingress-nginx body size in step with static.maxUploadSize', () => {
    const body = (ingress: object, maxUploadSize?: string) => only(synthStack(stack({ static: { copyFrom: '/app/static', ...(maxUploadSize ? { maxUploadSize } : {}) }, ingress: { host: 'a.example.com', ...ingress } })), 'Ingress').metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size'];

    test('className nginx or none: the sidecar\'s limit (its default 10m, where ingress-nginx refuses above 1m)', () => {
      expect(body({ className: 'nginx' }, '50m')).toBe('50m');
      expect(body({})).toBe('10m');
    });

    test('another controller, or no sidecar: no ingress-nginx annotation', () => {
      expect(body({ className: 'traefik' }, '50m')).toBeUndefined();
      expect(only(synthStack(stack({ ingress: { host: 'a.example.com' } })), 'Ingress').metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size']).toBeUndefined();
    });

    test('the user\'s own annotation wins', () => {
      expect(body({ annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '0' } }, '50m')).toBe('0');
    });
  });

  test('snapshot', () => {
    expect(only(synthStack(stack({ ingress: { host: 'a.example.com', className: 'nginx', tls: { clusterIssuer: 'le' } } })), 'Ingress')).toMatchSnapshot();
  });
});
