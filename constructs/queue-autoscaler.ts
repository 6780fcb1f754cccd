import { Construct } from 'constructs';
import * as keda from '../imports/scaledobjects-keda.sh';
import * as kedaAuth from '../imports/triggerauthentications-keda.sh';
import * as k8s from '../imports/k8s';
import { StackIdentity } from './_identity';
import { SecretKeyRef } from './app-secrets';

/** Props of `QueueAutoscaler`. */
export interface QueueAutoscalerProps {
  /** Names, namespace and labels. */
  readonly stack: StackIdentity;
  /** The Deployment to scale; its name is also the name of the KEDA objects. */
  readonly deploymentName: string;
  /** Metadata of the KEDA objects (the worker's). */
  readonly metadata: k8s.ObjectMeta;
  /** The Redis list the worker consumes. */
  readonly listName: string;
  /** Waiting jobs per pod that KEDA aims for. */
  readonly listLength: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The Redis Service (in the stack's namespace) and its port. */
  readonly redis: { readonly host: string; readonly port: number };
  /** Where KEDA reads the Redis password. */
  readonly password: SecretKeyRef;
}

/**
 * Scales a worker Deployment by the length of its Redis queue: a KEDA `ScaledObject` with the
 * `redis` trigger, and a `TriggerAuthentication` that reads the Redis password from the stack's
 * Secret (KEDA's operator reads it; nothing is copied). KEDA owns the HorizontalPodAutoscaler it
 * creates (`keda-hpa-<name>`), so the stack emits none, and the Deployment leaves `replicas`
 * unset. With `minReplicas: 0`, KEDA itself starts the first pod when jobs arrive.
 * @see https://keda.sh/docs/latest/scalers/redis-lists/
 */
export class QueueAutoscaler extends Construct {
  public readonly scaledObject: keda.ScaledObject;

  constructor(scope: Construct, id: string, props: QueueAutoscalerProps) {
    super(scope, id);
    const auth = new kedaAuth.TriggerAuthentication(this, 'TriggerAuthentication', {
      metadata: props.metadata,
      spec: { secretTargetRef: [{ parameter: 'password', name: props.password.name, key: props.password.key }] },
    });
    this.scaledObject = new keda.ScaledObject(this, 'ScaledObject', {
      metadata: props.metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deploymentName },
        minReplicaCount: props.minReplicas,
        maxReplicaCount: props.maxReplicas,
        // How often KEDA reads the queue, and how long an idle queue waits before scaling to the minimum.
        pollingInterval: 15,
        cooldownPeriod: 300,
        triggers: [{
          type: 'redis',
          metadata: {
            address: `${props.redis.host}.${props.stack.namespace}.svc:${props.redis.port}`,
            listName: props.listName,
            listLength: String(props.listLength),
            databaseIndex: '0',
          },
          authenticationRef: { name: auth.name },
        }],
      },
    });
  }
}
