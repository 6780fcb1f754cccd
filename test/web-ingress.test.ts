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

  test('snapshot', () => {
    expect(only(synthStack(stack({ ingress: { host: 'a.example.com', className: 'nginx', tls: { clusterIssuer: 'le' } } })), 'Ingress')).toMatchSnapshot();
  });
});
