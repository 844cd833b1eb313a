/** The analyzer modules, evaluated on first use (see coreModules.ts for why). */
export type Core = typeof import('./coreModules');

let loading: Promise<Core> | undefined;

export function loadCore(): Promise<Core> {
  loading ??= import('./coreModules');
  return loading;
}
