export * from './stack-config';
export * from './_errors';
export * from './_identity';
export * from './app-secrets';
export * from './database-migration';
export * from './postgres-database';
export * from './python-web-service';
export * from './python-web-stack';
