// Bundled by test/app/utility-port.test.ts with `electron` pointed at fake-electron.ts: the real
// utility port and ENGINE's host, as main/app/engine.ts composes them.
export { createUtilityPort, ENGINE_SERVICE_NAME } from '../../../main/app/utility-port';
export { createEngineHost } from '../../../main/engine/factory';
export { createContext } from '../../../main/service/context';
export { createLogger } from '../../../main/service/log';
export { app } from './fake-electron';
