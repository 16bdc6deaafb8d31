// The standalone debug adapter: `node extension/out/debug-adapter.js` speaks DAP on stdin/stdout
// (nvim-dap, other editors, the adapter tests). The extension loads the same bundle for its inline adapter.
import type { DebugSession } from '@vscode/debugadapter';
import { WeftDebugSession } from './session.js';

export { WeftDebugSession };

if (require.main === module) WeftDebugSession.run(WeftDebugSession as unknown as typeof DebugSession);
