import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { checksum } from './_checksum';
import { ConfigIssue, throwIfAny } from './_errors';
import { renderNginxConf } from './_nginx-conf';
import { ResolvedResources, resolveResources, resourceIssues, toResourceRequirements } from './_resources';
import { pullPolicyFor, restrictedContainerSecurityContext } from './_security';
import { PythonWebService } from './python-web-service';
import { Framework, MediaServe, StaticCollectConfig, StaticConfig } from './stack-config';

/** Where nginx finds the static files, in its own container. */
export const NGINX_STATIC_ROOT = '/var/www/static';
/** Where nginx finds the media files (read-only), in its own container. */
export const NGINX_MEDIA_ROOT = '/var/www/media';
/** Where the init container sees the static emptyDir when it copies from the image. */
const COPY_TARGET = '/static-out';

/** Defaults of the nginx container's resources. */
export const DEFAULT_NGINX_RESOURCES: ResolvedResources = {
  requests: { cpu: '50m', memory: '32Mi' },
  limits: { cpu: '250m', memory: '64Mi' },
};

/** The collect step django gets without being told. */
export const DJANGO_COLLECT: StaticCollectConfig = {
  command: ['python', 'manage.py', 'collectstatic', '--noinput'],
  outputDir: '/app/staticfiles',
};

/** Props of `StaticFilesSidecar`: the `static` section plus the web service it joins. */
export interface StaticFilesSidecarProps extends StaticConfig {
  /** The web service whose pod gets the sidecar. */
  readonly web: PythonWebService;
  /** Media served from this pod volume (mounted read-only in nginx). @default - no media */
  readonly media?: { readonly urlPath: string; readonly volumeName: string; readonly serve: MediaServe };
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
  public static validate(props: StaticConfig, framework: Framework, appPort: number, path = 'static'): ConfigIssue[] {
    const issues: ConfigIssue[] = [...resourceIssues(props.resources, DEFAULT_NGINX_RESOURCES, `${path}.resources`)];
    if (props.collect && props.copyFrom) {
      issues.push({ path: `${path}.copyFrom`, message: 'cannot be combined with collect', value: props.copyFrom, allowed: 'either collect or copyFrom' });
    }
    if (!props.collect && !props.copyFrom && framework !== 'django') {
      issues.push({ path: `${path}.collect`, message: `is required for framework ${framework} (only django has a default), unless copyFrom is given`, allowed: 'collect: {command, outputDir} or copyFrom: /path/in/image' });
    }
    if ((props.urlPath ?? '/static/') === '/') {
      issues.push({ path: `${path}.urlPath`, message: 'cannot be / (nginx proxies everything else to the app)', value: props.urlPath, allowed: 'a prefix such as /static/' });
    }
    const copyFrom = props.copyFrom?.replace(/\/+$/, '');
    if (copyFrom !== undefined && [COPY_TARGET, '/tmp'].some((m) => copyFrom === m || copyFrom.startsWith(`${m}/`))) {
      issues.push({ path: `${path}.copyFrom`, message: `is where the copy step mounts its own volumes (${COPY_TARGET}, /tmp), not a folder of the image`, value: props.copyFrom, allowed: 'the folder of static files in the image, e.g. /app/static' });
    }
    const port = props.port ?? 8080;
    if (port === appPort) {
      issues.push({ path: `${path}.port`, message: `collides with web.port (${appPort}): both containers share the pod's network`, value: port, allowed: `another port, e.g. ${appPort === 8080 ? 8081 : 8080}` });
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

  constructor(scope: Construct, id: string, props: StaticFilesSidecarProps) {
    super(scope, id);
    const web = props.web;
    throwIfAny(StaticFilesSidecar.validate(props, web.framework, web.port));
    this.urlPath = props.urlPath ?? '/static/';
    this.port = props.port ?? 8080;
    this.image = props.nginxImage ?? 'nginxinc/nginx-unprivileged:1.27.3-alpine';
    this.resources = resolveResources(props.resources, DEFAULT_NGINX_RESOURCES);
    this.configMapName = web.stack.objectName('nginx');
    this.maxUploadSize = props.maxUploadSize ?? '10m';
    this.nginxConf = renderNginxConf({
      port: this.port,
      appPort: web.port,
      staticUrlPath: this.urlPath,
      staticRoot: NGINX_STATIC_ROOT,
      media: props.media ? { urlPath: props.media.urlPath, root: NGINX_MEDIA_ROOT, serve: props.media.serve } : undefined,
      maxUploadSize: this.maxUploadSize,
      tmpDir: '/tmp',
    });

    new k8s.KubeConfigMap(this, 'Config', {
      metadata: web.stack.metadata('nginx', 'web', { instance: web.workloadName }),
      data: { 'nginx.conf': this.nginxConf },
    });

    web.addVolume({ name: 'static', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } });
    web.addVolume({ name: 'nginx-config', configMap: { name: this.configMapName } });
    web.addVolume({ name: 'nginx-tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } });
    web.addInitContainer(this.fillContainer(props));
    // With serve: app, nginx never reads the uploads: it does not mount them.
    web.addSidecar(this.nginxContainer(web, props.media && props.media.serve !== 'app' ? props.media.volumeName : undefined));
    web.addPodAnnotation('checksum/nginx', checksum(this.nginxConf));
    web.serveThrough('http');
  }

  private fillContainer(props: StaticFilesSidecarProps): k8s.Container {
    const web = props.web;
    if (props.copyFrom) {
      // `cp -R src/. dst`: the folder's content, dotfiles included, without needing the shell's globbing.
      return web.appLikeContainer('copy-static', ['cp', '-R', `${props.copyFrom.replace(/\/$/, '')}/.`, COPY_TARGET], [{ name: 'static', mountPath: COPY_TARGET }]);
    }
    const collect = props.collect ?? DJANGO_COLLECT;
    // The app reads what it collected too: Django's ManifestStaticFilesStorage looks up
    // hashed names in staticfiles.json under STATIC_ROOT at run time.
    web.addAppVolumeMount({ name: 'static', mountPath: collect.outputDir, readOnly: true });
    return web.appLikeContainer('collect-static', collect.command, [{ name: 'static', mountPath: collect.outputDir }]);
  }

  private nginxContainer(web: PythonWebService, mediaVolume?: string): k8s.Container {
    const health = { path: '/nginx-health', port: k8s.IntOrString.fromString('http'), scheme: 'HTTP' };
    return {
      name: 'nginx',
      image: this.image,
      imagePullPolicy: pullPolicyFor(this.image),
      // Straight to nginx: the image's entrypoint scripts rewrite files under /etc/nginx,
      // which is read-only here and replaced by our complete nginx.conf anyway.
      command: ['nginx', '-g', 'daemon off;'],
      ports: [{ name: 'http', containerPort: this.port, protocol: 'TCP' }],
      resources: toResourceRequirements(this.resources),
      securityContext: restrictedContainerSecurityContext(),
      readinessProbe: { httpGet: health, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('http') }, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 },
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
