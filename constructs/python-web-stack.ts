import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ConfigIssue, throwIfAny } from './_errors';
import { StackIdentity } from './_identity';
import { PythonWebService } from './python-web-service';
import { StackConfig } from './stack-config';

/** Props of `PythonWebStack`: exactly the stack file. */
export type PythonWebStackProps = StackConfig;

/**
 * One Python web stack, one chart, one output file: the namespace and everything the app
 * needs in it, wired together from a single stack file.
 */
export class PythonWebStack extends Chart {
  /** Every semantic problem of a stack (the structural ones are the JSON Schema's). */
  public static validate(props: PythonWebStackProps): ConfigIssue[] {
    return [...PythonWebService.validate(props.web, 'web')];
  }

  public readonly stack: StackIdentity;
  public readonly web: PythonWebService;

  constructor(scope: Construct, id: string, props: PythonWebStackProps) {
    super(scope, id, { disableResourceNameHashes: true });
    throwIfAny(PythonWebStack.validate(props));
    this.stack = new StackIdentity(props);

    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: this.stack.namespace,
        labels: {
          ...this.stack.labels('namespace', this.stack.name),
          // Make the cluster enforce what our output already satisfies.
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });

    this.web = new PythonWebService(this, 'Web', { ...props.web, stack: this.stack });
  }
}
