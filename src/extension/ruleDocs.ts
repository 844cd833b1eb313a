import * as vscode from 'vscode';
import { ruleDocsUrl } from '../core/docs';
import { RULE_IDS, type RuleId } from '../core/types';
import { CommandId } from './constants';
import type { Log } from './log';

/** Registers `poolLens.showRuleDocs <ruleId>`, which opens the rule's documentation page. */
export function registerShowRuleDocs(log: Log): vscode.Disposable {
  return vscode.commands.registerCommand(CommandId.showRuleDocs, async (ruleId: unknown) => {
    if (typeof ruleId !== 'string' || !(RULE_IDS as readonly string[]).includes(ruleId)) {
      log.warn(`${CommandId.showRuleDocs} needs a rule id (one of ${RULE_IDS.join(', ')}); got ${JSON.stringify(ruleId)}.`);
      return false;
    }
    return vscode.env.openExternal(vscode.Uri.parse(ruleDocsUrl(ruleId as RuleId)));
  });
}
