/**
 * The stack file's format: one YAML file is one stack (`PythonWebStackProps`), plus the keys
 * only the command line reads: `$schema` for editors, and `targets`, which it expands into one
 * stack per deploy target (`targets.ts`) before anything is validated or built. The published
 * JSON Schema (`schema/stack.schema.json`, `npm run schema`) is generated from `StackConfig`.
 */
import { DnsLabel, Environment, PythonWebStackProps, Region } from '../../constructs';

/** One stack file. */
export interface StackConfig extends PythonWebStackProps {
  /** JSON Schema reference for editors; ignored. @default - none */
  readonly $schema?: string;
  /**
   * Deploy targets: each key is a target and an output folder (`<outdir>/<target>/`); its value
   * overrides the stack (maps merge, lists and scalars replace), and the result is validated as
   * a whole stack. The command line expands targets; `PythonWebStack` takes one target's props.
   * Leave the key out for one target; an empty mapping is refused, as it would write nothing.
   * @minProperties 1
   * @keyNoun target
   * @allowed at least one target, or no targets key for one target named after the environment
   * @default - one target, named after `environment`
   */
  readonly targets?: { [target: DnsLabel]: TargetOverrides };
}

/**
 * What a deploy target changes: any key of the stack file but `$schema`, `name` and `targets`,
 * merged over the stack (maps merge, lists and scalars replace; `false` turns a section off).
 * Only the keys are checked here; the values are checked in the merged stack, target by
 * target. (`name` and `targets` are let through the schema so that the command line can say
 * that a target cannot override them.)
 */
export interface TargetOverrides {
  /** The target's namespace. @default - the stack's */
  readonly namespace?: unknown;
  /** The target's environment. @default - the stack's */
  readonly environment?: Environment;
  /** The target's region. @default - the stack's */
  readonly region?: Region;
  /** Labels merged over the stack's. @default - the stack's */
  readonly labels?: unknown;
  /** Merged over the stack's `web`. @default - the stack's */
  readonly web?: unknown;
  /** Merged over the stack's `static`, or `false`. @default - the stack's */
  readonly static?: unknown;
  /** Merged over the stack's `media`, or `false`. @default - the stack's */
  readonly media?: unknown;
  /** Merged over the stack's `volumes`. @default - the stack's */
  readonly volumes?: unknown;
  /** Merged over the stack's `database`, or `false`. @default - the stack's */
  readonly database?: unknown;
  /** Merged over the stack's `redis`, or `false`. @default - the stack's */
  readonly redis?: unknown;
  /** Merged over the stack's `workers`. @default - the stack's */
  readonly workers?: unknown;
  /** Merged over the stack's `schedules`. @default - the stack's */
  readonly schedules?: unknown;
  /** Merged over the stack's `secrets`. @default - the stack's */
  readonly secrets?: unknown;
  /** Merged over the stack's `ingress`, or `false`. @default - the stack's */
  readonly ingress?: unknown;
  /** Merged over the stack's `networkPolicy`. @default - the stack's */
  readonly networkPolicy?: unknown;
  /** Merged over the stack's `resourceQuota`, or `false`. @default - the stack's */
  readonly resourceQuota?: unknown;
  /** Merged over the stack's `serviceAccount`. @default - the stack's */
  readonly serviceAccount?: unknown;
  /** Merged over the stack's `monitoring`, or `false`. @default - the stack's */
  readonly monitoring?: unknown;
  /** Merged over the stack's `logs`. @default - the stack's */
  readonly logs?: unknown;
}
