// The deploy's quick picks and input boxes (VS Code API). Each stays open when focus moves
// (ignoreFocusOut) and is recorded while open, so the e2e test can see what is asked and answer it
// with the workbench's own accept command.
import * as vscode from 'vscode';

export interface OpenPrompt {
  kind: 'pick' | 'input';
  title: string;
  items: string[];
  active?: string;
  value?: string;
}

export class Prompts {
  current: OpenPrompt | undefined;

  /** A quick pick; undefined when dismissed. The first item is active (the prefilled answer). */
  pick<T extends vscode.QuickPickItem>(
    title: string,
    items: T[],
    placeholder?: string,
  ): Promise<T | undefined> {
    const pick = vscode.window.createQuickPick<T>();
    pick.title = title;
    pick.placeholder = placeholder;
    pick.items = items;
    pick.ignoreFocusOut = true;
    if (items[0]) pick.activeItems = [items[0]];
    this.current = { kind: 'pick', title, items: items.map((i) => i.label), active: items[0]?.label };
    return new Promise<T | undefined>((resolve) => {
      let chosen: T | undefined;
      pick.onDidChangeActive((active) => {
        if (this.current?.title === title) this.current.active = active[0]?.label;
      });
      pick.onDidAccept(() => {
        chosen = pick.selectedItems[0] ?? pick.activeItems[0];
        pick.hide();
      });
      pick.onDidHide(() => {
        if (this.current?.title === title) this.current = undefined;
        pick.dispose();
        resolve(chosen);
      });
      pick.show();
    });
  }

  /** An input box prefilled with `value`; undefined when dismissed. */
  input(title: string, value: string, check: (v: string) => string | undefined, prompt?: string) {
    const box = vscode.window.createInputBox();
    box.title = title;
    box.value = value;
    box.prompt = prompt;
    box.ignoreFocusOut = true;
    this.current = { kind: 'input', title, items: [], value };
    return new Promise<string | undefined>((resolve) => {
      let accepted: string | undefined;
      box.onDidChangeValue((v) => {
        box.validationMessage = v ? check(v) : undefined;
        if (this.current?.title === title) this.current.value = v;
      });
      box.onDidAccept(() => {
        const problem = check(box.value);
        if (problem) {
          box.validationMessage = problem;
          return;
        }
        accepted = box.value.trim();
        box.hide();
      });
      box.onDidHide(() => {
        if (this.current?.title === title) this.current = undefined;
        box.dispose();
        resolve(accepted);
      });
      box.show();
    });
  }
}
