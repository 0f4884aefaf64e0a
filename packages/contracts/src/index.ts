export * from './agent-api';
export * from './event-names';
export * from './event-payloads';
export * from './realtime-messages';
export * from './screen-pop';
export * from './statistics';
