/** The suffix of a rendered manifest file. */
export const MANIFEST_SUFFIX = '.k8s.yaml';

/**
 * Where a stack's manifests go below the output folder: `<target>/<name>.k8s.yaml`, one folder
 * per deploy target. The render writes there, the duplicate check and `plan` look there.
 */
export function manifestPath(target: string, stackName: string): string {
  return `${target}/${stackName}${MANIFEST_SUFFIX}`;
}
