export * from './sim-types';
export * from './sim-config';
export type { FaultMode, FaultSpec, Fault } from './sim-faults';
export type { LoggedRequest } from './sim-request-log';
export type { TokenCheck } from './sim-tokens';
export {
  createDmsSimulator,
  DMS_PARTIAL_CREDIT_PREFIX,
  DMS_SERVICE_ERROR_PREFIX,
  type DmsErrorCode,
} from './dms.simulator';
export {
  createGepSmartSimulator,
  GEP_SMART_PATHS,
  type GepBatchAnswer,
} from './gep-smart.simulator';
export { createGepQuantumSimulator, GEP_QUANTUM_PATHS } from './gep-quantum.simulator';
export {
  createDeliverySolutionsSimulator,
  DELIVERY_SOLUTIONS_PATHS,
  DS_MAGIC,
  DS_SIM_WARNING,
  type DsErrorBody,
  type DsErrorType,
} from './delivery-solutions.simulator';
export { GEP_MAGIC, gepExpiresMinutes } from './gep-common';
export { startSimulators, type RunningSimulators, type SimulatorToStart } from './start-all';
export { buildSimulator, type SimulatorDefinition } from './sim-server';
export type { TokenStore, TokenFormat } from './sim-tokens';
export { isRecord, safeEqual, header, bearerToken } from './sim-http';
