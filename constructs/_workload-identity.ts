/**
 * Azure Workload Identity's webhook injects the federated token only into pods labeled
 * `azure.workload.identity/use: "true"`; IRSA (EKS) and GKE Workload Identity go by the
 * ServiceAccount's annotation alone.
 * @see https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html
 */
export function workloadIdentityPodLabels(serviceAccountAnnotations: Readonly<Record<string, string>>): Record<string, string> {
  return Object.keys(serviceAccountAnnotations).some((k) => k.startsWith('azure.workload.identity/')) ? { 'azure.workload.identity/use': 'true' } : {};
}
