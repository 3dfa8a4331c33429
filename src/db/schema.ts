export * from '../access/schema.ts';
export * from '../audit/schema.ts';
export * from '../channels/schema.ts';
export * from '../dunning/schema.ts';
export * from '../imports/schema.ts';
export * from '../jobs/schema.ts';
export * from '../payments/schema.ts';
export * from '../portfolio/schema.ts';
