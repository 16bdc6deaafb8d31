// The Weft launch configuration: F5 without a launch.json, Debug Workflow, Add Launch Configuration. Pure.

export interface WeftLaunchConfiguration {
  type: 'weft';
  request: 'launch';
  name: string;
  program?: string;
  stopOnEntry: boolean;
  [key: string]: unknown;
}

export function launchConfiguration(program: string | undefined): WeftLaunchConfiguration {
  return {
    type: 'weft',
    request: 'launch',
    name: 'Debug workflow',
    ...(program !== undefined ? { program } : {}),
    stopOnEntry: false,
  };
}
