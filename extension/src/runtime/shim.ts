// The `weft` command the extension puts on its terminals' PATH: a tiny script that runs the selected
// runtime's CLI on VS Code's own Node, or says why there is none. Pure text; written by terminal.ts.
import type { Selection } from './select.js';

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const cmd = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** The files of the shim folder: `weft` (POSIX sh) and, on Windows, `weft.cmd`. */
export function shimFiles(selection: Selection, platform: NodeJS.Platform): Record<string, string> {
  const header = 'weft: the Weft CLI of the VS Code extension (written by the extension; edits are lost)';
  if (!selection.ok) {
    const message = `weft: ${selection.error}`;
    return {
      weft: `#!/bin/sh\n# ${header}\necho ${sh(message)} >&2\nexit 2\n`,
      ...(platform === 'win32'
        ? { 'weft.cmd': `@echo off\r\necho ${message.replace(/[&|<>^%]/g, '^$&')} 1>&2\r\nexit /b 2\r\n` }
        : {}),
    };
  }
  const { command, args } = selection.runtime.cli;
  const r = selection.runtime;
  const about = `runtime: @weft/runtime ${r.version} (${r.origin}) at ${r.root}`;
  return {
    weft: `#!/bin/sh\n# ${header}\n# ${about}\nELECTRON_RUN_AS_NODE=1 exec ${[command, ...args].map(sh).join(' ')} "$@"\n`,
    ...(platform === 'win32'
      ? {
          'weft.cmd': `@echo off\r\nrem ${header}\r\nrem ${about}\r\nset ELECTRON_RUN_AS_NODE=1\r\n${[command, ...args].map(cmd).join(' ')} %*\r\n`,
        }
      : {}),
  };
}
