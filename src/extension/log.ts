import * as vscode from 'vscode';
import { OUTPUT_CHANNEL_NAME } from './constants';

/** The extension's one log; a LogOutputChannel, so users pick the level (Developer: Set Log Level). */
export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  return vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
}

/** An error as one line for the log. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
