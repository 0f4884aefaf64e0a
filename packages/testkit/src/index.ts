export * from './decider-scenario';
export * from './virtual-clock';
