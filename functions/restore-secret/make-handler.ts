/** restore-secret: see shared/actions/restore-secret.ts; the runner and the handler are shared by every action. */
import { restoreSecretAction } from '../../shared/actions/restore-secret.js';
import { type ActionPorts, type ActionSettings, makeActionHandler } from '../../shared/handlers/action-handler.js';

export const makeHandler = (ports: ActionPorts, settings: ActionSettings) => makeActionHandler(restoreSecretAction, ports, settings);
