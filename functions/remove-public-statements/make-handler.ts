/** remove-public-statements: see shared/actions/remove-public-statements.ts; the runner and the handler are shared by every action. */
import { removePublicStatementsAction } from '../../shared/actions/remove-public-statements.js';
import { type ActionPorts, type ActionSettings, makeActionHandler } from '../../shared/handlers/action-handler.js';

export const makeHandler = (ports: ActionPorts, settings: ActionSettings) => makeActionHandler(removePublicStatementsAction, ports, settings);
