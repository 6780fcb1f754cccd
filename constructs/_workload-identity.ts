/**
 * Azure Workload Identity's webhook injects the federated token only into pods labeled
 * `azure.workload.identity/use: "true"`; IRSA (EKS) and GKE Workload Identity go by the
 * ServiceAccount's annotation alone.
 * @see https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html
 */
export function workloadIdentityPodLabels(serviceAccountAnnotations: Readonly<Record<string, string>>): Record<string, string> {
  return Object.keys(serviceAccountAnnotations).some((k) => k.startsWith('azure.workload.identity/')) ? { 'azure.workload.identity/use': 'true' } : {};
}

/** The cloud of an object store (CloudNativePG backups). */
export type ObjectStoreCloud = 's3' | 'gs' | 'azure';

/** The cloud of an object store by its `destinationPath`: `s3://`, `gs://`, else Azure Blob Storage (the schema allows these three). */
export function objectStoreCloud(destinationPath: string): ObjectStoreCloud {
  return destinationPath.startsWith('gs://') ? 'gs' : destinationPath.startsWith('s3://') ? 's3' : 'azure';
}

/** The ServiceAccount annotation that gives pods each cloud's identity: IRSA, GKE Workload Identity, Azure Workload Identity. */
export const WORKLOAD_IDENTITY_ANNOTATION: Readonly<Record<ObjectStoreCloud, string>> = {
  s3: 'eks.amazonaws.com/role-arn',
  gs: 'iam.gke.io/gcp-service-account',
  azure: 'azure.workload.identity/client-id',
};
