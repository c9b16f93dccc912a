/** enable-rotation: see shared/actions/enable-rotation.ts; the runner and the handler are shared by every action. */
import { enableRotationAction } from '../../shared/actions/enable-rotation.js';
import { type ActionPorts, type ActionSettings, makeActionHandler } from '../../shared/handlers/action-handler.js';

export const makeHandler = (ports: ActionPorts, settings: ActionSettings) => makeActionHandler(enableRotationAction, ports, settings);
