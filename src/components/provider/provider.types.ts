/** Public types of `<slm-provider>`. */
export type { DeviceOption, DtypeOption, EngineStatus, LoadProgress, ReadyInfo } from '../../engine/shared/types.js';
