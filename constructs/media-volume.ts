import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ConfigIssue, throwIfAny } from './_errors';
import { MAX_VOLUME_BYTES, isQuantity, parseQuantity } from './_quantity';
import { PythonWebService } from './python-web-service';
import { isValidated, resolveMedia } from './resolve-stack';
import { MediaAccessMode, MediaConfig, MediaServe } from './stack-config';

/** Props of `MediaVolume`: the `media` section plus the web service that mounts it. */
export interface MediaVolumeProps extends MediaConfig {
  /** The web service whose app container mounts the volume read-write. */
  readonly web: PythonWebService;
}

/**
 * User uploads on a PersistentVolumeClaim `<name>-media`, mounted read-write in the app at
 * `mountPath`. The claim is its own object, so nothing that happens to the Deployment deletes it.
 */
export class MediaVolume extends Construct {
  /** Validates the `media` section against the web section it is mounted into. */
  public static validate(props: MediaConfig, maxWebPods: number, path = 'media'): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    if (props.size !== undefined && isQuantity(props.size) && parseQuantity(props.size) < 2 ** 20) {
      issues.push({ path: `${path}.size`, message: 'is too small for a volume', value: props.size, allowed: 'e.g. 1Gi or 10Gi' });
    } else if (props.size !== undefined && isQuantity(props.size) && !(parseQuantity(props.size) <= MAX_VOLUME_BYTES)) {
      issues.push({ path: `${path}.size`, message: 'is more than any storage class provides (1Pi)', value: props.size, allowed: 'at most 1Pi, e.g. 10Gi' });
    }
    if (props.mountPath === '/') issues.push({ path: `${path}.mountPath`, message: "cannot be the container's root", value: props.mountPath, allowed: 'a folder such as /app/media' });
    const { accessMode } = resolveMedia(props);
    const maxPods = maxWebPods;
    if (accessMode === 'ReadWriteOnce' && maxPods > 1) {
      issues.push({
        path: `${path}.accessMode`,
        message: `ReadWriteOnce binds the volume to one node, but the web service may run ${maxPods} pods, which the scheduler spreads across nodes and which then cannot start`,
        value: accessMode,
        allowed: 'ReadWriteMany (a storage class such as NFS, EFS, CephFS or Azure Files), or web.autoscaling: false with web.replicas: 1',
      });
    }
    return issues;
  }

  public readonly claimName: string;
  public readonly size: string;
  public readonly accessMode: MediaAccessMode;
  public readonly mountPath: string;
  public readonly urlPath: string;
  /** Who may fetch uploads through the nginx sidecar. */
  public readonly serve: MediaServe;
  /** The pod volume's name. */
  public readonly volumeName = 'media';

  constructor(scope: Construct, id: string, props: MediaVolumeProps) {
    super(scope, id);
    const web = props.web;
    if (!isValidated(props)) throwIfAny(MediaVolume.validate(props, web.maxReplicas));
    const media = resolveMedia(props);
    this.size = media.size;
    this.accessMode = media.accessMode;
    this.mountPath = media.mountPath;
    this.urlPath = media.urlPath;
    this.serve = media.serve;
    this.claimName = web.stack.objectName('media');

    new k8s.KubePersistentVolumeClaim(this, 'Claim', {
      metadata: web.stack.metadata('media', 'web', { instance: web.workloadName }),
      spec: {
        accessModes: [this.accessMode],
        ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(this.size) } },
      },
    });
    web.pod.addVolume({ name: this.volumeName, persistentVolumeClaim: { claimName: this.claimName } });
    web.pod.addMount('app', { name: this.volumeName, mountPath: this.mountPath });
    if (this.accessMode === 'ReadWriteOnce') web.replacePodsInPlace();
  }
}
