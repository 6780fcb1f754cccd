export * from './stack-config';
// From the private helper modules, only what a user of the constructs needs: the error type and
// the stack identity every construct takes.
export { ConfigError, formatIssue } from './_errors';
export type { ConfigIssue } from './_errors';
export { StackIdentity } from './_identity';
export type { Component, MetadataOptions, StackIdentityProps } from './_identity';
export * from './app-secrets';
export * from './background-worker';
export * from './cron-schedule';
export * from './database-migration';
export * from './media-volume';
export * from './namespace-resource-policy';
export * from './postgres-database';
export * from './python-web-service';
export * from './python-pod';
export * from './python-web-stack';
export * from './queue-autoscaler';
export * from './redis-server';
export * from './resolve-background';
export * from './secret-detector';
export * from './stack-network-policies';
export * from './static-files-sidecar';
export * from './resolve-stack';
export * from './web-ingress';
