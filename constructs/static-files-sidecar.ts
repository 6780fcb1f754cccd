import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ConfigIssue, throwIfAny } from './_errors';
import { EXPORTER_METRICS_PATH, EXPORTER_RESOURCES, NGINX_EXPORTER, nginxExporterContainer } from './_exporters';
import { MetricsEndpoint } from './_metrics';
import { STUB_STATUS_PATH, renderNginxConf } from './_nginx-conf';
import { ResolvedResources, resourceIssues, toResourceRequirements } from './_resources';
import { pullPolicyFor, restrictedContainerSecurityContext } from './_security';
import { PythonContainerOptions, normalizeMountPath } from './python-pod';
import { PythonWebService } from './python-web-service';
import { DEFAULT_NGINX_RESOURCES, ResolvedStatic, isValidated, resolveStatic } from './resolve-stack';
import { Framework, LogFormat, MediaServe, StaticConfig } from './stack-config';

/** The largest upload the stack lets nginx take (1 TiB); nginx itself stops at its off_t. */
const MAX_UPLOAD_BYTES = 2 ** 40;

/** Bytes of an nginx size (`10m`, `512k`, `1g`, `100`). */
function nginxSizeBytes(size: string): number {
  const m = /^([0-9]+)([kmgKMG]?)$/.exec(size);
  if (!m) return 0;
  return Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
}

/** Where nginx finds the static files, in its own container. */
export const NGINX_STATIC_ROOT = '/var/www/static';
/** Where nginx finds the media files (read-only), in its own container. */
export const NGINX_MEDIA_ROOT = '/var/www/media';
/** Where the init container sees the static emptyDir when it copies from the image. */
const COPY_TARGET = '/static-out';

/** Props of `StaticFilesSidecar`: the `static` section plus the web service it joins. */
export interface StaticFilesSidecarProps extends StaticConfig {
  /** The web service whose pod gets the sidecar. */
  readonly web: PythonWebService;
  /** Media served from this pod volume (mounted read-only in nginx). @default - no media */
  readonly media?: { readonly urlPath: string; readonly volumeName: string; readonly serve: MediaServe };
  /** The access-log format (`logs.format`). @default 'text' */
  readonly logFormat?: LogFormat;
  /** Add an nginx exporter sidecar, reading a `stub_status` that only the pod's loopback reaches. @default false */
  readonly exporter?: boolean;
  /** Paths of the app that nginx answers 404 (the app's metrics on its serving port). @default [] */
  readonly hiddenPaths?: readonly string[];
  /** Other ports of the pod the `stub_status` port must avoid (e.g. the app's metrics port). @default [] */
  readonly otherPorts?: readonly number[];
}

/**
 * An nginx sidecar in the web pod: static files from a shared emptyDir, media from the media
 * volume, everything else proxied to the app on 127.0.0.1. Its complete nginx.conf lives in a
 * ConfigMap `<name>-nginx`, and a checksum of it on the pod template rolls the pods when it
 * changes. An init container from the app image fills the emptyDir, by running the collect
 * command (with the app's env) or by copying a folder of the image. The web Service then
 * targets nginx.
 */
export class StaticFilesSidecar extends Construct {
  /** Validates the `static` section. */
  public static validate(props: StaticConfig, framework: Framework, appPort: number, path = 'static', otherPorts: readonly number[] = []): ConfigIssue[] {
    const resolved = resolveStatic(props, framework);
    const issues: ConfigIssue[] = [...resourceIssues(props.resources, DEFAULT_NGINX_RESOURCES, `${path}.resources`)];
    if (props.collect && props.copyFrom) {
      issues.push({ path: `${path}.copyFrom`, message: 'cannot be combined with collect', value: props.copyFrom, allowed: 'either collect or copyFrom' });
    }
    if (!props.collect && !props.copyFrom && framework !== 'django') {
      issues.push({ path: `${path}.collect`, message: `is required for framework ${framework} (only django has a default), unless copyFrom is given`, allowed: 'collect: {command, outputDir} or copyFrom: /path/in/image' });
    }
    if (resolved.maxUploadSize !== undefined && nginxSizeBytes(resolved.maxUploadSize) > MAX_UPLOAD_BYTES) {
      issues.push({ path: `${path}.maxUploadSize`, message: 'is more than nginx can take as a body size', value: props.maxUploadSize, allowed: 'at most 1024g, e.g. 10m' });
    }
    if (resolved.urlPath === '/') {
      issues.push({ path: `${path}.urlPath`, message: 'cannot be / (nginx proxies everything else to the app)', value: props.urlPath, allowed: 'a prefix such as /static/' });
    }
    const copyFrom = props.copyFrom === undefined ? undefined : normalizeMountPath(props.copyFrom);
    if (copyFrom !== undefined && [COPY_TARGET, '/tmp'].some((m) => copyFrom === m || copyFrom.startsWith(`${m}/`))) {
      issues.push({ path: `${path}.copyFrom`, message: `is where the copy step mounts its own volumes (${COPY_TARGET}, /tmp), not a folder of the image`, value: props.copyFrom, allowed: 'the folder of static files in the image, e.g. /app/static' });
    }
    const port = resolved.port;
    if (port === appPort) {
      const taken = new Set([appPort, ...otherPorts]);
      const suggestion = [8080, 8081, 8082, 8088, 8090, 8880, 9080].find((p) => !taken.has(p));
      issues.push({ path: `${path}.port`, message: `collides with web.port (${appPort}): both containers share the pod's network`, value: port, allowed: `another port${suggestion ? `, e.g. ${suggestion}` : ''}` });
    }
    return issues;
  }

  public readonly urlPath: string;
  public readonly port: number;
  public readonly image: string;
  public readonly resources: ResolvedResources;
  public readonly configMapName: string;
  /** The largest request body nginx accepts, in nginx units (`10m`). */
  public readonly maxUploadSize: string;
  /** The complete nginx.conf. */
  public readonly nginxConf: string;
  /** The loopback port of `stub_status`, when there is an exporter. */
  public readonly statusPort?: number;
  /** The exporter's metrics endpoint, when there is one. */
  public readonly metrics?: MetricsEndpoint;
  /** The resources of each container this adds to the pod (nginx, the exporter). */
  public readonly podResources: readonly ResolvedResources[];

  constructor(scope: Construct, id: string, props: StaticFilesSidecarProps) {
    super(scope, id);
    const web = props.web;
    if (!isValidated(props)) throwIfAny(StaticFilesSidecar.validate(props, web.framework, web.port));
    const resolved = resolveStatic(props, web.framework);
    this.urlPath = resolved.urlPath;
    this.port = resolved.port;
    this.image = resolved.nginxImage;
    this.resources = resolved.resources;
    this.configMapName = web.stack.objectName('nginx');
    this.maxUploadSize = resolved.maxUploadSize;
    if (props.exporter) {
      // The first port from 8081 that no other process of the pod listens on: deterministic.
      const taken = [this.port, web.port, NGINX_EXPORTER.port.port, ...(props.otherPorts ?? [])];
      let status = 8081;
      while (taken.includes(status)) status++;
      this.statusPort = status;
      this.metrics = { port: NGINX_EXPORTER.port.name, path: EXPORTER_METRICS_PATH };
    }
    this.podResources = [this.resources, ...(props.exporter ? [EXPORTER_RESOURCES] : [])];
    this.nginxConf = renderNginxConf({
      port: this.port,
      appPort: web.port,
      staticUrlPath: this.urlPath,
      staticRoot: NGINX_STATIC_ROOT,
      media: props.media ? { urlPath: props.media.urlPath, root: NGINX_MEDIA_ROOT, serve: props.media.serve } : undefined,
      maxUploadSize: this.maxUploadSize,
      tmpDir: '/tmp',
      logFormat: props.logFormat,
      statusPort: this.statusPort,
      hiddenPaths: props.hiddenPaths,
    });

    new k8s.KubeConfigMap(this, 'Config', {
      metadata: web.stack.metadata('nginx', 'web', { instance: web.workloadName }),
      data: { 'nginx.conf': this.nginxConf },
    });

    const pod = web.pod;
    pod.addVolume({ name: 'static', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } });
    pod.addVolume({ name: 'nginx-config', configMap: { name: this.configMapName } });
    pod.addVolume({ name: 'nginx-tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } });
    pod.addInitContainer(this.fillContainer(resolved));
    // The app reads what it collected too: Django's ManifestStaticFilesStorage looks up
    // hashed names in staticfiles.json under STATIC_ROOT at run time.
    if (resolved.collect) pod.addMount('app', { name: 'static', mountPath: resolved.collect.outputDir, readOnly: true });
    // With serve: app, nginx never reads the uploads: it does not mount them.
    pod.addOtherContainer(this.nginxContainer(web, props.media && props.media.serve !== 'app' ? props.media.volumeName : undefined));
    if (this.statusPort !== undefined) pod.addOtherContainer(nginxExporterContainer(`http://127.0.0.1:${this.statusPort}${STUB_STATUS_PATH}`));
    web.addConfigChecksum('nginx', this.nginxConf);
    web.serveThrough(this.port);
  }

  private fillContainer(resolved: ResolvedStatic): PythonContainerOptions {
    if (resolved.copyFrom) {
      // `cp -R src/. dst`: the folder's content, dotfiles included, without needing the shell's globbing.
      return { name: 'copy-static', command: ['cp', '-R', `${resolved.copyFrom.replace(/\/$/, '')}/.`, COPY_TARGET], volumeMounts: [{ name: 'static', mountPath: COPY_TARGET }] };
    }
    const collect = resolved.collect!;
    return { name: 'collect-static', command: collect.command, volumeMounts: [{ name: 'static', mountPath: collect.outputDir }] };
  }

  private nginxContainer(web: PythonWebService, mediaVolume?: string): k8s.Container {
    const port = k8s.IntOrString.fromString(web.servingPortName);
    const health = { path: '/nginx-health', port, scheme: 'HTTP' };
    return {
      name: 'nginx',
      image: this.image,
      imagePullPolicy: pullPolicyFor(this.image),
      // Straight to nginx: the image's entrypoint scripts rewrite files under /etc/nginx,
      // which is read-only here and replaced by our complete nginx.conf anyway.
      command: ['nginx', '-g', 'daemon off;'],
      ports: [{ name: web.servingPortName, containerPort: this.port, protocol: 'TCP' }],
      resources: toResourceRequirements(this.resources),
      securityContext: restrictedContainerSecurityContext(),
      readinessProbe: { httpGet: health, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
      livenessProbe: { tcpSocket: { port }, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 },
      // Keep serving while the endpoints drain, then finish in-flight requests gracefully.
      lifecycle: { preStop: { exec: { command: ['sh', '-c', `sleep ${web.drainSeconds}; nginx -s quit; sleep 20`] } } },
      volumeMounts: [
        { name: 'nginx-config', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', readOnly: true },
        { name: 'nginx-tmp', mountPath: '/tmp' },
        { name: 'static', mountPath: NGINX_STATIC_ROOT, readOnly: true },
        ...(mediaVolume ? [{ name: mediaVolume, mountPath: NGINX_MEDIA_ROOT, readOnly: true }] : []),
      ],
    };
  }
}
