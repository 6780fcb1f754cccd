import { only, stack, synthStack } from './_helpers';

const policies = (objects: any[]) => objects.filter((o) => o.kind === 'NetworkPolicy');
const full = (extra: any = {}) => synthStack(stack({ web: { image: 'a/b:1', framework: 'django' }, database: {}, secrets: { source: 'generated' }, static: {}, ...extra }));

describe('StackNetworkPolicies', () => {
  test('default deny for the whole namespace, Ingress and Egress', () => {
    const deny = only(policies(full()), 'NetworkPolicy', 'shop-default-deny');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('every workload is selected by a policy of its own with both policy types and rules', () => {
    const objects = full();
    for (const workload of objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))) {
      const labels = workload.spec.template.metadata.labels;
      const own = policies(objects).filter((p) => Object.keys(p.spec.podSelector.matchLabels ?? {}).length > 0
        && Object.entries(p.spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v));
      expect({ workload: workload.metadata.name, count: own.length }).toEqual({ workload: workload.metadata.name, count: 1 });
      expect(own[0].spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(own[0].spec.ingress.length).toBeGreaterThan(0);
      expect(own[0].spec.egress.length).toBeGreaterThan(0);
    }
  });

  test('web is reachable on its Service port from the ingress controller namespace and from within the namespace', () => {
    const web = only(policies(full()), 'NetworkPolicy', 'shop-web');
    expect(web.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }, { podSelector: {} }],
      ports: [{ protocol: 'TCP', port: 'http' }],
    }]);
    const custom = only(policies(full({ networkPolicy: { ingressControllerNamespace: 'traefik' } })), 'NetworkPolicy', 'shop-web');
    expect(custom.spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('traefik');
  });

  test('web egress: DNS, the database only on 5432, the internet on 443 by default', () => {
    const objects = full();
    const web = only(policies(objects), 'NetworkPolicy', 'shop-web');
    const db = { 'app.kubernetes.io/instance': 'shop-postgres' };
    expect(only(objects, 'StatefulSet').spec.template.metadata.labels).toMatchObject(db);
    expect(web.spec.egress).toEqual([
      { to: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
      { to: [{ podSelector: { matchLabels: db } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });

  test('internet egress can be turned off or set to other ports', () => {
    const off = only(policies(full({ networkPolicy: { internetEgressPorts: false } })), 'NetworkPolicy', 'shop-web');
    expect(JSON.stringify(off.spec.egress)).not.toContain('0.0.0.0/0');
    const ports = only(policies(full({ networkPolicy: { internetEgressPorts: [443, 5432] } })), 'NetworkPolicy', 'shop-web');
    expect(ports.spec.egress[2].ports.map((p: any) => p.port)).toEqual([443, 5432]);
  });

  test('the database admits only web and migration pods, and may only resolve names', () => {
    const pg = only(policies(full()), 'NetworkPolicy', 'shop-postgres');
    expect(pg.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(pg.spec.egress).toEqual([{ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }]);
  });

  test('snapshot', () => {
    expect(policies(full())).toMatchSnapshot();
  });

  describe('networkPolicy.egress', () => {
    test('each destination is allowed to web and migration pods on its ports only, before the internet rule', () => {
      const objects = full({ networkPolicy: { egress: [{ cidr: '10.30.0.0/16', ports: [6379] }, { cidr: 'fd00::/64', ports: [25, 587] }] } });
      for (const name of ['shop-web', 'shop-migrate']) {
        const egress = only(policies(objects), 'NetworkPolicy', name).spec.egress;
        expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: [{ protocol: 'TCP', port: 6379 }] });
        expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: 'fd00::/64' } }], ports: [{ protocol: 'TCP', port: 25 }, { protocol: 'TCP', port: 587 }] });
        // The internet rule stays last and unchanged: 6379 is not opened to the world.
        expect(egress[egress.length - 1].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
      }
    });

    test('fails if a cidr has host bits, is not an address, or a port is listed twice', () => {
      const egress = (rule: any) => () => full({ networkPolicy: { egress: [rule] } });
      expect(egress({ cidr: '10.30.1.0/16', ports: [6379] })).toThrow(/networkPolicy\.egress\[0\]\.cidr: has bits set after the prefix length: the network is 10\.30\.0\.0\/16 \(got "10\.30\.1\.0\/16"\)/);
      expect(egress({ cidr: 'fd00::1/64', ports: [6379] })).toThrow(/networkPolicy\.egress\[0\]\.cidr: has bits set after the prefix length: the network is fd00:0:0:0:0:0:0:0\/64/);
      expect(egress({ cidr: '300.1.1.0/24', ports: [6379] })).toThrow(/networkPolicy\.egress\[0\]\.cidr: is not an IPv4 or IPv6 address/);
      expect(egress({ cidr: '10.0.0.0', ports: [6379] })).toThrow(/networkPolicy\.egress\[0\]\.cidr: has the wrong format/);
      expect(egress({ cidr: '10.0.0.0/8', ports: [] })).toThrow(/networkPolicy\.egress\[0\]\.ports: must have at least one item/);
      expect(egress({ cidr: '10.0.0.0/8', ports: [25, 25] })).toThrow(/networkPolicy\.egress\[0\]\.ports\[1\]: is listed twice/);
    });
  });
});
