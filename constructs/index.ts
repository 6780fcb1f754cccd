export * from './stack-config';
export * from './_errors';
export * from './_identity';
export * from './python-web-service';
export * from './python-web-stack';
