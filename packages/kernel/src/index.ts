export * from './assert-never';
export * from './decider';
export * from './event';
export * from './ids';
export * from './ports';
export * from './rejection';
export * from './result';
export * from './seeded-random';
